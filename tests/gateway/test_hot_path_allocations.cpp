// The brief of the gateway's hot path, checked: once a connection is warm, a
// redemption (POST /gateway auth.loginByAlias) and an authenticated
// auth.whoami go from request bytes to response bytes through the real
// HttpSession, router and gateway without a single heap allocation.
//
// This binary's global operator new counts calls; the count is read around
// the requests only (building the requests and logging in come before).
#include "../support/counting_allocator.h"
#include "net/http_session.h"
#include "rig.h"

using namespace amfgate;
using namespace amfgate::testing;

namespace {

constexpr int kWarm = 8;
constexpr int kCounted = 24;

// One connection's HTTP/1.1 conversation over the rig's routes, as the
// server runs it: bytes in, Process, bytes out.
class Wire {
 public:
  explicit Wire(const Router& router) : pool_(16 * 1024, 8) {
    shared_.policy =
        ResponsePolicy::Make("no-referrer", 3600 * kSecond, "frame-ancestors 'self'").value();
    shared_.pool = &pool_;
    shared_.stats = &stats_;
    info_.peer.family = 2;  // AF_INET
    info_.peer.bytes[0] = 127;
    info_.peer.bytes[3] = 1;
    info_.peer_text = "127.0.0.1:40000";
    session_ = std::make_unique<HttpSession>(&shared_, &router, &info_);
    out_.reserve(64 * 1024);
  }

  // Sends one request and returns the response bytes (valid until the next).
  std::string_view Exchange(std::string_view request) {
    out_.clear();
    while (!request.empty()) {
      std::span<char> space = session_->ReadSpace();
      REQUIRE(!space.empty());
      size_t n = std::min(space.size(), request.size());
      std::copy(request.begin(), request.begin() + n, space.begin());
      session_->Received(n, kSecond);
      request.remove_prefix(n);
    }
    REQUIRE(session_->Process(kSecond, {}, &out_) == 1);
    return out_;
  }

 private:
  BufferPool pool_;
  ServerStats stats_;
  HttpShared shared_;
  ConnectionInfo info_;
  std::unique_ptr<HttpSession> session_;
  std::string out_;
};

std::string GatewayRequest(std::string_view packet, std::string_view cookie) {
  std::string r =
      "POST /gateway HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nOrigin: http://127.0.0.1:8080\r\n";
  if (!cookie.empty()) r.append("Cookie: ").append(cookie).append("\r\n");
  r.append("Content-Type: application/x-amf\r\nContent-Length: ")
      .append(std::to_string(packet.size()));
  r.append("\r\n\r\n").append(packet);
  return r;
}

// The value of the gateway cookie set by a response, or "".
std::string GatewayCookie(std::string_view response) {
  size_t at = response.find("Set-Cookie: gsid=");
  if (at == std::string_view::npos) return "";
  at += std::string_view("Set-Cookie: ").size();
  return std::string(response.substr(at, response.find(';', at) - at));
}

}  // namespace

TEST_CASE("a warm connection redeems aliases and answers whoami without a heap allocation") {
  Config config;
  config.max_pending_aliases = kWarm + kCounted;
  config.redeem_rate_per_address = {1000, 1000};
  Rig rig(config, false);
  Browser page;
  REQUIRE(rig.Login(page, "demo", rig.password()).status == 303);
  std::vector<std::string> redeems;
  for (int i = 0; i < kWarm + kCounted; ++i) {
    std::string alias = rig.MintAlias(page);
    REQUIRE(alias.size() == 43);
    redeems.push_back(
        GatewayRequest(BuildPacket({{"auth.loginByAlias", {amf::Value::String(alias)}}}), ""));
  }
  // The access log (captured by the rig) formats a line per request: the
  // measured server runs with it off.
  DefaultLogger().SetCapture(nullptr);

  Wire wire(rig.router());
  std::string cookie;
  for (int i = 0; i < kWarm; ++i) cookie = GatewayCookie(wire.Exchange(redeems[i]));
  REQUIRE(!cookie.empty());

  size_t before = HeapAllocations();
  for (int i = kWarm; i < kWarm + kCounted; ++i) {
    std::string_view response = wire.Exchange(redeems[i]);
    REQUIRE(response.starts_with("HTTP/1.1 200 OK\r\n"));
    REQUIRE(response.find("Set-Cookie: gsid=") != std::string_view::npos);
    REQUIRE(response.find("onResult") != std::string_view::npos);
  }
  CHECK(HeapAllocations() - before == 0);

  std::string whoami = GatewayRequest(BuildPacket({{"auth.whoami", {}}}), cookie);
  for (int i = 0; i < kWarm; ++i) wire.Exchange(whoami);
  before = HeapAllocations();
  for (int i = 0; i < kCounted; ++i) {
    std::string_view response = wire.Exchange(whoami);
    REQUIRE(response.starts_with("HTTP/1.1 200 OK\r\n"));
    REQUIRE(response.find("onResult") != std::string_view::npos);
    REQUIRE(response.find("demo") != std::string_view::npos);
  }
  CHECK(HeapAllocations() - before == 0);
}
