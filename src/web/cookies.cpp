#include "web/cookies.h"

namespace amfgate {

std::string CookieName(std::string_view base, bool tls) {
  std::string name = tls ? "__Host-" : "";
  name += base;
  return name;
}

std::string SetCookieValue(std::string_view name, std::string_view value,
                           const CookieAttributes& attributes) {
  std::string out;
  out.reserve(name.size() + value.size() + 80);
  out += name;
  out += '=';
  out += value;
  if (attributes.max_age >= 0) {
    out += "; Max-Age=";
    out += std::to_string(attributes.max_age);
  }
  out += "; Path=/";
  if (attributes.secure) out += "; Secure";
  if (attributes.http_only) out += "; HttpOnly";
  out += "; SameSite=Strict";
  return out;
}

std::string CredentialCookie(std::string_view base, bool tls, std::string_view value,
                             int64_t max_age) {
  return SetCookieValue(CookieName(base, tls), value, {true, tls, max_age});
}

std::string ExpiredCookie(std::string_view base, bool tls) {
  return SetCookieValue(CookieName(base, tls), "", {true, tls, 0});
}

}  // namespace amfgate
