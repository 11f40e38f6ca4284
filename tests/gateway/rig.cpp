#include "rig.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include "../support/direct_request.h"
#include "amf/value.h"

namespace amfgate::testing {

namespace {

std::string Between(const std::string& text, const std::string& before, const std::string& after) {
  size_t a = text.find(before);
  if (a == std::string::npos) return "";
  a += before.size();
  size_t b = text.find(after, a);
  return b == std::string::npos ? "" : text.substr(a, b - a);
}

std::string UnescapeHtml(std::string s) {
  const std::pair<std::string, std::string> entities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}};
  for (const auto& [from, to] : entities) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
      s.replace(at, from.size(), to);
    }
  }
  return s;
}

}  // namespace

std::vector<std::string> Reply::All(std::string_view name) const {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < headers.size()) {
    size_t end = headers.find("\r\n", pos);
    std::string line = headers.substr(pos, end - pos);
    pos = end + 2;
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    if (EqualsIgnoreCase(line.substr(0, colon), name)) {
      size_t v = colon + 1;
      while (v < line.size() && line[v] == ' ') ++v;
      out.push_back(line.substr(v));
    }
  }
  return out;
}

std::string Reply::Header(std::string_view name) const {
  auto all = All(name);
  return all.empty() ? "" : all[0];
}

void Browser::Absorb(const Reply& reply) {
  for (const std::string& line : reply.All("Set-Cookie")) {
    size_t eq = line.find('=');
    size_t semi = line.find(';');
    std::string name = line.substr(0, eq);
    std::string value =
        line.substr(eq + 1, semi == std::string::npos ? std::string::npos : semi - eq - 1);
    if (line.find("Max-Age=0;") != std::string::npos || value.empty()) {
      jar_.erase(name);
    } else {
      jar_[name] = value;
    }
  }
}

std::string Browser::CookieHeader() const {
  std::string out;
  for (const auto& [k, v] : jar_) {
    if (!out.empty()) out += "; ";
    out += k + "=" + v;
  }
  return out;
}

std::optional<std::string> Browser::Get(const std::string& name) const {
  auto it = jar_.find(name);
  if (it == jar_.end()) return std::nullopt;
  return it->second;
}

Rig::Rig(Config config, bool tls) : config_(std::move(config)), tls_(tls) {
  if (config_.public_origin.empty())
    config_.public_origin = tls ? "https://127.0.0.1:8443" : "http://127.0.0.1:8080";
  DefaultLogger().SetCapture(
      [this](char, std::string_view line) { log_lines_.emplace_back(line); });
  HandoffHooks hooks;
  hooks.clock = [this] { return clock_.now(); };
  hooks.wall_millis = [] { return 1.7e12; };
  Status s = Handoff::Create(config_, &handoff_, hooks);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  REQUIRE(handoff_->Install(router_).ok());
}

Rig::~Rig() {
  CheckNoTokenInLogs();
  DefaultLogger().SetCapture(nullptr);
}

void Rig::CheckNoTokenInLogs() const {
  for (const std::string& token : tokens_) {
    for (const std::string& line : log_lines_) {
      CHECK_MESSAGE(line.find(token) == std::string::npos, "a token appears in the log: " << line);
    }
  }
}

Reply Rig::Send(std::string_view method, std::string_view target, std::string_view body,
                std::vector<std::pair<std::string, std::string>> headers, Browser* browser) {
  if (browser != nullptr && !browser->jar().empty())
    headers.emplace_back("Cookie", browser->CookieHeader());
  std::vector<HeaderField> fields;
  fields.push_back({"Host", "127.0.0.1"});
  for (const auto& [k, v] : headers) fields.push_back({k, v});
  Request request = DirectRequest(method, target, body, fields);
  request.peer.family = AF_INET;
  request.peer.bytes[0] = 127;
  request.peer.bytes[3] = 1;
  request.peer.port = next_port_++;
  std::string peer_text = "127.0.0.1:" + std::to_string(request.peer.port);
  request.peer_text = peer_text;
  request.is_tls = tls_;
  request.received_at = clock_.now();

  Response response;
  router_.Dispatch(request, response);
  CHECK(response.Validate());
  Reply reply;
  reply.status = response.status();
  reply.headers = std::string(response.header_lines());
  reply.content_type = std::string(response.content_type());
  reply.body = response.body();
  if (browser != nullptr) browser->Absorb(reply);
  for (const std::string& line : reply.All("Set-Cookie")) {
    std::string value = Between(line, "=", ";");
    if (value.size() == 43) Remember(value);
  }
  return reply;
}

Reply Rig::Amf(std::string_view packet, Browser* browser, std::string_view origin) {
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Type", "application/x-amf"}};
  if (!origin.empty()) headers.emplace_back("Origin", std::string(origin));
  return Send("POST", "/gateway", packet, headers, browser);
}

Reply Rig::Login(Browser& browser, const std::string& user, const std::string& password) {
  Reply form = Send("GET", "/login", {}, {}, &browser);
  REQUIRE(form.status == 200);
  std::string csrf = Between(form.body, "name=\"csrf\" value=\"", "\"");
  REQUIRE(csrf.size() == 43);
  std::string body = "username=" + user + "&password=" + password + "&csrf=" + csrf;
  return Send("POST", "/login", body,
              {{"Content-Type", "application/x-www-form-urlencoded"}, {"Origin", origin()}},
              &browser);
}

std::string Rig::MintAlias(Browser& browser, Reply* app_reply) {
  Reply app = Send("GET", "/app", {}, {}, &browser);
  if (app_reply != nullptr) *app_reply = app;
  if (app.status != 200) return "";
  browser.page_csrf = Between(app.body, "name=\"csrf\" value=\"", "\"");
  std::string flashvars = UnescapeHtml(Between(app.body, "name=\"flashvars\" value=\"", "\""));
  std::string alias;
  if (flashvars.rfind("alias=", 0) == 0) {
    alias = Between(flashvars, "alias=", "&");
  } else {
    std::string name = Between(flashvars, "randomcookie=", "&");
    auto value = browser.Get(name);
    REQUIRE(value.has_value());
    alias = *value;
    browser.Erase(name);  // the client reads it and deletes it
  }
  Remember(alias);
  return alias;
}

Reply Rig::Logout(Browser& browser) {
  return Send("POST", "/logout", "csrf=" + browser.page_csrf,
              {{"Content-Type", "application/x-www-form-urlencoded"}, {"Origin", origin()}},
              &browser);
}

std::string BuildPacket(const std::vector<Call>& calls, uint16_t version,
                        const std::vector<amf::Header>& headers) {
  Arena arena;
  std::vector<amf::Body> bodies;
  std::vector<std::string> responses;
  responses.reserve(calls.size());
  for (size_t i = 0; i < calls.size(); ++i) {
    responses.push_back(calls[i].response.empty() ? "/" + std::to_string(i + 1)
                                                  : calls[i].response);
  }
  for (size_t i = 0; i < calls.size(); ++i) {
    amf::Body b;
    b.target = calls[i].target;
    b.response = responses[i];
    b.value = amf::MakeArray(arena, calls[i].args, amf::Format::kAmf0);
    bodies.push_back(b);
  }
  std::vector<amf::Header> hs = headers;
  amf::Packet p;
  p.version = version;
  p.headers = hs;
  p.bodies = bodies;
  std::string out;
  auto r = amf::EncodePacket(p, arena, &out);
  REQUIRE(r.ok());
  return out;
}

std::unique_ptr<Decoded> Decode(const Reply& reply) {
  auto d = std::make_unique<Decoded>();
  d->bytes = reply.body;
  auto p = amf::DecodePacket(d->bytes, d->arena);
  if (p.ok()) {
    d->packet = *p;
    d->ok = true;
  }
  return d;
}

bool Decoded::IsResult(size_t i) const {
  if (!ok || i >= packet.bodies.size()) return false;
  std::string_view t = packet.bodies[i].target;
  return t.size() >= 9 && t.substr(t.size() - 9) == "/onResult";
}

bool Decoded::IsStatus(size_t i) const {
  if (!ok || i >= packet.bodies.size()) return false;
  std::string_view t = packet.bodies[i].target;
  return t.size() >= 9 && t.substr(t.size() - 9) == "/onStatus";
}

std::string Decoded::FaultCode(size_t i) const {
  if (!IsStatus(i)) return "";
  const amf::Object* o = packet.bodies[i].value.AsObject();
  const amf::Value* code = o ? o->Find("code") : nullptr;
  return code ? std::string(code->AsString()) : "?";
}

std::string Decoded::StringResult(size_t i) const {
  return IsResult(i) ? std::string(packet.bodies[i].value.AsString()) : "";
}

}  // namespace amfgate::testing
