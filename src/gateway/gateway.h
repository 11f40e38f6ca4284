// The AMF gateway: the HTTP handler at gateway_path (SPEC section 3).
//
// One request is one AMF remoting packet. The handler, in order:
//   1. gates it: POST only (405), Content-Type application/x-amf only (415),
//      an Origin header, when present, must be public_origin or listed in
//      allow_origin (403; listed origins get CORS headers with credentials,
//      and their OPTIONS preflight is answered);
//   2. decodes the packet (a malformed one gets HTTP 400 and one log line);
//   3. finds the caller's gateway session from the gateway cookie (a token
//      the store did not issue is simply not found: never adopted) and
//      touches its idle deadline;
//   4. reads the packet headers: an unknown header sent with must-understand
//      faults every body; `Credentials` logs in when password login is on;
//   5. answers each body in order, in one response packet of the request's
//      version: `service.method` targets and the bare `loginByAlias` go to the
//      ServiceRegistry; a Flex RemotingMessage goes there as
//      destination.operation; a Flex CommandMessage (ping, login, logout) is
//      answered here. Results are onResult bodies (AcknowledgeMessage for
//      Flex), faults onStatus bodies ({level, code, description}, or an
//      ErrorMessage for Flex) that echo nothing from the request;
//   6. sets the gateway cookie when a body logged in, expires it when one
//      logged out, and sends `Cache-Control: no-store`.
//
// Sessions created by a body are visible to the bodies after it in the same
// packet. Redemption is the store's one-step RedeemAlias, so any number of
// concurrent, pipelined or batched redemptions of an alias make one session.
//
// Password login (auth.login, the Credentials header, the Flex login command)
// is off unless enabled. A gateway session needs a page session as its parent
// in the store, so a password login creates a page session no client ever
// sees, mints and redeems an alias for it at once, and remembers it so that
// auth.logout ends it too.
//
// Ownership: the Gateway borrows the store, the random source, the rate
// limiters and the user table (all owned by the Handoff, which outlives it).
// It owns one arena, reused by every request (handlers are synchronous), so a
// warm gateway decodes, encodes (straight into the connection's reused
// response body) and sets cookies without heap allocation.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_set>
#include <vector>

#include "amf/arena.h"
#include "amf/flex.h"
#include "amf/limits.h"
#include "amf/packet.h"
#include "core/clock.h"
#include "gateway/service.h"
#include "net/http_message.h"
#include "store/session_store.h"

namespace amfgate {

class Random;
class RateLimiter;
class UserDb;

struct GatewayOptions {
  std::string public_origin;               // "https://host:port", no trailing slash
  std::vector<std::string> allow_origins;  // extra origins allowed with CORS
  bool password_login = false;
  amf::DecodeLimits limits;
};

struct GatewayDeps {
  SessionStore* store = nullptr;
  Random* random = nullptr;
  RateLimiter* redeem_limiter = nullptr;
  RateLimiter* login_limiter = nullptr;
  const UserDb* users = nullptr;
  std::function<MonoTime()> clock;      // monotonic now; default MonotonicNow
  std::function<double()> wall_millis;  // Flex timestamps; default the system clock
};

struct GatewayStats {
  uint64_t requests = 0;
  uint64_t malformed = 0;
  uint64_t bodies = 0;
  uint64_t faults = 0;
  uint64_t redemptions = 0;  // successful
  uint64_t redemption_failures = 0;
  uint64_t replays = 0;  // security events
  uint64_t password_logins = 0;
  uint64_t password_failures = 0;
  uint64_t rate_limited = 0;
};

// What one request knows about its caller's session while its bodies run.
class GatewayExchange {
 public:
  bool has_session() const { return session_.handle.valid(); }
  const SessionView& session() const { return session_; }
  std::string_view user() const { return has_session() ? session_.user_name : std::string_view(); }

 private:
  friend class Gateway;
  SessionView session_;
  bool set_cookie_ = false;    // a body logged in: send the new cookie
  bool clear_cookie_ = false;  // a body logged out
  TokenText cookie_token_;
  const Request* request_ = nullptr;
  MonoTime now_ = 0;
};

class Gateway {
 public:
  Gateway(GatewayOptions options, GatewayDeps deps);
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  // The HTTP handler (net/router.h).
  void Handle(const Request& request, Response& response);

  ServiceRegistry& services() { return services_; }
  const GatewayStats& stats() const { return stats_; }

  // New settings (SIGHUP); the registry and the sessions stay.
  void Reconfigure(GatewayOptions options);
  void SetUsers(const UserDb* users) { deps_.users = users; }

  // The built-in auth services call these (gateway/auth_service.h).
  CallResult RedeemAlias(CallContext& ctx, std::string_view alias, std::string_view verifier);
  CallResult PasswordLogin(CallContext& ctx, std::string_view user, std::string_view password);
  CallResult Logout(CallContext& ctx);

 private:
  enum class OriginVerdict { kNone, kOwn, kListed, kRefused };

  // `origin` is the request's Origin field, or nullptr.
  OriginVerdict CheckOrigin(const HeaderField* origin) const;
  // Takes new options with their origins' trailing slashes removed once,
  // not on every request.
  void SetOptions(GatewayOptions options);
  // `cookies` is the request's Cookie header value.
  void ResumeSession(std::string_view cookies, GatewayExchange& exchange);
  // A fault for a must-understand header nobody understood, or for failed
  // Credentials; empty when the headers are acceptable.
  std::string_view ProcessHeaders(const amf::Packet& packet, GatewayExchange& exchange);
  amf::Reply AnswerBody(const amf::Body& body, amf::Format format, GatewayExchange& exchange,
                        std::string_view header_fault);
  amf::Reply AnswerFlex(const amf::Body& body, const amf::Value& message, amf::FlexKind kind,
                        GatewayExchange& exchange, std::string_view header_fault);
  CallResult Call(std::string_view target, const amf::Arguments& args, amf::Format format,
                  GatewayExchange& exchange);
  // Starts a gateway session for `user` after a password check.
  CallResult StartPasswordSession(CallContext& ctx, std::string_view user);
  CallResult SessionResult(CallContext& ctx, const NewSession& session);
  void AdoptNewSession(GatewayExchange& exchange, const NewSession& session);
  std::string_view NewUuid();
  void PrunePasswordParents(MonoTime now);

  GatewayOptions options_;
  GatewayDeps deps_;
  ServiceRegistry services_;
  GatewayStats stats_;
  Arena arena_;
  amf::PacketEncoder encoder_;   // reply encoding, its reference tables kept across requests
  std::string cookie_names_[2];  // the gateway cookie's name on plain and on TLS listeners
  std::string cookie_scratch_;   // the Set-Cookie value being built, reused
  // Page sessions created only to parent a password-login gateway session
  // (see above), keyed by index << 32 | generation.
  std::unordered_set<uint64_t> password_parents_;
  size_t prune_at_ = 1024;
};

}  // namespace amfgate
