#include "gateway/gateway.h"

#include <chrono>
#include <cstring>
#include <exception>

#include "amf/flex.h"
#include "amf/same_bytes.h"
#include "core/log.h"
#include "store/random.h"
#include "store/rate_limiter.h"
#include "web/cookies.h"
#include "web/encoding.h"
#include "web/users.h"

namespace amfgate {

namespace {

constexpr std::string_view kAmfType = "application/x-amf";
constexpr std::string_view kCredentialsHeader = "Credentials";

constexpr std::string_view kTextAliasInvalid = "The alias is not valid.";
constexpr std::string_view kTextAuthRequired = "This call needs a logged-in session.";
constexpr std::string_view kTextLoginFailed = "Login failed.";
constexpr std::string_view kTextBusy = "The server is busy; retry later.";
constexpr std::string_view kTextNoSuchService = "No such service method.";
constexpr std::string_view kTextMustUnderstand =
    "A header the server does not understand was marked must-understand.";
constexpr std::string_view kTextInternal = "The server could not complete the call.";
constexpr std::string_view kTextBadMessage = "The message could not be read.";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Byte equality first: clients send header names, the type and their origin
// in the case we compare with, so the case-insensitive compare is the rare
// path.
[[gnu::always_inline]] inline bool SameIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         (amf::SameBytes(a, b) || EqualsIgnoreCaseN(a.data(), b.data(), a.size()));
}

bool IsAmfContentType(std::string_view value) {
  if (value.size() == kAmfType.size()) return SameIgnoringCase(value, kAmfType);
  return EqualsIgnoreCase(Trim(value.substr(0, value.find(';'))), kAmfType);
}

void RemoveTrailingSlashes(std::string* s) {
  while (!s->empty() && s->back() == '/') s->pop_back();
}

// The request headers the gateway reads, found in one pass over the header
// table. Each is the first field of its name, as Request::Header gives it.
struct GatewayHeaders {
  const HeaderField* origin = nullptr;
  const HeaderField* content_type = nullptr;
  const HeaderField* cookie = nullptr;
};

GatewayHeaders FindGatewayHeaders(const Request& request) {
  GatewayHeaders found;
  // `name` starts with a letter: its first byte, case folded, turns most
  // other names of the same length away before any compare.
  auto take = [](const HeaderField& h, std::string_view name, const HeaderField** slot) {
    if (*slot == nullptr && (h.name[0] | 0x20) == (name[0] | 0x20) &&
        SameIgnoringCase(h.name, name)) {
      *slot = &h;
    }
  };
  for (const HeaderField& h : request.headers) {
    switch (h.name.size()) {
      case 6:
        take(h, "Origin", &found.origin);
        take(h, "Cookie", &found.cookie);
        break;
      case 12:
        take(h, "Content-Type", &found.content_type);
        break;
      default:
        break;
    }
  }
  return found;
}

std::string_view ValueOf(const HeaderField* field) {
  return field != nullptr ? field->value : std::string_view();
}

uint64_t HandleKey(SessionHandle h) { return (uint64_t{h.index} << 32) | h.generation; }

// A Flex messageId worth echoing as a correlationId: the UUID-like ids Flex
// and BlazeDS clients generate. Anything else is not echoed.
bool IsPlainId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok =
        (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool IsUuid(std::string_view id) {
  if (id.size() != 36) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (id[i] == '-')) return false;
  }
  return IsPlainId(id);
}

double SystemMillis() {
  using namespace std::chrono;
  return static_cast<double>(
      duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

}  // namespace

Gateway::Gateway(GatewayOptions options, GatewayDeps deps)
    : deps_(std::move(deps)),
      cookie_names_{CookieName(kGatewayCookie, false), CookieName(kGatewayCookie, true)} {
  SetOptions(std::move(options));
  if (!deps_.clock) deps_.clock = MonotonicNow;
  if (!deps_.wall_millis) deps_.wall_millis = SystemMillis;
}

void Gateway::Reconfigure(GatewayOptions options) { SetOptions(std::move(options)); }

void Gateway::SetOptions(GatewayOptions options) {
  options_ = std::move(options);
  RemoveTrailingSlashes(&options_.public_origin);
  for (std::string& allowed : options_.allow_origins) RemoveTrailingSlashes(&allowed);
}

Gateway::OriginVerdict Gateway::CheckOrigin(const HeaderField* field) const {
  if (field == nullptr) return OriginVerdict::kNone;
  std::string_view origin = field->value;
  if (SameIgnoringCase(origin, options_.public_origin)) return OriginVerdict::kOwn;
  for (const std::string& allowed : options_.allow_origins) {
    if (SameIgnoringCase(origin, allowed)) return OriginVerdict::kListed;
  }
  return OriginVerdict::kRefused;
}

void Gateway::Handle(const Request& request, Response& response) {
  ++stats_.requests;
  GatewayHeaders headers = FindGatewayHeaders(request);
  OriginVerdict origin = CheckOrigin(headers.origin);
  auto add_cors = [&] {
    if (origin != OriginVerdict::kListed) return;
    (void)response.AddHeader("Access-Control-Allow-Origin", headers.origin->value);
    (void)response.AddHeader("Access-Control-Allow-Credentials", "true");
    (void)response.AddHeader("Vary", "Origin");
  };
  if (request.method == Method::kOptions && origin == OriginVerdict::kListed) {
    response.SetStatus(204);
    add_cors();
    (void)response.AddHeader("Access-Control-Allow-Methods", "POST");
    (void)response.AddHeader("Access-Control-Allow-Headers", "Content-Type");
    (void)response.AddHeader("Access-Control-Max-Age", "600");
    return;
  }
  if (request.method != Method::kPost) {
    response.Error(405);
    (void)response.AddHeader("Allow", "POST");
    return;
  }
  if (!IsAmfContentType(ValueOf(headers.content_type))) {
    response.Error(415);
    return;
  }
  if (origin == OriginVerdict::kRefused) {
    response.Error(403);
    return;
  }

  arena_.Reset();
  auto packet = amf::DecodePacket(request.body, arena_, options_.limits);
  if (!packet.ok()) {
    ++stats_.malformed;
    LogWarn("gateway: malformed AMF packet from %.*s: %s (%s at byte %zu)",
            static_cast<int>(request.peer_text.size()), request.peer_text.data(),
            packet.failure().reason, CodeName(packet.code()), packet.failure().offset);
    response.Error(400);
    return;
  }

  GatewayExchange exchange;
  exchange.request_ = &request;
  exchange.now_ = deps_.clock();
  ResumeSession(ValueOf(headers.cookie), exchange);
  std::string_view header_fault = ProcessHeaders(*packet, exchange);
  amf::Format format = packet->version == 3 ? amf::Format::kAmf3 : amf::Format::kAmf0;

  // Each reply is constructed in place from its answer: no value-initialised
  // span first.
  size_t count = packet->bodies.size();
  amf::Reply* answers = arena_.AllocateArray<amf::Reply>(count);
  for (size_t i = 0; i < count; ++i) {
    new (&answers[i]) amf::Reply(AnswerBody(packet->bodies[i], format, exchange, header_fault));
  }
  // Encoded straight into the response: the body is never copied.
  std::string& body = response.mutable_body();
  body.clear();
  auto encoded = encoder_.EncodeReplies(packet->version, {answers, count}, &body);
  if (!encoded.ok()) {
    LogError("gateway: could not encode a response: %s", encoded.failure().reason);
    response.Error(500);
    return;
  }

  response.SetStatus(200);
  response.SetStaticContentType(kAmfType);
  response.SetNoStore();
  add_cors();
  bool tls = request.is_tls;
  if (exchange.set_cookie_) {
    Duration left = exchange.session_.absolute_deadline - exchange.now_;
    cookie_scratch_.clear();
    AppendCredentialCookie(kGatewayCookie, tls, exchange.cookie_token_.view(),
                           left > 0 ? left / kSecond : 0, &cookie_scratch_);
    (void)response.AddHeader("Set-Cookie", cookie_scratch_);
  } else if (exchange.clear_cookie_) {
    (void)response.AddHeader("Set-Cookie", ExpiredCookie(kGatewayCookie, tls));
  }
}

void Gateway::ResumeSession(std::string_view cookies, GatewayExchange& exchange) {
  if (cookies.empty()) return;
  auto token = FindCookie(cookies, cookie_names_[exchange.request_->is_tls ? 1 : 0]);
  if (!token) return;
  auto view = deps_.store->LookupSession(*token, SessionKind::kGateway, exchange.now_);
  if (view.ok()) exchange.session_ = *view;
}

std::string_view Gateway::ProcessHeaders(const amf::Packet& packet, GatewayExchange& exchange) {
  for (const amf::Header& header : packet.headers) {
    if (header.name == kCredentialsHeader && options_.password_login) {
      const amf::Object* creds = header.value.AsObject();
      const amf::Value* user = creds ? creds->Find("userid") : nullptr;
      const amf::Value* password = creds ? creds->Find("password") : nullptr;
      if (user == nullptr || password == nullptr || !user->is_string() || !password->is_string()) {
        return kFaultLoginFailed;
      }
      CallContext ctx(arena_, amf::Format::kAmf0, *exchange.request_, exchange.now_, &exchange);
      CallResult r = PasswordLogin(ctx, user->AsString(), password->AsString());
      if (!r.ok()) return r.code();
      continue;
    }
    if (header.must_understand) return kFaultMustUnderstand;
  }
  return {};
}

namespace {

std::string_view FaultText(std::string_view code) {
  if (code == kFaultAliasInvalid) return kTextAliasInvalid;
  if (code == kFaultAuthRequired) return kTextAuthRequired;
  if (code == kFaultLoginFailed) return kTextLoginFailed;
  if (code == kFaultBusy) return kTextBusy;
  if (code == kFaultMustUnderstand) return kTextMustUnderstand;
  if (code == kFaultNoSuchService) return kTextNoSuchService;
  return kTextInternal;
}

}  // namespace

amf::Reply Gateway::AnswerBody(const amf::Body& body, amf::Format packet_format,
                               GatewayExchange& exchange, std::string_view header_fault) {
  ++stats_.bodies;
  amf::Arguments args = amf::BodyArguments(body);
  amf::Value first = args.at(0);
  amf::FlexKind kind = amf::ClassifyFlex(first);
  if (kind == amf::FlexKind::kRemoting || kind == amf::FlexKind::kCommand) {
    return AnswerFlex(body, first, kind, exchange, header_fault);
  }
  amf::Format format = packet_format;
  if (body.value.format() == amf::Format::kAmf3) format = amf::Format::kAmf3;
  for (size_t i = 0; i < args.size() && format == amf::Format::kAmf0; ++i) {
    if (args.at(i).format() == amf::Format::kAmf3) format = amf::Format::kAmf3;
  }
  CallResult result = header_fault.empty()
                          ? Call(body.target, args, format, exchange)
                          : CallResult::Fault(header_fault, FaultText(header_fault));
  if (result.ok()) return amf::Reply{body.response, false, result.value()};
  ++stats_.faults;
  return amf::Reply{body.response, true,
                    amf::MakeStatusObject(arena_, result.code(), result.description(), format)};
}

CallResult Gateway::Call(std::string_view target, const amf::Arguments& args, amf::Format format,
                         GatewayExchange& exchange) {
  // The original handoff scheme called the bare method name.
  std::string_view name = target == "loginByAlias" ? std::string_view("auth.loginByAlias") : target;
  const ServiceRegistry::Entry* entry = services_.Find(name);
  if (entry == nullptr) return CallResult::Fault(kFaultNoSuchService, kTextNoSuchService);
  if (entry->access == Access::kSession && !exchange.has_session()) {
    return CallResult::Fault(kFaultAuthRequired, kTextAuthRequired);
  }
  CallContext ctx(arena_, format, *exchange.request_, exchange.now_, &exchange);
  // A service an embedder registered may throw; the loop must not die of it.
  try {
    return entry->handler(ctx, args);
  } catch (const std::exception& e) {
    LogError("gateway: service %.*s threw: %s", static_cast<int>(name.size()), name.data(),
             e.what());
  } catch (...) {
    LogError("gateway: service %.*s threw", static_cast<int>(name.size()), name.data());
  }
  return CallResult::Fault(kFaultInternal, kTextInternal);
}

std::string_view Gateway::NewUuid() {
  std::array<uint8_t, 16> bytes{};
  if (deps_.random->RandomBytes(bytes) != Code::kOk) {
    // The DRBG failed to reseed; a message id only has to be unique, and the
    // timestamp-derived bytes keep it so for this process.
    double t = deps_.wall_millis();
    std::memcpy(bytes.data(), &t, sizeof(t));
    uint64_t n = stats_.bodies;
    std::memcpy(bytes.data() + 8, &n, sizeof(n));
  }
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0F) | 0x40);  // version 4 (random)
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  return amf::FormatUuid(arena_, bytes);
}

amf::Reply Gateway::AnswerFlex(const amf::Body& body, const amf::Value& message, amf::FlexKind kind,
                               GatewayExchange& exchange, std::string_view header_fault) {
  amf::FlexCommon request_common;
  std::string_view target;
  std::span<const amf::Value> call_args;
  int32_t operation = -1;
  bool readable = true;
  if (kind == amf::FlexKind::kRemoting) {
    auto m = amf::DecodeRemotingMessage(message, arena_);
    if (m.ok()) {
      request_common = m->common;
      call_args = m->args;
      target = arena_.Concat(arena_.Concat(m->common.destination, "."), m->operation);
    } else {
      readable = false;
    }
  } else {
    auto m = amf::DecodeCommandMessage(message, arena_);
    if (m.ok()) {
      request_common = m->common;
      operation = m->operation;
    } else {
      readable = false;
    }
  }

  std::string_view ds_id = IsUuid(request_common.ds_id) ? request_common.ds_id : NewUuid();
  std::string_view correlation =
      IsPlainId(request_common.message_id) ? request_common.message_id : "";
  CallContext ctx(arena_, amf::Format::kAmf3, *exchange.request_, exchange.now_, &exchange);

  CallResult result = CallResult::Fault(kFaultInternal, kTextInternal);
  if (!readable) {
    result = CallResult::Fault(kFaultBadArguments, kTextBadMessage);
  } else if (!header_fault.empty()) {
    result = CallResult::Fault(header_fault, FaultText(header_fault));
  } else if (kind == amf::FlexKind::kRemoting) {
    amf::Arguments args;
    args.dense = call_args;
    result = Call(target, args, amf::Format::kAmf3, exchange);
  } else if (operation == static_cast<int32_t>(amf::CommandOperation::kClientPing)) {
    result = CallResult::Ok(amf::Value::Null(amf::Format::kAmf3));
  } else if (operation == static_cast<int32_t>(amf::CommandOperation::kLogin)) {
    amf::CommandMessage command;
    command.common = request_common;
    auto credentials = amf::DecodeLoginCredentials(command, arena_);
    if (!options_.password_login) {
      result = CallResult::Fault(kFaultNoSuchService, kTextNoSuchService);
    } else if (!credentials.ok()) {
      result = CallResult::Fault(kFaultLoginFailed, kTextLoginFailed);
    } else {
      result = PasswordLogin(ctx, credentials->user, credentials->password);
      if (result.ok()) result = CallResult::Ok(ctx.String("success"));
    }
  } else if (operation == static_cast<int32_t>(amf::CommandOperation::kLogout)) {
    result = Logout(ctx);
    if (result.ok()) result = CallResult::Ok(amf::Value::Null(amf::Format::kAmf3));
  } else {
    result = CallResult::Fault(kFaultNoSuchService, kTextNoSuchService);
  }

  amf::FlexCommon common;
  common.message_id = NewUuid();
  common.client_id = ds_id;
  common.timestamp = deps_.wall_millis();
  common.headers = amf::MakeFlexHeaders(arena_, ds_id);
  if (result.ok()) {
    amf::AcknowledgeMessage ack;
    ack.common = common;
    ack.common.body = result.value().WithFormat(amf::Format::kAmf3);
    ack.correlation_id = correlation;
    return amf::Reply{body.response, false, amf::EncodeAcknowledgeMessage(arena_, ack)};
  }
  ++stats_.faults;
  amf::ErrorMessage error;
  error.common = common;
  error.common.body = amf::Value::Null(amf::Format::kAmf3);
  error.correlation_id = correlation;
  error.fault_code = result.code();
  error.fault_string = result.description();
  return amf::Reply{body.response, true, amf::EncodeErrorMessage(arena_, error)};
}

void Gateway::AdoptNewSession(GatewayExchange& exchange, const NewSession& session) {
  exchange.session_ = session.view;
  exchange.cookie_token_ = session.token;
  exchange.set_cookie_ = true;
  exchange.clear_cookie_ = false;
}

CallResult Gateway::SessionResult(CallContext& ctx, const NewSession& session) {
  // The store keeps deadlines at a 1 ms resolution, rounded down: report the
  // nearest whole second, not a truncated one.
  Duration left = session.view.idle_deadline - ctx.now();
  int64_t seconds = left > 0 ? (left + kSecond / 2) / kSecond : 0;
  amf::Member members[2] = {
      // Interned by the store for its whole life: viewed, not copied.
      {"user", amf::Value::String(session.view.user_name, ctx.format())},
      {"session_expires", amf::Value::Number(static_cast<double>(seconds), ctx.format())},
  };
  return CallResult::Ok(amf::MakeObject(ctx.arena(), members, ctx.format()));
}

CallResult Gateway::RedeemAlias(CallContext& ctx, std::string_view alias,
                                std::string_view verifier) {
  GatewayExchange& exchange = *ctx.exchange();
  RateDecision decision = deps_.redeem_limiter->Allow(ctx.peer().Bytes(), exchange.now_);
  if (!decision.allowed()) {
    ++stats_.rate_limited;
    return CallResult::Fault(kFaultBusy, kTextBusy);
  }
  Redemption r = deps_.store->RedeemAlias(alias, exchange.now_, verifier);
  if (r.ok()) {
    ++stats_.redemptions;
    AdoptNewSession(exchange, r.session);
    return SessionResult(ctx, r.session);
  }
  if (r.security_event()) {
    if (r.denial == Denial::kReplayed) ++stats_.replays;
    TokenTag tag = deps_.store->Tag(alias);
    std::string_view peer = exchange.request_->peer_text;
    LogSecurity(r.denial == Denial::kReplayed ? "alias_replay" : "alias_wrong_verifier",
                "alias=%.*s peer=%.*s session_revoked=%s", static_cast<int>(tag.view().size()),
                tag.view().data(), static_cast<int>(peer.size()), peer.data(),
                r.revoked.valid() ? "yes" : "no");
    if (r.revoked.valid() && exchange.session_.handle == r.revoked) {
      exchange.session_ = SessionView();
      exchange.set_cookie_ = false;
    }
  }
  if (r.code == Code::kBusy) return CallResult::Fault(kFaultBusy, kTextBusy);
  ++stats_.redemption_failures;
  if (r.code == Code::kInternal) {
    LogError("gateway: redemption failed inside the store: %s", DenialName(r.denial));
    return CallResult::Fault(kFaultInternal, kTextInternal);
  }
  return CallResult::Fault(kFaultAliasInvalid, kTextAliasInvalid);
}

CallResult Gateway::PasswordLogin(CallContext& ctx, std::string_view user,
                                  std::string_view password) {
  if (!options_.password_login) return CallResult::Fault(kFaultNoSuchService, kTextNoSuchService);
  GatewayExchange& exchange = *ctx.exchange();
  RateDecision decision = deps_.login_limiter->Allow(ctx.peer().Bytes(), exchange.now_);
  if (!decision.allowed()) {
    ++stats_.rate_limited;
    return CallResult::Fault(kFaultBusy, kTextBusy);
  }
  if (deps_.users == nullptr || !deps_.users->Verify(user, password)) {
    ++stats_.password_failures;
    return CallResult::Fault(kFaultLoginFailed, kTextLoginFailed);
  }
  return StartPasswordSession(ctx, user);
}

CallResult Gateway::StartPasswordSession(CallContext& ctx, std::string_view user) {
  GatewayExchange& exchange = *ctx.exchange();
  MonoTime now = exchange.now_;
  auto page = deps_.store->CreatePageSession(user, now);
  if (!page.ok()) {
    return page.code() == Code::kBusy ? CallResult::Fault(kFaultBusy, kTextBusy)
                                      : CallResult::Fault(kFaultInternal, kTextInternal);
  }
  SessionHandle parent = page->view.handle;
  auto alias = deps_.store->MintAlias(parent, now);
  if (!alias.ok()) {
    deps_.store->EndSession(parent);
    return alias.code() == Code::kBusy ? CallResult::Fault(kFaultBusy, kTextBusy)
                                       : CallResult::Fault(kFaultInternal, kTextInternal);
  }
  Redemption r = deps_.store->RedeemAlias(alias->token.view(), now);
  if (!r.ok()) {
    deps_.store->EndSession(parent);
    return r.code == Code::kBusy ? CallResult::Fault(kFaultBusy, kTextBusy)
                                 : CallResult::Fault(kFaultInternal, kTextInternal);
  }
  password_parents_.insert(HandleKey(parent));
  PrunePasswordParents(now);
  ++stats_.password_logins;
  AdoptNewSession(exchange, r.session);
  return SessionResult(ctx, r.session);
}

void Gateway::PrunePasswordParents(MonoTime now) {
  if (password_parents_.size() < prune_at_) return;
  for (auto it = password_parents_.begin(); it != password_parents_.end();) {
    SessionHandle h{static_cast<uint32_t>(*it >> 32), static_cast<uint32_t>(*it)};
    it = deps_.store->PeekSession(h, now).ok() ? std::next(it) : password_parents_.erase(it);
  }
  // Amortised: the next sweep waits until the set has doubled again.
  prune_at_ = std::max<size_t>(1024, password_parents_.size() * 2);
}

CallResult Gateway::Logout(CallContext& ctx) {
  GatewayExchange& exchange = *ctx.exchange();
  exchange.clear_cookie_ = true;
  exchange.set_cookie_ = false;
  if (!exchange.has_session()) return CallResult::Ok(amf::Value::Boolean(false, ctx.format()));
  SessionHandle parent = exchange.session_.parent;
  deps_.store->EndSession(exchange.session_.handle);
  if (parent.valid() && password_parents_.erase(HandleKey(parent)) != 0) {
    deps_.store->EndSession(parent);
  }
  exchange.session_ = SessionView();
  return CallResult::Ok(amf::Value::Boolean(true, ctx.format()));
}

}  // namespace amfgate
