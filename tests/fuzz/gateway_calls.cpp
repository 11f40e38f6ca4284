// fuzz_gateway's gateway step: a packet of up to four bodies built from the
// input (gateway_world.h), sent, and its answers read in order against the
// model of the handoff.
#include <cstdio>

#include "amf/codec.h"
#include "amf/compare.h"
#include "amf/flex.h"
#include "fuzz_check.h"
#include "gateway_world.h"
#include "web/encoding.h"

namespace amfgate::fuzz {

namespace {

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

}  // namespace

Call GatewayWorld::BuildCall(Input& in, size_t i, uint16_t version, Arena& arena,
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

GatewayRequest GatewayWorld::BuildRequest(Input& in) {
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

void GatewayWorld::Gateway(Browser& b, Input& in) {
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
void GatewayWorld::CheckAnswers(Browser& b, const GatewayRequest& request, const Reply& r,
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

}  // namespace amfgate::fuzz
