// The Set-Cookie lines amfgate emits, in one place, so that every cookie
// carrying a credential gets exactly the attributes SPEC section 2 fixes.
//
// Session cookies on HTTPS: `__Host-NAME=VALUE; Max-Age=N; Path=/; Secure;
// HttpOnly; SameSite=Strict` (the __Host- prefix makes the browser refuse a
// Domain attribute and any non-secure origin's attempt to set it). On a plain
// listener (development only) the prefix and Secure are dropped, since a
// browser would reject them. Max-Age never exceeds what is left of the
// session's absolute lifetime. The alias cookie is the one deliberate
// exception: readable by script (no HttpOnly), see pages.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace amfgate {

inline constexpr std::string_view kPageCookie = "sid";
inline constexpr std::string_view kGatewayCookie = "gsid";
inline constexpr std::string_view kCsrfCookie = "csrf";

// "__Host-sid" on TLS, "sid" on a plain listener.
std::string CookieName(std::string_view base, bool tls);

struct CookieAttributes {
  bool http_only = true;
  bool secure = true;    // also selects the __Host- prefix for session cookies
  int64_t max_age = -1;  // seconds; -1: none (a browser-session cookie)
};

// NAME=VALUE with the attributes, Path=/ and SameSite=Strict always. The
// caller guarantees name and value are cookie-safe (tokens: base64url).
std::string SetCookieValue(std::string_view name, std::string_view value,
                           const CookieAttributes& attributes);

// A credential cookie (page, gateway, CSRF): __Host- and Secure on TLS,
// always HttpOnly.
std::string CredentialCookie(std::string_view base, bool tls, std::string_view value,
                             int64_t max_age);
// The same, appended to *out: a caller that reuses *out allocates nothing
// once it has grown (the gateway sets one per redemption).
void AppendCredentialCookie(std::string_view base, bool tls, std::string_view value,
                            int64_t max_age, std::string* out);
// The same cookie emptied and expired (logout).
std::string ExpiredCookie(std::string_view base, bool tls);

}  // namespace amfgate
