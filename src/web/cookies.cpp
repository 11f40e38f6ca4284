#include "web/cookies.h"

#include <charconv>

namespace amfgate {
namespace {

constexpr std::string_view kHostPrefix = "__Host-";

// NAME=VALUE and the attributes, NAME being name_prefix + name.
void AppendCookie(std::string_view name_prefix, std::string_view name, std::string_view value,
                  const CookieAttributes& attributes, std::string* out) {
  out->append(name_prefix).append(name).append("=").append(value);
  if (attributes.max_age >= 0) {
    char digits[24];
    auto r = std::to_chars(digits, digits + sizeof(digits), attributes.max_age);
    out->append("; Max-Age=").append(digits, r.ptr);
  }
  out->append("; Path=/");
  if (attributes.secure) out->append("; Secure");
  if (attributes.http_only) out->append("; HttpOnly");
  out->append("; SameSite=Strict");
}

}  // namespace

std::string CookieName(std::string_view base, bool tls) {
  std::string name(tls ? kHostPrefix : "");
  name += base;
  return name;
}

std::string SetCookieValue(std::string_view name, std::string_view value,
                           const CookieAttributes& attributes) {
  std::string out;
  out.reserve(name.size() + value.size() + 80);
  AppendCookie("", name, value, attributes, &out);
  return out;
}

void AppendCredentialCookie(std::string_view base, bool tls, std::string_view value,
                            int64_t max_age, std::string* out) {
  AppendCookie(tls ? kHostPrefix : "", base, value, {true, tls, max_age}, out);
}

std::string CredentialCookie(std::string_view base, bool tls, std::string_view value,
                             int64_t max_age) {
  std::string out;
  out.reserve(kHostPrefix.size() + base.size() + value.size() + 80);
  AppendCredentialCookie(base, tls, value, max_age, &out);
  return out;
}

std::string ExpiredCookie(std::string_view base, bool tls) {
  return CredentialCookie(base, tls, "", 0);
}

}  // namespace amfgate
