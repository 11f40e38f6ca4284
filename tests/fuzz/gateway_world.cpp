// fuzz_gateway's run: the steps of an input, the pages, raw requests, cookie
// edits, and the checks every response gets (gateway_world.h).
#include "gateway_world.h"

#include <algorithm>
#include <cstdio>

#include "../support/direct_request.h"
#include "core/log.h"
#include "fuzz_check.h"
#include "net/http_message.h"
#include "net/router.h"
#include "web/encoding.h"
#include "web/handoff.h"

namespace amfgate::fuzz {

namespace {

constexpr Duration kRunSpacing = 20 * kSecond;
constexpr Duration kMaxRunAdvance = 7 * kSecond;
constexpr size_t kMaxSteps = 48;

}  // namespace

void GatewayWorld::StartRun() {
  ++run_;
  run_start_ = kSecond + static_cast<MonoTime>(run_) * kRunSpacing;
  clock_.Set(run_start_);
  for (int i = 0; i < 4; ++i) rig_.handoff().Tick(now());
  StoreCounts counts = rig_.handoff().store().Counts();
  FUZZ_CHECK(counts.page_sessions == 0 && counts.gateway_sessions == 0 &&
             counts.pending_aliases == 0 && counts.alias_tombstones == 0);
  FUZZ_CHECK(rig_.handoff().store().Validate());
}

// Frees what the run allocated, before it returns: libFuzzer suspects a leak
// in any run that mallocs more than it frees and then runs LeakSanitizer,
// which forks and scans the heap.
void GatewayWorld::ForgetRun() {
  browsers_[0] = Browser{true, 1};
  browsers_[1] = Browser{false, 2};
  tokens_.clear();
  aliases_.clear();
  pages_.clear();
  gateways_.clear();
  log_.clear();
  log_checked_ = 0;
}

Reply GatewayWorld::Send(Browser& b, std::string_view method, std::string_view target,
                         std::string_view body,
                         std::vector<std::pair<std::string, std::string>> headers,
                         const std::string* raw_cookie) {
  std::string cookie = raw_cookie != nullptr ? *raw_cookie : b.CookieHeader();
  if (!cookie.empty()) headers.emplace_back("Cookie", cookie);
  std::vector<HeaderField> fields = {{"Host", "127.0.0.1"}};
  for (const auto& [k, v] : headers) fields.push_back({k, v});
  Request request = testing::DirectRequest(method, target, body, fields);
  request.peer.family = 2;  // AF_INET
  request.peer.bytes[0] = 10;
  request.peer.bytes[3] = b.address;
  request.peer.port = ++port_;
  std::string peer_text = "10.0.0." + std::to_string(b.address) + ":" + std::to_string(port_);
  request.peer_text = peer_text;
  request.is_tls = b.tls;
  request.received_at = now();

  Response response;
  rig_.router().Dispatch(request, response);
  if (trace_) {
    fprintf(stderr, "  %.*s %.*s (%s, %s) -> %d\n", static_cast<int>(method.size()), method.data(),
            static_cast<int>(target.size()), target.data(), b.tls ? "https" : "http",
            cookie.c_str(), response.status());
  }
  FUZZ_CHECK(response.Validate());
  Reply r;
  r.status = response.status();
  r.headers = std::string(response.header_lines());
  r.content_type = std::string(response.content_type());
  r.body = response.body();
  FUZZ_CHECK(r.status != 500);
  if (r.content_type.starts_with("text/html")) FUZZ_CHECK(response.has_csp());
  for (const std::string& line : HeaderValues(r.headers, "Set-Cookie")) {
    std::string name = line.substr(0, line.find('='));
    std::string value = Between(line, "=", ";");
    bool expired = line.find("; Max-Age=0;") != std::string::npos;
    r.cookies[name] = expired ? "" : value;
    FUZZ_CHECK(line.find("; Path=/") != std::string::npos &&
               line.find("; SameSite=Strict") != std::string::npos);
    FUZZ_CHECK((line.find("; Secure") != std::string::npos) == b.tls);
    FUZZ_CHECK(line.find("; Domain") == std::string::npos);
    if (name.starts_with("a_")) {
      // The alias cookie: readable by script, as long-lived as the alias.
      FUZZ_CHECK(name.size() == 24 && value.size() == 43 &&
                 line.find("HttpOnly") == std::string::npos);
      long max_age = std::strtol(Between(line, "; Max-Age=", ";").c_str(), nullptr, 10);
      FUZZ_CHECK(max_age >= 1 && max_age <= kAliasTtl / kSecond);
    } else {
      FUZZ_CHECK(name == b.Name("sid") || name == b.Name("gsid") || name == b.Name("csrf"));
      FUZZ_CHECK(line.find("; HttpOnly") != std::string::npos);
      FUZZ_CHECK(expired ? value.empty() : value.size() == 43);
    }
    Remember(value);
    if (expired) {
      b.jar.erase(name);
    } else {
      b.jar[name] = value;
    }
  }
  if (!r.cookies.empty())
    FUZZ_CHECK(response.has_cache_control() &&
               HeaderValues(r.headers, "Cache-Control") == std::vector<std::string>{"no-store"});
  CheckReply(b, request.path, r);
  CheckLogsAndBodies(r);
  FUZZ_CHECK(rig_.handoff().store().Validate());
  return r;
}

void GatewayWorld::CheckReply(const Browser& b, std::string_view path, const Reply& r) {
  static const std::set<int> kStatuses = {200, 204, 303, 400, 401, 403,
                                          404, 405, 413, 415, 429, 503};
  FUZZ_CHECK(kStatuses.count(r.status) == 1);
  if (r.status == 303) {
    auto location = HeaderValues(r.headers, "Location");
    FUZZ_CHECK(location.size() == 1 && (location[0] == "/app" || location[0] == "/login"));
  }
  if (r.status == 429 || r.status == 503) {
    auto retry = HeaderValues(r.headers, "Retry-After");
    FUZZ_CHECK(retry.size() == 1 && std::strtol(retry[0].c_str(), nullptr, 10) >= 1);
  }
  // The app page mints only for a live page session, and the alias is
  // recorded for the model.
  if (path == "/app" && r.status == 200) {
    std::string sid = b.Get("sid");
    auto cookie = std::find_if(r.cookies.begin(), r.cookies.end(),
                               [](const auto& c) { return c.first.starts_with("a_"); });
    FUZZ_CHECK(cookie != r.cookies.end());
    FUZZ_CHECK(Between(r.body, "randomcookie=", "&amp;") == cookie->first);
  }
}

void GatewayWorld::CheckLogsAndBodies(const Reply& r) {
  for (; log_checked_ < log_.size(); ++log_checked_) {
    const std::string& line = log_[log_checked_];
    if (trace_) fprintf(stderr, "    log: %s\n", line.c_str());
    for (unsigned char c : line) FUZZ_CHECK(c >= 0x20 && c < 0x7f);
    for (const std::string& t : tokens_) FUZZ_CHECK(line.find(t) == std::string::npos);
  }
  for (const std::string& t : tokens_) FUZZ_CHECK(r.body.find(t) == std::string::npos);
}

void GatewayWorld::GetLogin(Browser& b) {
  Reply r = Send(b, "GET", "/login", {}, {});
  if (r.status == 200) b.login_csrf = Between(r.body, "name=\"csrf\" value=\"", "\"");
}

void GatewayWorld::PostLogin(Browser& b, Input& in) {
  uint8_t f = in.Byte();
  // An unknown name costs a 20,000-iteration PBKDF2 (the dummy record's), so
  // it takes two bits to choose one.
  std::string user = (f & 0x81) == 0x81 ? in.Text(16) : std::string(kUser);
  std::string password = (f & 2) ? in.Text(24) : std::string(kPassword);
  std::string csrf = (f & 4) ? in.Text() : b.login_csrf;
  std::string body = "username=" + FormEncode(user) + "&password=" + FormEncode(password) +
                     "&csrf=" + FormEncode(csrf);
  if (f & 0x40) body = in.Text(128) + "&" + body;
  std::string type = (f & 0x20) ? "Application/X-WWW-Form-Urlencoded; charset=utf-8"
                                : "application/x-www-form-urlencoded";
  std::string old_sid = b.Get("sid");
  Reply r = Send(b, "POST", "/login", body, {{"Content-Type", type}, OriginHeader(f >> 3)});
  auto sid = r.cookies.find(b.Name("sid"));
  if (r.status == 303 && sid != r.cookies.end()) {
    FUZZ_CHECK(user == kUser && password == kPassword);
    FUZZ_CHECK((f >> 3) % 5 < 2);
    EndPage(old_sid);
    pages_[sid->second] = PageFact{now()};
  }
}

void GatewayWorld::GetApp(Browser& b, Input& in) {
  uint8_t f = in.Byte();
  std::string target = "/app";
  std::string verifier;
  if (f & 1) {
    verifier = in.Ascii(32);
    if (verifier.empty()) verifier = "v";
    target += "?challenge=" + Sha256Base64Url(verifier);
  } else if (f & 2) {
    target += "?" + FormEncode(in.Text());
  }
  std::string sid = b.Get("sid");
  Reply r = Send(b, (f & 4) ? "HEAD" : "GET", target, {}, {});
  if (r.status != 200) return;
  FUZZ_CHECK(PageAlive(sid));
  b.page_csrf = Between(r.body, "name=\"csrf\" value=\"", "\"");
  std::string name = Between(r.body, "randomcookie=", "&amp;");
  AliasFact alias{b.jar[name], sid, now(), (f & 1) ? verifier : ""};
  FUZZ_CHECK(alias.token.size() == 43);
  aliases_.push_back(alias);
  if (!(f & 8)) b.jar.erase(name);  // the client reads the cookie and deletes it
}

void GatewayWorld::PostLogout(Browser& b, Input& in) {
  uint8_t f = in.Byte();
  std::string csrf = (f & 1) ? in.Text() : b.page_csrf;
  std::string sid = b.Get("sid");
  Reply r = Send(b, "POST", "/logout", "csrf=" + FormEncode(csrf),
                 {{"Content-Type", "application/x-www-form-urlencoded"}, OriginHeader(f >> 1)});
  // 303 either ended the session or found it gone already.
  if (r.status == 303) EndPage(sid);
}

void GatewayWorld::Raw(Browser& b, Input& in) {
  static constexpr std::string_view kMethods[] = {"GET", "POST",   "HEAD", "OPTIONS",
                                                  "PUT", "DELETE", "POST", "GET"};
  static constexpr std::string_view kPaths[] = {"/login",    "/app",   "/logout", "/gateway",
                                                "/gateway/", "/Login", "/",       "/app/"};
  static constexpr std::string_view kTypes[] = {"application/x-amf",
                                                "application/x-www-form-urlencoded",
                                                "text/plain",
                                                "",
                                                "application/x-amf;q=1",
                                                " APPLICATION/X-AMF ",
                                                "multipart/form-data",
                                                "application/x-www-form-urlencoded;x"};
  uint8_t f = in.Byte();
  uint8_t g = in.Byte();
  std::string target(kPaths[f >> 5]);
  if (g & 1) target += "?" + FormEncode(in.Text());
  std::vector<std::pair<std::string, std::string>> headers;
  if (!kTypes[g >> 5].empty()) headers.emplace_back("Content-Type", std::string(kTypes[g >> 5]));
  headers.push_back(OriginHeader(g >> 1));
  std::string raw_cookie;
  if (g & 0x10) {
    for (char c : in.Text(96)) {
      if (c != '\r' && c != '\n' && c != '\0' &&
          (static_cast<unsigned char>(c) >= 0x20 || c == '\t'))
        raw_cookie += c;
    }
  }
  std::string body = in.Text(255);
  std::string sid = b.Get("sid");
  Reply r = Send(b, kMethods[f & 7], target, body, headers, (g & 0x10) ? &raw_cookie : nullptr);
  if (target.starts_with("/logout") && r.status == 303 && !(g & 0x10)) EndPage(sid);
  auto gsid = r.cookies.find(b.Name("gsid"));
  if (gsid != r.cookies.end() && !gsid->second.empty())
    gateways_[gsid->second] = GatewayFact{"", now()};
  if (target.starts_with("/app") && r.status == 200 && !(g & 0x10)) FUZZ_CHECK(PageAlive(sid));
}

void GatewayWorld::EditCookie(Browser& b, Input& in) {
  static constexpr std::string_view kBases[] = {"sid", "gsid", "csrf"};
  uint8_t f = in.Byte();
  std::string name = b.Name(kBases[f % 3]);
  Browser& other = browsers_[&b == &browsers_[0] ? 1 : 0];
  switch ((f >> 2) & 3) {
    case 0:
      b.jar.erase(name);
      break;
    case 1: {
      std::string v = other.Get(kBases[f % 3]);
      if (!v.empty()) b.jar[name] = v;
      break;
    }
    case 2: {
      std::string v;
      for (char c : in.Text()) {
        if (c > 0x20 && c < 0x7f && c != ';') v += c;
      }
      b.jar[name] = v;
      break;
    }
    default: {
      auto it = b.jar.find(name);
      if (it != b.jar.end() && !it->second.empty()) {
        it->second[in.Byte() % it->second.size()] ^= 1;
      }
      break;
    }
  }
}

void GatewayWorld::Run(Input& in) {
  StartRun();
  Duration advanced = 0;
  for (size_t step = 0; step < kMaxSteps && !in.empty(); ++step) {
    uint8_t op = in.Byte();
    Browser& b = browsers_[op >> 7];
    switch (op % 9) {
      case 0:
        GetLogin(b);
        break;
      case 1:
        PostLogin(b, in);
        break;
      case 2:
        GetApp(b, in);
        break;
      case 3:
        PostLogout(b, in);
        break;
      case 4:
        Gateway(b, in);
        break;
      case 5:
        Raw(b, in);
        break;
      case 6:
        EditCookie(b, in);
        break;
      case 7: {
        Duration d = std::min<Duration>(in.Byte() * 20 * kMillisecond, kMaxRunAdvance - advanced);
        clock_.Advance(d);
        advanced += d;
        break;
      }
      default:
        rig_.handoff().Tick(now());
        FUZZ_CHECK(rig_.handoff().store().Validate());
        break;
    }
  }
  ForgetRun();
}

}  // namespace amfgate::fuzz
