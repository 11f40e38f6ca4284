#include "web/pages.h"

#include "core/log.h"
#include "store/random.h"
#include "store/rate_limiter.h"
#include "store/session_store.h"
#include "store/token.h"
#include "web/cookies.h"
#include "web/encoding.h"
#include "web/template.h"
#include "web/users.h"

namespace amfgate {

namespace {

constexpr std::string_view kLoginPath = "/login";
constexpr std::string_view kAppPath = "/app";
constexpr std::string_view kLogoutPath = "/logout";
constexpr std::string_view kFormType = "application/x-www-form-urlencoded";
constexpr size_t kAliasCookieRandomChars = 22;
constexpr int64_t kSessionCapRetrySeconds = 30;

constexpr std::string_view kLoginCsp =
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view WithoutTrailingSlash(std::string_view s) {
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return s;
}

int64_t CeilSeconds(Duration d) { return d <= 0 ? 0 : (d + kSecond - 1) / kSecond; }

void NoStore(Response& response) { response.SetNoStore(); }

// The server's default Referrer-Policy is no-referrer, under which browsers
// send `Origin: null` even on same-origin form POSTs; the pages with forms
// keep the real origin for their own site so the Origin check can pass, and
// still send nothing to other sites.
void FormReferrerPolicy(Response& response) {
  (void)response.AddHeader("Referrer-Policy", "same-origin");
}

// The live page session named by `sid` (a PageToken); kNotFound when empty.
Result<SessionView> PageSession(SessionStore& store, std::string_view sid, MonoTime now) {
  if (sid.empty()) return Result<SessionView>(Failure{Code::kNotFound, "no cookie"});
  return store.LookupSession(sid, SessionKind::kPage, now);
}

}  // namespace

Pages::Pages(PagesOptions options, PagesDeps deps, const CsrfKey& csrf)
    : options_(std::move(options)), deps_(std::move(deps)), csrf_(csrf) {
  if (!deps_.clock) deps_.clock = MonotonicNow;
}

Status Pages::Install(Router& router) {
  Status s = router.Exact(std::string(kLoginPath),
                          [this](const Request& q, Response& r) { HandleLogin(q, r); });
  if (!s.ok()) return s;
  s = router.Exact(std::string(kAppPath),
                   [this](const Request& q, Response& r) { HandleApp(q, r); });
  if (!s.ok()) return s;
  return router.Exact(std::string(kLogoutPath),
                      [this](const Request& q, Response& r) { HandleLogout(q, r); });
}

std::string_view Pages::PageToken(const Request& request) const {
  auto token = FindCookie(request.Header("Cookie"), CookieName(kPageCookie, request.is_tls));
  return token ? *token : std::string_view();
}

bool Pages::ForeignOrigin(const Request& request) const {
  const HeaderField* origin = request.FindHeader("Origin");
  return origin != nullptr &&
         !EqualsIgnoreCase(origin->value, WithoutTrailingSlash(options_.public_origin));
}

bool Pages::RefuseForeignOrigin(const Request& request, Response& response) {
  if (!ForeignOrigin(request)) return false;
  ++stats_.csrf_failures;
  response.Error(403);
  return true;
}

void Pages::MethodNotAllowed(Response& response, std::string_view allow) {
  response.Error(405);
  (void)response.AddHeader("Allow", allow);
}

void Pages::Busy(Response& response, int status, int64_t retry_seconds) {
  ++stats_.refused_busy;
  response.Error(status);
  NoStore(response);
  (void)response.AddHeader("Retry-After", std::to_string(retry_seconds < 1 ? 1 : retry_seconds));
}

void Pages::RenderLogin(const Request& request, Response& response, int status,
                        std::string_view error) {
  // The CSRF binding: the visitor's random pre-session cookie, kept if it
  // looks like one we issued, else a fresh one.
  std::string binding;
  auto existing = FindCookie(request.Header("Cookie"), CookieName(kCsrfCookie, request.is_tls));
  if (existing && ParseToken(*existing).ok()) {
    binding = std::string(*existing);
  } else {
    auto fresh = deps_.random->NewTokenText();
    if (!fresh.ok()) {
      response.Error(500);
      return;
    }
    binding = std::string(fresh->view());
  }
  TemplateValues values;
  values.Set("action", std::string(kLoginPath))
      .Set("csrf", csrf_.Token("login", binding))
      .Set("error", std::string(error))
      .Set("demo_user", options_.demo_user);
  response.Html(status, deps_.templates->Render("login", values));
  NoStore(response);
  (void)response.AddHeader("Content-Security-Policy", kLoginCsp);
  FormReferrerPolicy(response);
  (void)response.AddHeader("Set-Cookie",
                           CredentialCookie(kCsrfCookie, request.is_tls, binding, -1));
}

void Pages::HandleLogin(const Request& request, Response& response) {
  MonoTime now = deps_.clock();
  if (request.method == Method::kGet || request.method == Method::kHead) {
    std::string_view sid = PageToken(request);
    if (!sid.empty() && deps_.store->LookupSession(sid, SessionKind::kPage, now).ok()) {
      response.Redirect(303, kAppPath);
      NoStore(response);
      return;
    }
    RenderLogin(request, response, 200, {});
    return;
  }
  if (request.method != Method::kPost) {
    MethodNotAllowed(response, "GET, HEAD, POST");
    return;
  }
  if (RefuseForeignOrigin(request, response)) return;
  std::string_view type = request.Header("Content-Type");
  if (!EqualsIgnoreCase(Trim(type.substr(0, type.find(';'))), kFormType)) {
    response.Error(415);
    return;
  }
  auto form = ParseForm(request.body);
  if (!form) {
    response.Error(400);
    return;
  }
  auto binding = FindCookie(request.Header("Cookie"), CookieName(kCsrfCookie, request.is_tls));
  const std::string* token = FindField(*form, "csrf");
  if (!binding || token == nullptr || !csrf_.Check("login", *binding, *token)) {
    ++stats_.csrf_failures;
    RenderLogin(request, response, 403, "The form has expired. Please sign in again.");
    return;
  }
  RateDecision decision = deps_.login_limiter->Allow(request.peer.Bytes(), now);
  if (!decision.allowed()) {
    Busy(response, 429, CeilSeconds(decision.retry_after));
    return;
  }
  const std::string* user = FindField(*form, "username");
  const std::string* password = FindField(*form, "password");
  // The check runs for every well-formed attempt, known name or not, so the
  // time taken says nothing about which of the two fields was wrong.
  bool ok = user != nullptr && password != nullptr && deps_.users != nullptr &&
            deps_.users->Verify(*user, *password);
  if (!ok) {
    ++stats_.login_failures;
    LogNotice("login failed peer=%.*s", static_cast<int>(request.peer_text.size()),
              request.peer_text.data());
    RenderLogin(request, response, 401, "Wrong user name or password.");
    return;
  }
  auto session = deps_.store->CreatePageSession(*user, now);
  if (!session.ok()) {
    if (session.code() == Code::kBusy) {
      Busy(response, 503, kSessionCapRetrySeconds);
    } else {
      response.Error(500);
    }
    return;
  }
  // A page session id the browser already had is ended: a login always
  // starts from a fresh id.
  std::string_view old = PageToken(request);
  if (!old.empty()) {
    auto previous = deps_.store->LookupSession(old, SessionKind::kPage, now);
    if (previous.ok()) deps_.store->EndSession(previous->handle);
  }
  ++stats_.logins;
  LogInfo("login user=%s peer=%.*s", user->c_str(), static_cast<int>(request.peer_text.size()),
          request.peer_text.data());
  Duration left = session->view.absolute_deadline - now;
  response.Redirect(303, kAppPath);
  NoStore(response);
  (void)response.AddHeader("Set-Cookie",
                           CredentialCookie(kPageCookie, request.is_tls, session->token.view(),
                                            left > 0 ? left / kSecond : 0));
}

void Pages::HandleApp(const Request& request, Response& response) {
  if (request.method != Method::kGet && request.method != Method::kHead) {
    MethodNotAllowed(response, "GET, HEAD");
    return;
  }
  MonoTime now = deps_.clock();
  std::string_view sid = PageToken(request);
  auto page = PageSession(*deps_.store, sid, now);
  if (!page.ok()) {
    response.Redirect(303, kLoginPath);
    NoStore(response);
    return;
  }

  AliasChallenge challenge{};
  bool with_challenge = false;
  if (!request.query.empty()) {
    auto query = ParseForm(request.query);
    const std::string* c = query ? FindField(*query, "challenge") : nullptr;
    if (c != nullptr) {
      // The challenge has the shape of a token: 32 bytes, 43 base64url characters.
      auto parsed = ParseToken(*c);
      if (!parsed.ok()) {
        response.Error(400);
        NoStore(response);
        return;
      }
      std::copy(parsed->bytes.begin(), parsed->bytes.end(), challenge.begin());
      with_challenge = true;
    }
  }

  auto alias = deps_.store->MintAlias(page->handle, now, with_challenge ? &challenge : nullptr);
  if (!alias.ok()) {
    if (alias.code() == Code::kBusy) {
      StoreCounts counts = deps_.store->Counts();
      bool total =
          counts.pending_aliases + counts.alias_tombstones >= deps_.store->limits().max_aliases;
      Busy(response, total ? 503 : 429, CeilSeconds(options_.alias_ttl));
    } else {
      response.Error(500);
      NoStore(response);
    }
    return;
  }
  ++stats_.aliases_minted;

  std::string origin(WithoutTrailingSlash(options_.public_origin));
  std::string gateway_url = origin + options_.gateway_path;
  std::string swf_url = origin + options_.swf_path;
  std::string flashvars;
  std::string cookie_name;
  if (options_.alias_delivery == AliasDelivery::kCookie) {
    char random_part[kAliasCookieRandomChars];
    if (deps_.random->RandomBase64Url(random_part) != Code::kOk) {
      response.Error(500);
      NoStore(response);
      return;
    }
    cookie_name = "a_" + std::string(random_part, sizeof(random_part));
    flashvars = "randomcookie=" + cookie_name;
  } else {
    flashvars = "alias=" + std::string(alias->token.view());
  }
  flashvars += "&gateway=" + FormEncode(gateway_url) + "&swf=" + FormEncode(swf_url);

  TemplateValues values;
  values.Set("user", std::string(page->user_name))
      .Set("flashvars", flashvars)
      .Set("gateway_url", gateway_url)
      .Set("swf_url", swf_url)
      .Set("cookie_name", cookie_name)
      .Set("alias_ttl", std::to_string(CeilSeconds(options_.alias_ttl)))
      .Set("logout_action", std::string(kLogoutPath))
      .Set("csrf", csrf_.Token("logout", sid))
      .Set("ruffle", options_.ruffle ? "1" : "")
      .Set("ruffle_url", options_.ruffle_path)
      .Set("ruffle_settings_url", options_.ruffle_settings_path);
  response.Html(200, deps_.templates->Render("app", values));
  NoStore(response);
  // ExternalInterface (how the SWF reads the alias cookie) evaluates script
  // in Flash Player and Ruffle alike, hence 'unsafe-eval'; no inline script
  // is allowed, so injected markup still cannot run.
  std::string csp =
      "default-src 'self'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; "
      "style-src 'self' 'unsafe-inline'; object-src 'self'; img-src 'self' data: blob:; "
      "media-src 'self' blob:; worker-src 'self' blob:; connect-src 'self' " +
      origin + "; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
  (void)response.AddHeader("Content-Security-Policy", csp);
  FormReferrerPolicy(response);
  if (!cookie_name.empty()) {
    int64_t max_age = std::min(CeilSeconds(options_.alias_ttl), CeilSeconds(alias->expires - now));
    (void)response.AddHeader("Set-Cookie", SetCookieValue(cookie_name, alias->token.view(),
                                                          {false, request.is_tls, max_age}));
  }
}

void Pages::HandleLogout(const Request& request, Response& response) {
  if (request.method != Method::kPost) {
    MethodNotAllowed(response, "POST");
    return;
  }
  if (RefuseForeignOrigin(request, response)) return;
  MonoTime now = deps_.clock();
  std::string_view sid = PageToken(request);
  auto page = PageSession(*deps_.store, sid, now);
  if (!page.ok()) {
    response.Redirect(303, kLoginPath);
    NoStore(response);
    (void)response.AddHeader("Set-Cookie", ExpiredCookie(kPageCookie, request.is_tls));
    return;
  }
  auto form = ParseForm(request.body);
  const std::string* token = form ? FindField(*form, "csrf") : nullptr;
  if (token == nullptr || !csrf_.Check("logout", sid, *token)) {
    ++stats_.csrf_failures;
    response.Error(403);
    NoStore(response);
    return;
  }
  deps_.store->EndSession(page->handle);
  ++stats_.logouts;
  response.Redirect(303, kLoginPath);
  NoStore(response);
  (void)response.AddHeader("Set-Cookie", ExpiredCookie(kPageCookie, request.is_tls));
}

}  // namespace amfgate
