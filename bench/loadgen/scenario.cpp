#include "scenario.h"

#include <algorithm>
#include <cstdio>
#include <deque>

#include "amf_reader.h"
#include "amf_value.h"
#include "amf_writer.h"
#include "cookie_jar.h"
#include "http_request.h"

namespace amfgate::bench {
namespace {

constexpr size_t kTokenLength = 43;  // 32 bytes in base64url, no padding
constexpr char kAmfType[] = "application/x-amf";
constexpr uint64_t kAliasesPerConnection = 2000;
constexpr int kMintPipeline = 8;  // the redeem set-up mints in bulk

// What every user of one scenario shares: where to send requests, who to log
// in as, and the page sessions the login phase created.
struct Site {
  ScenarioOptions options;
  std::vector<CookieJar> page_jars;
  size_t next_jar = 0;
  // A virtual user keeps to one page session; bulk minting spreads evenly.
  const CookieJar& PageJar(size_t index) const { return page_jars[index % page_jars.size()]; }
  const CookieJar& NextPageJar() { return page_jars[next_jar++ % page_jars.size()]; }
};

// Aliases minted in the redeem scenario's setup, each redeemed once.
struct AliasPool {
  std::vector<std::string> aliases;
  size_t next = 0;
};

// Sessions still to be created by the sessions scenario's users together.
struct SessionQuota {
  uint64_t target = 0;
  uint64_t claimed = 0;
};

std::string Snippet(std::string_view body) {
  std::string s(body.substr(0, 120));
  for (char& c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E) c = '.';
  }
  return s;
}

bool Reject(std::string* error, std::string_view step, std::string_view why) {
  *error = std::string(step) + ": " + std::string(why);
  return false;
}

bool ExpectStatus(const Response& r, int want, std::string_view step, std::string* error) {
  if (r.status == want) return true;
  char msg[96];
  std::snprintf(msg, sizeof msg, "HTTP %d (expected %d): ", r.status, want);
  return Reject(error, step, msg + Snippet(r.body));
}

bool IsToken(std::string_view s) {
  if (s.size() != kTokenLength) return false;
  for (char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

// --- requests

void AppendMint(std::string* out, const Site& site, const CookieJar& page) {
  RequestHead head;
  head.path = site.options.app_path;
  head.host = site.options.host_header;
  head.cookie = page.header();
  AppendRequest(out, head, {});
}

std::string Amf0StrictArray(std::string_view encoded_items, uint32_t count) {
  std::string v;
  PutU8(&v, 0x0A);
  PutU32(&v, count);
  v.append(encoded_items);
  return v;
}

void AppendGatewayCall(std::string* out, const Site& site, std::string_view cookie,
                       std::string_view packet) {
  RequestHead head;
  head.method = "POST";
  head.path = site.options.gateway_path;
  head.host = site.options.host_header;
  head.cookie = cookie;
  head.origin = site.options.origin;
  head.content_type = kAmfType;
  AppendRequest(out, head, packet);
}

std::string RedeemPacket(std::string_view alias) {
  std::string arg;
  PutAmf0String(&arg, alias);
  return EncodeRequestPacket("auth.loginByAlias", "/1", Amf0StrictArray(arg, 1));
}

std::string WhoamiPacket() {
  return EncodeRequestPacket("auth.whoami", "/1", Amf0StrictArray({}, 0));
}

// --- response checks

// The alias the app page minted: in the flashvars (alias_delivery
// flashvars), or in the cookie the flashvars name (`randomcookie`).
bool ExtractAlias(const Response& r, std::string* alias, std::string* error) {
  if (!ExpectStatus(r, 200, "GET app", error)) return false;
  const std::string flashvars = ParamValue(r.body, "flashvars");
  *alias = QueryValue(flashvars, "alias");
  if (alias->empty()) {
    const std::string name = QueryValue(flashvars, "randomcookie");
    for (std::string_view header : r.set_cookies) {
      SetCookie c;
      if (!ParseSetCookie(header, &c) || c.expired) continue;
      const bool match = name.empty() ? c.name.substr(0, 2) == "a_" : c.name == name;
      if (match) alias->assign(c.value);
    }
  }
  if (alias->empty())
    return Reject(error, "GET app", "no alias in the flashvars or the alias cookie");
  if (!IsToken(*alias))
    return Reject(error, "GET app", "alias is not 43 base64url characters: " + *alias);
  return true;
}

// Applies a response's cookies, except one-time alias cookies.
void KeepCookies(const Response& r, CookieJar* jar) {
  for (std::string_view header : r.set_cookies) {
    SetCookie c;
    if (!ParseSetCookie(header, &c) || c.name.substr(0, 2) == "a_") continue;
    jar->Apply(c);
  }
}

// HTTP 200, application/x-amf, one body answering `/1` with onResult.
bool CheckGateway(const Response& r, std::string_view step, ValueArena* arena, Packet* packet,
                  std::string* error) {
  if (!ExpectStatus(r, 200, step, error)) return false;
  if (r.content_type.substr(0, sizeof kAmfType - 1) != kAmfType) {
    return Reject(error, step,
                  "Content-Type is not application/x-amf: " + std::string(r.content_type));
  }
  arena->Clear();
  const char* reason = "";
  if (ReadPacket(r.body, arena, packet, &reason) != Code::kOk) {
    return Reject(error, step, std::string("malformed AMF response: ") + reason);
  }
  if (packet->bodies.size() != 1)
    return Reject(error, step, "response packet does not hold exactly one body");
  const Body& body = packet->bodies[0];
  if (IsFault(body)) {
    return Reject(error, step,
                  "fault " + std::string(FaultCode(body)) + ": " + Describe(*body.value));
  }
  if (body.target != "/1/onResult") {
    return Reject(error, step,
                  "body target is '" + std::string(body.target) + "', not /1/onResult");
  }
  return true;
}

// loginByAlias answered { user: NAME, session_expires: SECONDS } and set the
// gateway cookie, which lands in *gateway (may be null).
bool CheckRedeem(const Response& r, const Site& site, ValueArena* arena, CookieJar* gateway,
                 std::string* error) {
  Packet packet;
  if (!CheckGateway(r, "loginByAlias", arena, &packet, error)) return false;
  const Value& v = *packet.bodies[0].value;
  const Value* user = Member(v, "user");
  const Value* expires = Member(v, "session_expires");
  if (v.kind != Kind::kObject || user == nullptr || user->kind != Kind::kString ||
      user->text != site.options.user || expires == nullptr ||
      (expires->kind != Kind::kInt && expires->kind != Kind::kDouble)) {
    return Reject(error, "loginByAlias", "unexpected result " + Describe(v));
  }
  bool cookie = false;
  for (std::string_view header : r.set_cookies) {
    SetCookie c;
    if (!ParseSetCookie(header, &c) || c.expired || c.value.empty()) continue;
    cookie = true;
    if (gateway != nullptr) gateway->Apply(c);
  }
  if (!cookie) return Reject(error, "loginByAlias", "no gateway session cookie was set");
  return true;
}

bool CheckWhoami(const Response& r, const Site& site, ValueArena* arena, std::string* error) {
  Packet packet;
  if (!CheckGateway(r, "whoami", arena, &packet, error)) return false;
  const Value& v = *packet.bodies[0].value;
  if (v.kind != Kind::kString || v.text != site.options.user) {
    return Reject(error, "whoami", "unexpected result " + Describe(v));
  }
  return true;
}

// --- the echo payload: a typed order with nested, shared and repeated parts,
// padded to the wanted encoded size.
struct EchoPayload {
  ValueArena arena;
  const Value* graph = nullptr;
  std::string amf3;    // 0x11 + the AMF3 encoding: what a faithful echo returns
  std::string packet;  // the whole request packet
};

const Value* BuildGraph(ValueArena* a, size_t pad) {
  Value* customer = a->New(Kind::kObject);
  customer->members = {{"name", a->String("Ada Lovelace")},
                       {"email", a->String("ada@example.org")},
                       {"vip", a->Bool(true)},
                       {"score", a->Double(98.5)}};
  Value* items = a->New(Kind::kArray);
  for (int i = 0; i < 8; ++i) {
    Value* tags = a->New(Kind::kArray);
    tags->items = {a->String("blue"), a->String(i % 2 ? "large" : "small")};
    Value* item = a->New(Kind::kObject);
    item->class_name = "bench.Item";
    char sku[16];
    std::snprintf(sku, sizeof sku, "SKU-%04d", 1000 + i * 37);
    item->members = {{"sku", a->String(sku)},
                     {"title", a->String("Widget number " + std::to_string(i))},
                     {"qty", a->Int(i + 1)},
                     {"price", a->Double(9.99 + i)},
                     {"tags", tags}};
    items->items.push_back(item);
  }
  Value* totals = a->New(Kind::kObject);
  totals->members = {{"net", a->Double(123.45)},
                     {"tax", a->Double(23.45)},
                     {"gross", a->Double(146.9)},
                     {"currency", a->String("EUR")}};
  Value* flags = a->New(Kind::kArray);
  flags->members = {{"express", a->Bool(true)}, {"gift", a->Bool(false)}};
  Value* created = a->New(Kind::kDate);
  created->number = 1.7e12;
  Value* bytes = a->New(Kind::kByteArray);
  for (int i = 0; i < 32; ++i) bytes->text.push_back(static_cast<char>(i * 7));
  Value* order = a->New(Kind::kObject);
  order->class_name = "bench.Order";
  order->members = {{"id", a->Int(1234567)},
                    {"created", created},
                    {"customer", customer},
                    {"billing", customer},  // the same object: sent as a reference
                    {"items", items},
                    {"totals", totals},
                    {"flags", flags},
                    {"payload", bytes},
                    {"missing", a->New(Kind::kNull)},
                    {"nothing", a->New(Kind::kUndefined)},
                    {"notes", a->String(std::string(pad, 'n'))}};
  return order;
}

void BuildEcho(size_t wanted, EchoPayload* p) {
  size_t pad = 0;
  for (;;) {
    p->arena.Clear();
    p->graph = BuildGraph(&p->arena, pad);
    p->amf3.assign(1, '\x11');
    Amf3Writer(&p->amf3).Write(*p->graph);
    if (p->amf3.size() - 1 >= wanted) break;
    pad += wanted - (p->amf3.size() - 1);
  }
  p->packet = EncodeRequestPacket("echo.echo", "/1", Amf0StrictArray(p->amf3, 1));
}

bool CheckEcho(const Response& r, const EchoPayload& echo, ValueArena* arena, std::string* error) {
  Packet packet;
  if (!CheckGateway(r, "echo", arena, &packet, error)) return false;
  const Body& body = packet.bodies[0];
  if (body.raw == echo.amf3) return true;  // the same bytes: nothing more to compare
  if (!Equal(*body.value, *echo.graph)) {
    return Reject(error, "echo", "the value came back changed: " + Describe(*body.value));
  }
  return true;
}

// --- users

// Logs in `count` page sessions one after the other (GET the form, POST it
// with its hidden fields), leaving each session's cookies in site->page_jars.
class LoginUser : public User {
 public:
  LoginUser(Site* site, int count) : site_(site), count_(count) {}

  Next NextRequest(std::string* out) override {
    if (waiting_) return Next::kWait;
    if (!posting_ && done_ == count_) return Next::kDone;
    RequestHead head;
    head.host = site_->options.host_header;
    if (!posting_) {
      jar_ = CookieJar();
      head.path = site_->options.login_path;
      AppendRequest(out, head, {});
    } else {
      head.method = "POST";
      head.path = site_->options.login_path;
      head.cookie = jar_.header();
      head.origin = site_->options.origin;
      head.content_type = "application/x-www-form-urlencoded";
      FormFields fields = form_;
      fields.emplace_back("username", site_->options.user);
      fields.emplace_back("password", site_->options.password);
      AppendRequest(out, head, FormEncode(fields));
    }
    waiting_ = true;
    return Next::kSend;
  }

  int OnResponse(const Response& r, std::string* error) override {
    waiting_ = false;
    if (!posting_) {
      if (!ExpectStatus(r, 200, "GET login", error)) return -1;
      KeepCookies(r, &jar_);
      form_ = HiddenInputs(r.body);
      posting_ = true;
      return 0;
    }
    if (r.status == 401) {
      Reject(error, "POST login", "401: the bench user's name or password was refused");
      return -1;
    }
    if (r.status != 302 && !ExpectStatus(r, 303, "POST login", error)) return -1;
    const std::string before = jar_.header();
    KeepCookies(r, &jar_);
    if (jar_.header() == before) {
      Reject(error, "POST login", "no page session cookie was set");
      return -1;
    }
    site_->page_jars.push_back(jar_);
    posting_ = false;
    ++done_;
    return 1;
  }

 private:
  Site* site_;
  int count_;
  int done_ = 0;
  bool posting_ = false;
  bool waiting_ = false;
  CookieJar jar_;
  FormFields form_;
};

// GET PATH; with one_per_connection, a new (TLS) connection for each.
class GetUser : public User {
 public:
  GetUser(const Site* site, bool one_per_connection, bool resume)
      : site_(site), one_per_connection_(one_per_connection), resume_(resume) {
    RequestHead head;
    head.path = site->options.path;
    head.host = site->options.host_header;
    head.close = one_per_connection;
    AppendRequest(&request_, head, {});
  }

  void BeginPhase(int phase) override { phase_ = phase; }
  Next NextRequest(std::string* out) override {
    // The resumed handshake scenario's setup phase makes one full handshake
    // per user, to hold a ticket when the timed phase starts.
    if (resume_ && phase_ == 0 && sent_ > 0) return Next::kDone;
    ++sent_;
    out->append(request_);
    return Next::kSend;
  }
  int OnResponse(const Response& r, std::string* error) override {
    return ExpectStatus(r, site_->options.expect_status, "GET " + site_->options.path, error) ? 1
                                                                                              : -1;
  }
  bool OneRequestPerConnection() const override { return one_per_connection_; }
  const SavedSession* ResumeFrom() override { return resume_ ? &session_ : nullptr; }
  SavedSession* TicketSink() override { return resume_ ? &session_ : nullptr; }
  bool OnHandshake(bool full, std::string* error) override {
    if (!one_per_connection_) return true;
    if (resume_ && phase_ == 1 && full) {
      return Reject(error, "handshake",
                    "the server did not resume the session (it sent its certificate)");
    }
    if (!resume_ && !full)
      return Reject(error, "handshake", "resumed although no session was offered");
    return true;
  }

 private:
  const Site* site_;
  bool one_per_connection_;
  bool resume_;
  int phase_ = 0;
  uint64_t sent_ = 0;
  std::string request_;
  SavedSession session_;
};

// The shared bookkeeping of gateway users: what each request in flight was,
// so the in-order responses can be judged.
enum class Step { kMint, kRedeem, kCall };

// whoami and echo: hand off once in setup (phase 1), then call (phase 2).
class CallUser : public User {
 public:
  CallUser(const Site* site, size_t index, const EchoPayload* echo)
      : site_(site), index_(index), echo_(echo) {}

  void BeginPhase(int phase) override { phase_ = phase; }

  Next NextRequest(std::string* out) override {
    if (phase_ == 2) {
      if (call_.empty()) {
        AppendGatewayCall(&call_, *site_, gateway_.header(),
                          echo_ ? echo_->packet : WhoamiPacket());
      }
      out->append(call_);
      return Next::kSend;
    }
    if (!inflight_.empty()) return Next::kWait;
    if (!alias_.empty()) {
      AppendGatewayCall(out, *site_, {}, RedeemPacket(alias_));
      alias_.clear();
      inflight_.push_back(Step::kRedeem);
      return Next::kSend;
    }
    if (!gateway_.empty()) return Next::kDone;
    AppendMint(out, *site_, site_->PageJar(index_));
    inflight_.push_back(Step::kMint);
    return Next::kSend;
  }

  int OnResponse(const Response& r, std::string* error) override {
    if (phase_ == 2) {
      const bool ok =
          echo_ ? CheckEcho(r, *echo_, &arena_, error) : CheckWhoami(r, *site_, &arena_, error);
      return ok ? 1 : -1;
    }
    const Step step = inflight_.front();
    inflight_.pop_front();
    if (step == Step::kMint) return ExtractAlias(r, &alias_, error) ? 0 : -1;
    return CheckRedeem(r, *site_, &arena_, &gateway_, error) ? 1 : -1;
  }

 private:
  const Site* site_;
  size_t index_;
  const EchoPayload* echo_;  // null: whoami
  int phase_ = 0;
  std::deque<Step> inflight_;
  std::string alias_;
  CookieJar gateway_;
  std::string call_;
  ValueArena arena_;
};

// redeem: mint a share of the pool in setup (phase 1); redeem from the pool,
// each alias once, in the timed phase (phase 2).
class RedeemUser : public User {
 public:
  RedeemUser(Site* site, AliasPool* pool, uint64_t quota)
      : site_(site), pool_(pool), quota_(quota) {}

  void BeginPhase(int phase) override { phase_ = phase; }

  Next NextRequest(std::string* out) override {
    if (phase_ == 1) {
      if (minted_ == quota_) return Next::kDone;
      ++minted_;
      AppendMint(out, *site_, site_->NextPageJar());
      return Next::kSend;
    }
    if (pool_->next == pool_->aliases.size()) return Next::kDone;
    AppendGatewayCall(out, *site_, {}, RedeemPacket(pool_->aliases[pool_->next++]));
    return Next::kSend;
  }

  int OnResponse(const Response& r, std::string* error) override {
    if (phase_ == 1) {
      std::string alias;
      if (!ExtractAlias(r, &alias, error)) return -1;
      pool_->aliases.push_back(std::move(alias));
      return 1;
    }
    return CheckRedeem(r, *site_, &arena_, nullptr, error) ? 1 : -1;
  }

 private:
  Site* site_;
  AliasPool* pool_;
  uint64_t quota_;
  uint64_t minted_ = 0;
  int phase_ = 0;
  ValueArena arena_;
};

// handoff: mint, redeem with a fresh client, whoami; one operation per loop.
class HandoffUser : public User {
 public:
  HandoffUser(const Site* site, size_t index) : site_(site), index_(index) {}

  Next NextRequest(std::string* out) override {
    if (waiting_) return Next::kWait;
    waiting_ = true;
    switch (next_) {
      case Step::kMint:
        AppendMint(out, *site_, site_->PageJar(index_));
        break;
      case Step::kRedeem:
        gateway_ = CookieJar();
        AppendGatewayCall(out, *site_, {}, RedeemPacket(alias_));
        break;
      case Step::kCall:
        AppendGatewayCall(out, *site_, gateway_.header(), WhoamiPacket());
        break;
    }
    return Next::kSend;
  }

  int OnResponse(const Response& r, std::string* error) override {
    waiting_ = false;
    switch (next_) {
      case Step::kMint:
        if (!ExtractAlias(r, &alias_, error)) return -1;
        next_ = Step::kRedeem;
        return 0;
      case Step::kRedeem:
        if (!CheckRedeem(r, *site_, &arena_, &gateway_, error)) return -1;
        next_ = Step::kCall;
        return 0;
      case Step::kCall:
        if (!CheckWhoami(r, *site_, &arena_, error)) return -1;
        next_ = Step::kMint;
        return 1;
    }
    return -1;
  }

 private:
  const Site* site_;
  size_t index_;
  Step next_ = Step::kMint;
  bool waiting_ = false;
  std::string alias_;
  CookieJar gateway_;
  ValueArena arena_;
};

// sessions: mint and redeem, pipelined, until the shared quota of gateway
// sessions exists. An alias in hand is redeemed before another is minted.
class PopulateUser : public User {
 public:
  PopulateUser(Site* site, SessionQuota* quota) : site_(site), quota_(quota) {}

  Next NextRequest(std::string* out) override {
    if (!aliases_.empty()) {
      AppendGatewayCall(out, *site_, {}, RedeemPacket(aliases_.front()));
      aliases_.pop_front();
      inflight_.push_back(Step::kRedeem);
      return Next::kSend;
    }
    if (quota_->claimed < quota_->target) {
      ++quota_->claimed;
      AppendMint(out, *site_, site_->NextPageJar());
      inflight_.push_back(Step::kMint);
      return Next::kSend;
    }
    return inflight_.empty() ? Next::kDone : Next::kWait;
  }

  int OnResponse(const Response& r, std::string* error) override {
    const Step step = inflight_.front();
    inflight_.pop_front();
    if (step == Step::kMint) {
      std::string alias;
      if (!ExtractAlias(r, &alias, error)) return -1;
      aliases_.push_back(std::move(alias));
      return 0;
    }
    return CheckRedeem(r, *site_, &arena_, nullptr, error) ? 1 : -1;
  }

 private:
  Site* site_;
  SessionQuota* quota_;
  std::deque<Step> inflight_;
  std::deque<std::string> aliases_;  // oldest first: aliases expire
  ValueArena arena_;
};

// Owns the users and shared state of one scenario.
class BuiltScenario : public Scenario {
 public:
  explicit BuiltScenario(const ScenarioOptions& options) { site_.options = options; }

  Site site_;
  AliasPool pool_;
  SessionQuota quota_;
  EchoPayload echo_;
  std::vector<std::unique_ptr<User>> owned_;

  template <typename T, typename... Args>
  T* Own(Args&&... args) {
    auto u = std::make_unique<T>(std::forward<Args>(args)...);
    T* raw = u.get();
    owned_.push_back(std::move(u));
    return raw;
  }

  void AddPhase(const PhaseOptions& o, std::vector<User*> users) {
    phases_.push_back({o, std::move(users)});
  }
  void SetUnit(const char* unit) { op_unit_ = unit; }
};

PhaseOptions Setup(const char* name, int phase, int pipeline) {
  PhaseOptions o;
  o.name = name;
  o.phase = phase;
  o.pipeline = pipeline;
  return o;
}

}  // namespace

std::string GatewayRequestPacket(const std::string& name, size_t echo_bytes) {
  if (name == "redeem") return RedeemPacket(std::string(kTokenLength, 'A'));
  if (name == "whoami") return WhoamiPacket();
  if (name == "echo") {
    EchoPayload echo;
    BuildEcho(echo_bytes, &echo);
    return echo.packet;
  }
  return {};
}

Status MakeScenario(const ScenarioOptions& options, const PhaseOptions& timed_in,
                    std::unique_ptr<Scenario>* out) {
  auto s = std::make_unique<BuiltScenario>(options);
  const std::string& name = options.name;
  const size_t n = static_cast<size_t>(options.connections);
  PhaseOptions timed = timed_in;
  timed.timed = true;
  timed.name = "timed";

  const bool gateway = name == "redeem" || name == "handoff" || name == "whoami" ||
                       name == "echo" || name == "sessions";
  const uint64_t redeem_aliases =
      options.aliases != 0 ? options.aliases : kAliasesPerConnection * n;
  if (gateway) {
    // Enough page sessions that none holds more unredeemed aliases than the
    // server's max_pending_aliases allows: the bench's aliases in flight (or,
    // for redeem, all of its pool) spread over them.
    uint64_t pending = n;
    if (name == "redeem") pending = redeem_aliases;
    if (name == "sessions") pending = n * static_cast<uint64_t>(timed.pipeline);
    const uint64_t cap = options.max_pending < 1 ? 1 : static_cast<uint64_t>(options.max_pending);
    const uint64_t pages =
        std::max<uint64_t>(static_cast<uint64_t>(options.page_sessions), (pending + cap - 1) / cap);
    const uint64_t logins_in_parallel = std::min<uint64_t>(pages, n);
    std::vector<User*> login;
    for (uint64_t i = 0; i < logins_in_parallel; ++i) {
      const uint64_t count = pages / logins_in_parallel + (i < pages % logins_in_parallel ? 1 : 0);
      login.push_back(s->Own<LoginUser>(&s->site_, static_cast<int>(count)));
    }
    s->AddPhase(Setup("login", 0, 1), login);
  }
  std::vector<User*> users;
  if (name == "get" || name == "handshake") {
    const bool per_connection = name == "handshake";
    for (size_t i = 0; i < n; ++i)
      users.push_back(s->Own<GetUser>(&s->site_, per_connection, options.resume));
    if (per_connection) s->SetUnit("handshake");
    if (per_connection && options.resume) s->AddPhase(Setup("first handshake", 0, 1), users);
    timed.phase = 1;
    s->AddPhase(timed, users);
  } else if (name == "whoami" || name == "echo") {
    if (name == "echo") BuildEcho(options.echo_bytes, &s->echo_);
    for (size_t i = 0; i < n; ++i) {
      users.push_back(s->Own<CallUser>(&s->site_, i, name == "echo" ? &s->echo_ : nullptr));
    }
    s->AddPhase(Setup("handoff", 1, 1), users);
    timed.phase = 2;
    s->AddPhase(timed, users);
  } else if (name == "redeem") {
    const uint64_t total = redeem_aliases;
    s->pool_.aliases.reserve(total);
    for (size_t i = 0; i < n; ++i) {
      const uint64_t quota = total / n + (i < total % n ? 1 : 0);
      users.push_back(s->Own<RedeemUser>(&s->site_, &s->pool_, quota));
    }
    s->AddPhase(Setup("mint", 1, std::max(timed.pipeline, kMintPipeline)), users);
    timed.phase = 2;
    s->SetUnit("redemption");
    s->AddPhase(timed, users);
  } else if (name == "handoff") {
    for (size_t i = 0; i < n; ++i) users.push_back(s->Own<HandoffUser>(&s->site_, i));
    timed.phase = 1;
    s->SetUnit("handoff");
    s->AddPhase(timed, users);
  } else if (name == "sessions") {
    if (options.sessions == 0)
      return Status::Error(Code::kInvalidArgument, "sessions: give --sessions N");
    s->quota_.target = options.sessions;
    for (size_t i = 0; i < n; ++i) users.push_back(s->Own<PopulateUser>(&s->site_, &s->quota_));
    timed.phase = 1;
    timed.duration_s = 0;  // until the quota is met, every session counted
    timed.warmup_s = 0;
    s->SetUnit("session");
    s->AddPhase(timed, users);
  } else {
    return Status::Error(Code::kInvalidArgument, "unknown scenario '" + name + "'");
  }
  *out = std::move(s);
  return Status::Ok();
}

}  // namespace amfgate::bench
