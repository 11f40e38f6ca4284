// The handoff's web pages (SPEC section 1): login, the app wrapper, logout.
//
//   GET  /login   the form, with a CSRF token (csrf.h: signed double submit
//                 over a random `__Host-csrf` cookie set here). A visitor
//                 who already has a live page session is sent to /app.
//   POST /login   form fields username, password, csrf. Checks, in order: the
//                 Origin header (when present) is public_origin, the type is
//                 a form, the CSRF token, the login rate limits (429 with
//                 Retry-After), the password (401 and the form again with one
//                 generic message). Success creates a page session with a
//                 fresh id (a session id the request carried is ended, never
//                 adopted), sets the page cookie and answers 303 to /app. At
//                 the session cap: 503 with Retry-After.
//   GET  /app     needs a live page session, else 303 to /login. Mints an
//                 alias (optionally bound to `?challenge=` the base64url
//                 SHA-256 of a verifier), sets it in a cookie named `a_` + 22
//                 random base64url characters with Max-Age = the alias TTL,
//                 Path=/, SameSite=Strict, Secure on HTTPS and deliberately no
//                 HttpOnly (the client reads and deletes it), or, with
//                 `alias_delivery flashvars`, puts it in the flashvars.
//                 Renders app.html with the flashvars randomcookie (or alias),
//                 gateway (absolute, from public_origin) and swf. At the
//                 pending-alias cap of the session: 429; at the total cap: 503.
//   POST /logout  CSRF token bound to the page session; ends the page session
//                 and with it, in the store, every alias it minted and every
//                 gateway session derived from it. 303 to /login.
//
// Every response that carries or sets a credential is `Cache-Control:
// no-store`; HTML pages carry their own Content-Security-Policy with
// `frame-ancestors 'none'`. The pages need no JavaScript; the app page loads
// Ruffle (and its settings file) only when docroot/ruffle/ruffle.js exists,
// and otherwise embeds the SWF with a plain <object>.
//
// Pages borrow the store, random source, limiter, users and templates from
// the Handoff (handoff.h), which owns them and outlives the routes.
#pragma once

#include <functional>
#include <string>

#include "core/clock.h"
#include "core/config.h"
#include "core/status.h"
#include "net/http_message.h"
#include "net/router.h"
#include "web/csrf.h"

namespace amfgate {

class Random;
class RateLimiter;
class SessionStore;
class TemplateSet;
class UserDb;

struct PagesOptions {
  std::string public_origin;  // no trailing slash
  std::string gateway_path = "/gateway";
  std::string swf_path = "/amfgate.swf";
  std::string ruffle_path = "/ruffle/ruffle.js";
  std::string ruffle_settings_path = "/amfgate-player.js";
  bool ruffle = false;  // Ruffle's files are in the document root
  AliasDelivery alias_delivery = AliasDelivery::kCookie;
  Duration alias_ttl = 30 * kSecond;
  std::string demo_user;  // named on the login page when set
};

struct PagesDeps {
  SessionStore* store = nullptr;
  Random* random = nullptr;
  RateLimiter* login_limiter = nullptr;
  const UserDb* users = nullptr;
  const TemplateSet* templates = nullptr;
  std::function<MonoTime()> clock;  // default MonotonicNow
};

struct PagesStats {
  uint64_t logins = 0;
  uint64_t login_failures = 0;
  uint64_t csrf_failures = 0;
  uint64_t aliases_minted = 0;
  uint64_t logouts = 0;
  uint64_t refused_busy = 0;  // 429/503 at a cap or a rate limit
};

class Pages {
 public:
  Pages(PagesOptions options, PagesDeps deps, const CsrfKey& csrf);

  // /login, /app, /logout.
  Status Install(Router& router);

  void HandleLogin(const Request& request, Response& response);
  void HandleApp(const Request& request, Response& response);
  void HandleLogout(const Request& request, Response& response);

  void Reconfigure(PagesOptions options) { options_ = std::move(options); }
  void SetUsers(const UserDb* users) { deps_.users = users; }
  const PagesStats& stats() const { return stats_; }

 private:
  void RenderLogin(const Request& request, Response& response, int status, std::string_view error);
  // The page session cookie's token text, or empty.
  std::string_view PageToken(const Request& request) const;
  bool ForeignOrigin(const Request& request) const;
  // A POST from a foreign Origin: answers 403 and counts it; true if it did.
  bool RefuseForeignOrigin(const Request& request, Response& response);
  // 405 with the methods the route takes.
  static void MethodNotAllowed(Response& response, std::string_view allow);
  void Busy(Response& response, int status, int64_t retry_seconds);

  PagesOptions options_;
  PagesDeps deps_;
  CsrfKey csrf_;
  PagesStats stats_;
};

}  // namespace amfgate
