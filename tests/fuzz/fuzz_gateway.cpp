// libFuzzer target: the handoff's whole request handling in one process: the
// pages (/login, /app, /logout) and the AMF gateway, assembled by Handoff on
// a manual clock, driven through the Router with synthetic Requests (no
// sockets), as web/handoff.h wires them in the server.
//
// The input is a program for two browsers (one on HTTPS, one on a plain
// listener, each with a cookie jar and its own address): fetch and submit the
// login form, open the app page (optionally with a PKCE challenge), sign out,
// send gateway packets of up to four bodies (loginByAlias with a real,
// patched or invented alias and a right or wrong verifier, whoami, logout,
// echo, password login, unknown targets, Flex RemotingMessage and
// CommandMessage in full and small form, any AMF0 or AMF3 value from the
// input as the argument, Credentials and must-understand headers), send raw
// requests with any method, path, type, Origin, cookies and body, edit
// cookies, advance the clock and tick the timer wheel. FUZZ_GATEWAY_TRACE=1
// in the environment prints each request, answer and log line (to read what
// an input does).
//
// Checked after every step:
//  - the response validates, its status is one the handlers may give (never
//    500), redirects go to /app or /login, 429/503 carry Retry-After, every
//    Set-Cookie has the attributes of SPEC section 2 and comes with
//    Cache-Control: no-store, HTML carries its own CSP;
//  - gateway replies decode, answer every body in order with the request's
//    response URI, carry only the known fault codes and fixed descriptions,
//    echo Flex message ids only when they are plain ids, and echo.echo
//    returns its argument structurally unchanged;
//  - no known token (session ids, aliases, CSRF bindings) appears in a log
//    line or a response body, and every log line is escaped;
//  - the session store validates;
//  - a model of the handoff holds: an alias redeems at most once, never
//    after its deadline, never after its page session ended or expired,
//    never with a wrong verifier, and never again after any failed
//    redemption of it; a replay revokes the session the alias created; an
//    invented or patched alias never redeems; whoami succeeds only for the
//    demo user, on a session this run was issued and has not seen end or
//    outlive its parent; the app page mints only for a live page session;
//    the login form succeeds only with the right password.
//
// Runs are made independent by starting each 20 s of manual time after the
// previous one (every session, alias and rate-limit bucket of the previous
// run has expired or refilled by then), ticking the wheel, and requiring that
// it reclaimed everything.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "amf/arena.h"
#include "amf/codec.h"
#include "amf/compare.h"
#include "amf/flex.h"
#include "amf/packet.h"
#include "amf/value.h"
#include "core/clock.h"
#include "core/log.h"
#include "fuzz_check.h"
#include "handoff_client.h"
#include "handoff_rig.h"
#include "net/http_message.h"
#include "net/router.h"
#include "web/encoding.h"
#include "web/handoff.h"

using namespace amfgate;
using namespace amfgate::fuzz;

namespace {

constexpr Duration kRunSpacing = 20 * kSecond;
constexpr Duration kMaxRunAdvance = 7 * kSecond;
constexpr size_t kMaxSteps = 48;

const std::set<std::string_view> kFaultCodes = {
    "Auth.AliasInvalid",   "Auth.Required",         "Auth.LoginFailed",          "Server.Busy",
    "Server.BadArguments", "Server.MustUnderstand", "Server.ResourceUnavailable"};
const std::set<std::string_view> kFaultTexts = {
    "The alias is not valid.",
    "This call needs a logged-in session.",
    "Login failed.",
    "The server is busy; retry later.",
    "No such service method.",
    "A header the server does not understand was marked must-understand.",
    "The message could not be read.",
    "The arguments are not what the method takes."};

// What the model knows of this run's tokens.
struct AliasFact {
  std::string token;
  std::string page;  // the page session id it was minted for
  MonoTime minted = 0;
  std::string verifier;  // non-empty when bound to a challenge
  bool redeemed = false;
  bool dead = false;  // can never redeem again
  std::string child;  // the gateway session its redemption created, when known
};
struct PageFact {
  MonoTime created = 0;
  bool ended = false;
};
struct GatewayFact {
  std::string parent;  // page session id; "" when unknown (password login, raw packets)
  MonoTime created = 0;
  bool ended = false;
};

// One body of a gateway packet, as built and as the model expects it.
struct Call {
  enum Kind { kRedeem, kWhoami, kLogout, kEcho, kLogin, kUnknown } kind = kUnknown;
  int alias = -1;  // index into aliases_, or -1 for an invented one
  bool right_verifier = true;
  bool flex = false;
  std::string message_id;
  amf::Value echo;       // kEcho: the argument
  std::string response;  // response URI
};

// A gateway request as built: the bytes and what the model needs to read
// the answer.
struct GatewayRequest {
  uint16_t version = 0;
  bool credentials = false;      // a Credentials header: logs in before the bodies
  bool must_understand = false;  // an unknown header marked must-understand
  std::vector<Call> calls;
  std::string bytes;
  // What the calls' echo values view, alive until the answer is checked.
  std::unique_ptr<Arena> arena = std::make_unique<Arena>();
  std::deque<std::string> texts;
};

class World {
 public:
  World() : rig_([this] { return clock_.now(); }) {
    DefaultLogger().SetCapture([this](char, std::string_view line) { log_.emplace_back(line); });
    ForgetRun();
  }

  void Run(Input& in);

 private:
  MonoTime now() const { return clock_.now(); }

  void StartRun();
  void ForgetRun();
  Reply Send(Browser& b, std::string_view method, std::string_view target, std::string_view body,
             std::vector<std::pair<std::string, std::string>> headers,
             const std::string* raw_cookie = nullptr);
  void CheckReply(const Browser& b, std::string_view path, const Reply& r);
  void CheckLogsAndBodies(const Reply& r);
  void Remember(const std::string& token) {
    if (token.size() == 43) tokens_.insert(token);
  }
  bool PageAlive(const std::string& sid) const {
    auto it = pages_.find(sid);
    return it != pages_.end() && !it->second.ended && now() < it->second.created + kSessionLifetime;
  }
  bool GatewayAlive(const std::string& gsid) const {
    auto it = gateways_.find(gsid);
    if (it == gateways_.end() || it->second.ended || now() >= it->second.created + kSessionLifetime)
      return false;
    return it->second.parent.empty() || PageAlive(it->second.parent);
  }
  void EndPage(const std::string& sid) {
    if (sid.empty()) return;
    pages_[sid].ended = true;
  }

  void GetLogin(Browser& b);
  void PostLogin(Browser& b, Input& in);
  void GetApp(Browser& b, Input& in);
  void PostLogout(Browser& b, Input& in);
  void Gateway(Browser& b, Input& in);
  GatewayRequest BuildRequest(Input& in);
  Call BuildCall(Input& in, size_t i, uint16_t version, Arena& arena,
                 std::deque<std::string>& texts, amf::Body* body);
  void CheckAnswers(Browser& b, const GatewayRequest& request, const Reply& r,
                    const std::string& gsid);
  void Raw(Browser& b, Input& in);
  void EditCookie(Browser& b, Input& in);

  const bool trace_ = getenv("FUZZ_GATEWAY_TRACE") != nullptr;
  ManualClock clock_;
  HandoffRig rig_;
  std::vector<std::string> log_;
  size_t log_checked_ = 0;
  uint64_t run_ = 0;
  MonoTime run_start_ = 0;
  uint16_t port_ = 1000;
  Browser browsers_[2];
  std::set<std::string> tokens_;
  std::vector<AliasFact> aliases_;
  std::map<std::string, PageFact> pages_;
  std::map<std::string, GatewayFact> gateways_;
};

void World::StartRun() {
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
void World::ForgetRun() {
  browsers_[0] = Browser{true, 1};
  browsers_[1] = Browser{false, 2};
  tokens_.clear();
  aliases_.clear();
  pages_.clear();
  gateways_.clear();
  log_.clear();
  log_checked_ = 0;
}

Reply World::Send(Browser& b, std::string_view method, std::string_view target,
                  std::string_view body, std::vector<std::pair<std::string, std::string>> headers,
                  const std::string* raw_cookie) {
  std::string cookie = raw_cookie != nullptr ? *raw_cookie : b.CookieHeader();
  if (!cookie.empty()) headers.emplace_back("Cookie", cookie);
  std::vector<HeaderField> fields = {{"Host", "127.0.0.1"}};
  for (const auto& [k, v] : headers) fields.push_back({k, v});
  Request request;
  request.method_text = method;
  request.method = method == "GET"       ? Method::kGet
                   : method == "HEAD"    ? Method::kHead
                   : method == "POST"    ? Method::kPost
                   : method == "OPTIONS" ? Method::kOptions
                   : method == "PUT"     ? Method::kPut
                                         : Method::kOther;
  request.target = target;
  size_t q = target.find('?');
  request.path = target.substr(0, q);
  request.query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  request.headers = fields;
  request.body = body;
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

void World::CheckReply(const Browser& b, std::string_view path, const Reply& r) {
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

void World::CheckLogsAndBodies(const Reply& r) {
  for (; log_checked_ < log_.size(); ++log_checked_) {
    const std::string& line = log_[log_checked_];
    if (trace_) fprintf(stderr, "    log: %s\n", line.c_str());
    for (unsigned char c : line) FUZZ_CHECK(c >= 0x20 && c < 0x7f);
    for (const std::string& t : tokens_) FUZZ_CHECK(line.find(t) == std::string::npos);
  }
  for (const std::string& t : tokens_) FUZZ_CHECK(r.body.find(t) == std::string::npos);
}

void World::GetLogin(Browser& b) {
  Reply r = Send(b, "GET", "/login", {}, {});
  if (r.status == 200) b.login_csrf = Between(r.body, "name=\"csrf\" value=\"", "\"");
}

void World::PostLogin(Browser& b, Input& in) {
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

void World::GetApp(Browser& b, Input& in) {
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

void World::PostLogout(Browser& b, Input& in) {
  uint8_t f = in.Byte();
  std::string csrf = (f & 1) ? in.Text() : b.page_csrf;
  std::string sid = b.Get("sid");
  Reply r = Send(b, "POST", "/logout", "csrf=" + FormEncode(csrf),
                 {{"Content-Type", "application/x-www-form-urlencoded"}, OriginHeader(f >> 1)});
  // 303 either ended the session or found it gone already.
  if (r.status == 303) EndPage(sid);
}

Call World::BuildCall(Input& in, size_t i, uint16_t version, Arena& arena,
                      std::deque<std::string>& texts, amf::Body* body) {
  Call c;
  uint8_t k = in.Byte();
  c.response = (k & 0x80) ? "/1" : "/" + std::to_string(i + 1);
  c.flex = (k & 0x40) != 0;
  amf::Format format = (version == 3 || c.flex) ? amf::Format::kAmf3 : amf::Format::kAmf0;
  std::vector<amf::Value> args;
  std::string target;
  bool raw = false;  // the argument is an AMF value from the input, sent as it is
  switch ((k & 0x1f) % 7) {
    case 0: {
      c.kind = Call::kRedeem;
      uint8_t a = in.Byte();
      std::string alias;
      if (!aliases_.empty() && (a & 0x80) == 0) {
        c.alias = static_cast<int>(a % aliases_.size());
        alias = aliases_[c.alias].token;
      } else if (!aliases_.empty() && (a & 0x40)) {
        alias = aliases_[a % aliases_.size()].token;  // patched: one character changed
        size_t at = in.Byte() % alias.size();
        char ch = static_cast<char>(0x21 + in.Byte() % 94);
        if (alias[at] == ch) ch = alias[at] == 'A' ? 'B' : 'A';
        alias[at] = ch;
      } else {
        alias = in.Ascii();
      }
      texts.push_back(alias);
      args.push_back(amf::Value::String(texts.back(), format));
      const std::string* expected = c.alias >= 0 && !aliases_[c.alias].verifier.empty()
                                        ? &aliases_[c.alias].verifier
                                        : nullptr;
      std::string verifier;
      if (a & 0x20) {
        verifier = in.Ascii(32);
      } else if (expected != nullptr) {
        verifier = *expected;
      }
      if (!verifier.empty() || (a & 0x20)) {
        texts.push_back(verifier);
        args.push_back(amf::Value::String(texts.back(), format));
      }
      c.right_verifier = expected == nullptr || verifier == *expected;
      target = (a & 0x10) ? "loginByAlias" : "auth.loginByAlias";
      break;
    }
    case 1:
      c.kind = Call::kWhoami;
      target = "auth.whoami";
      break;
    case 2:
      c.kind = Call::kLogout;
      target = "auth.logout";
      break;
    case 3: {
      c.kind = Call::kEcho;
      target = "echo.echo";
      texts.push_back(in.Text(64));
      auto v = amf::DecodeAmf0(texts.back(), arena);
      if (!v.ok()) texts.push_back(in.Ascii());
      c.echo = v.ok() ? *v : amf::Value::String(texts.back(), format);
      args.push_back(c.echo);
      break;
    }
    case 4: {
      c.kind = Call::kLogin;
      target = "auth.login";
      bool right = !(in.Byte() & 1);
      args.push_back(amf::Value::String(kUser, format));
      args.push_back(amf::Value::String(right ? kPassword : "wrong", format));
      break;
    }
    case 5:
      texts.push_back(in.Ascii(24));
      target = texts.back();
      break;
    default: {
      // Any AMF0 or AMF3 value as the first argument; a Flex message among
      // them is answered as Flex, whatever the target.
      static constexpr std::string_view kTargets[] = {"null", "echo.echo", "auth.whoami",
                                                      "auth.loginByAlias"};
      uint8_t r = in.Byte();
      target = kTargets[(r >> 1) & 3];
      texts.push_back(in.Text(255));
      auto v =
          (r & 1) ? amf::DecodeAmf3(texts.back(), arena) : amf::DecodeAmf0(texts.back(), arena);
      if (!v.ok()) break;
      raw = true;
      args.push_back(*v);
      amf::FlexKind flex = amf::ClassifyFlex(*v);
      c.flex = flex == amf::FlexKind::kRemoting || flex == amf::FlexKind::kCommand;
      if (flex == amf::FlexKind::kRemoting) {
        auto m = amf::DecodeRemotingMessage(*v, arena);
        if (m.ok()) c.message_id = std::string(m->common.message_id);
      } else if (flex == amf::FlexKind::kCommand) {
        auto m = amf::DecodeCommandMessage(*v, arena);
        if (m.ok()) c.message_id = std::string(m->common.message_id);
      } else if (target == "echo.echo") {
        c.kind = Call::kEcho;
        c.echo = *v;
      }
      break;
    }
  }
  if (c.flex && !raw && c.kind == Call::kLogin) {
    // The Flex login command: base64 of user:password in a CommandMessage.
    amf::CommandMessage m;
    uint8_t id = in.Byte();
    texts.push_back((id & 1) ? "C3C3C3C3-2222-4333-8444-555555555555" : in.Ascii(40));
    c.message_id = texts.back();
    m.common.message_id = texts.back();
    m.operation = (id & 2) ? 9 : (id & 4) ? 5 : 8;
    if (m.operation == 9) c.kind = Call::kLogout;
    if (m.operation == 5) c.kind = Call::kUnknown;
    texts.push_back(
        Base64Encode(std::string(kUser) + ":" + ((id & 8) ? "wrong" : std::string(kPassword))));
    m.common.body = amf::Value::String(texts.back(), amf::Format::kAmf3);
    amf::Value message = amf::EncodeCommandMessage(
        arena, m, (id & 16) ? amf::FlexForm::kSmall : amf::FlexForm::kFull);
    args = {message};
    target = "null";
  } else if (c.flex && !raw) {
    amf::RemotingMessage m;
    uint8_t id = in.Byte();
    texts.push_back((id & 1) ? "A1A1A1A1-2222-4333-8444-555555555555" : in.Ascii(40));
    c.message_id = texts.back();
    m.common.message_id = texts.back();
    size_t dot = target.find('.');
    texts.push_back(dot == std::string::npos ? target : target.substr(0, dot));
    m.common.destination = texts.back();
    texts.push_back(dot == std::string::npos ? "" : target.substr(dot + 1));
    m.operation = texts.back();
    std::vector<amf::Value> flex_args;
    for (const amf::Value& v : args) flex_args.push_back(v.WithFormat(amf::Format::kAmf3));
    m.common.body = amf::MakeArray(arena, flex_args, amf::Format::kAmf3);
    args = {amf::EncodeRemotingMessage(arena, m)};
    target = "null";
    // Flex chooses the echo's format; a bare "loginByAlias" is no Flex destination.
    if (c.kind == Call::kEcho || (c.kind == Call::kRedeem && dot == std::string::npos))
      c.kind = Call::kUnknown;
  }
  texts.push_back(target);
  body->target = texts.back();
  // Some clients switch the whole argument array to AMF3.
  bool amf3_array = (k & 0x20) && !c.flex && !raw && c.kind != Call::kEcho;
  if (amf3_array) {
    for (amf::Value& v : args) v = v.WithFormat(amf::Format::kAmf3);
  }
  body->value = amf::MakeArray(arena, args, amf3_array ? amf::Format::kAmf3 : amf::Format::kAmf0);
  return c;
}

GatewayRequest World::BuildRequest(Input& in) {
  GatewayRequest request;
  Arena& arena = *request.arena;
  std::deque<std::string>& texts = request.texts;  // strings stay in place for the encoder
  uint8_t f = in.Byte();
  size_t count = 1 + (f & 3);
  request.version = (f & 4) ? 3 : 0;
  std::vector<amf::Header> headers;
  if (f & 8) {
    bool right = !(in.Byte() & 1);
    amf::Member m[2] = {{"userid", amf::Value::String(kUser)},
                        {"password", amf::Value::String(right ? kPassword : "wrong")}};
    headers.push_back({"Credentials", false, amf::MakeObject(arena, m, amf::Format::kAmf0), {}});
    request.credentials = true;
  }
  if (f & 16) {
    static constexpr std::string_view kNames[] = {"Foo", "credentials", "DescribeService",
                                                  "AppendToGatewayUrl"};
    uint8_t h = in.Byte();
    headers.push_back({kNames[h & 3], (h & 4) != 0, amf::Value::Null(), {}});
    request.must_understand = (h & 4) != 0;
  }

  std::vector<amf::Body> bodies(count);
  request.calls.reserve(count);  // the bodies view the calls' response URIs
  for (size_t i = 0; i < count; ++i) {
    request.calls.push_back(BuildCall(in, i, request.version, arena, texts, &bodies[i]));
    bodies[i].response = request.calls.back().response;
  }
  amf::Packet packet;
  packet.version = request.version;
  packet.headers = headers;
  packet.bodies = bodies;
  FUZZ_CHECK(amf::EncodePacket(packet, arena, &request.bytes).ok());
  return request;
}

void World::Gateway(Browser& b, Input& in) {
  GatewayRequest request = BuildRequest(in);
  uint8_t o = in.Byte();
  std::string gsid = b.Get("gsid");
  std::string type = (o & 0x10) ? "application/x-amf; charset=binary" : "application/x-amf";
  Reply r = Send(b, "POST", "/gateway", request.bytes, {{"Content-Type", type}, OriginHeader(o)});
  // Not the site's own origin (browsers never send one with a path) nor listed.
  if (o % 5 == 2 || o % 5 == 3) {
    FUZZ_CHECK(r.status == 403);
    return;
  }
  FUZZ_CHECK(r.status == 200);

  CheckAnswers(b, request, r, gsid);
}

// Reads the answers in order, with the session each body saw, against the model.
void World::CheckAnswers(Browser& b, const GatewayRequest& request, const Reply& r,
                         const std::string& gsid) {
  const std::vector<Call>& calls = request.calls;
  const size_t count = calls.size();
  const bool credentials = request.credentials;
  const bool must_understand = request.must_understand;
  Arena reply_arena;
  auto reply = amf::DecodePacket(r.body, reply_arena);
  FUZZ_CHECK(reply.ok() && reply->version == request.version && reply->bodies.size() == count);
  // No AppendToGatewayUrl, no session id for the URL: the answer has no headers.
  FUZZ_CHECK(reply->headers.empty());
  // The session the next body sees: from the cookie, freshly created, or none.
  enum { kCookie, kFresh, kNone, kUnknown } state = credentials ? kUnknown : kCookie;
  int fresh_alias = -1;
  bool fresh = false;
  for (size_t i = 0; i < count; ++i) {
    const Call& c = calls[i];
    const amf::Body& answer = reply->bodies[i];
    bool ok = answer.target == c.response + std::string(amf::kOnResult);
    FUZZ_CHECK(ok || answer.target == c.response + std::string(amf::kOnStatus));
    if (must_understand) FUZZ_CHECK(!ok);
    amf::Value result = answer.value;
    std::string_view code;
    if (c.flex) {
      if (ok) {
        auto ack = amf::DecodeAcknowledgeMessage(answer.value, reply_arena);
        FUZZ_CHECK(ack.ok());
        FUZZ_CHECK(ack->correlation_id == (IsPlainId(c.message_id) ? c.message_id : ""));
        result = ack->common.body;
      } else {
        auto error = amf::DecodeErrorMessage(answer.value, reply_arena);
        FUZZ_CHECK(error.ok());
        FUZZ_CHECK(error->correlation_id == (IsPlainId(c.message_id) ? c.message_id : ""));
        FUZZ_CHECK(kFaultTexts.count(error->fault_string) == 1 && error->fault_detail.empty());
        code = error->fault_code;
      }
    } else if (!ok) {
      const amf::Object* status = answer.value.AsObject();
      FUZZ_CHECK(status != nullptr && status->Find("level") &&
                 status->Find("level")->AsString() == "error");
      FUZZ_CHECK(status->Find("description") &&
                 kFaultTexts.count(status->Find("description")->AsString()) == 1);
      code = status->Find("code") ? status->Find("code")->AsString() : "";
    }
    if (!ok) FUZZ_CHECK(kFaultCodes.count(code) == 1);
    // Every failed redemption looks the same (or is a retry-later); whoami
    // fails only for want of a session. Header faults stop every body.
    const bool header_fault = must_understand || credentials;
    if (!ok && c.kind == Call::kRedeem) {
      FUZZ_CHECK(code == "Auth.AliasInvalid" || code == "Server.Busy" || header_fault);
    }
    if (!ok && c.kind == Call::kWhoami) FUZZ_CHECK(code == "Auth.Required" || header_fault);
    if (trace_) {
      fprintf(stderr, "    body %zu kind %d alias %d flex %d: %.*s %.*s\n", i,
              static_cast<int>(c.kind), c.alias, c.flex, static_cast<int>(answer.target.size()),
              answer.target.data(), static_cast<int>(code.size()), code.data());
    }

    switch (c.kind) {
      case Call::kRedeem: {
        if (c.alias < 0) {
          FUZZ_CHECK(!ok);
          break;
        }
        AliasFact& a = aliases_[c.alias];
        if (ok) {
          FUZZ_CHECK(!a.redeemed && !a.dead && c.right_verifier);
          FUZZ_CHECK(now() < a.minted + kAliasTtl && PageAlive(a.page));
          a.redeemed = true;
          state = kFresh;
          fresh = true;
          fresh_alias = c.alias;
        } else if (code == "Auth.AliasInvalid") {
          // A replay ends the session the alias created, whichever body sees it.
          if (a.redeemed && now() < a.minted + kAliasTtl) {
            if (!a.child.empty()) gateways_[a.child].ended = true;
            if ((state == kCookie && a.child == gsid && !gsid.empty()) ||
                (state == kFresh && fresh_alias == c.alias)) {
              state = kNone;
            }
          }
          a.dead = true;
        }
        if (ok && !c.flex) {
          const amf::Object* o2 = result.AsObject();
          FUZZ_CHECK(o2 != nullptr && o2->Find("user") && o2->Find("user")->AsString() == kUser);
        }
        break;
      }
      case Call::kWhoami:
        if (!ok) break;
        FUZZ_CHECK(state != kNone);
        if (state == kCookie) FUZZ_CHECK(GatewayAlive(gsid));
        FUZZ_CHECK(result.AsString() == kUser);
        break;
      case Call::kLogout:
        if (!ok) break;
        if (state == kCookie && gateways_.count(gsid)) gateways_[gsid].ended = true;
        state = kNone;
        break;
      case Call::kLogin:
        if (ok) {
          state = kFresh;
          fresh = true;
          fresh_alias = -1;
        }
        break;
      case Call::kEcho:
        // Only a header fault (must-understand, failed Credentials) stops an echo.
        FUZZ_CHECK(ok || must_understand || credentials);
        if (ok) FUZZ_CHECK(amf::StructurallyEqual(result, c.echo));
        break;
      case Call::kUnknown:
        break;
    }
  }
  auto cookie = r.cookies.find(b.Name("gsid"));
  if (cookie != r.cookies.end() && !cookie->second.empty()) {
    FUZZ_CHECK(fresh || credentials);
    GatewayFact g{fresh_alias >= 0 ? aliases_[fresh_alias].page : "", now()};
    gateways_[cookie->second] = g;
    if (fresh_alias >= 0) aliases_[fresh_alias].child = cookie->second;
  }
}

void World::Raw(Browser& b, Input& in) {
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

void World::EditCookie(Browser& b, Input& in) {
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

void World::Run(Input& in) {
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World world;
  Input in(data, size);
  world.Run(in);
  return 0;
}
