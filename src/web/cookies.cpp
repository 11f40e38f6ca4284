#include "web/cookies.h"

#include <charconv>
#include <cstring>

namespace amfgate {
namespace {

constexpr std::string_view kHostPrefix = "__Host-";

// NAME=VALUE and the attributes, NAME being name_prefix + name. The pieces
// are measured first and copied after one resize: a capacity check per
// piece would cost more than the copies (this runs once per redemption).
void AppendCookie(std::string_view name_prefix, std::string_view name, std::string_view value,
                  const CookieAttributes& attributes, std::string* out) {
  char digits[24];
  std::string_view max_age;
  if (attributes.max_age >= 0) {
    auto r = std::to_chars(digits, digits + sizeof(digits), attributes.max_age);
    max_age = std::string_view(digits, static_cast<size_t>(r.ptr - digits));
  }
  const std::string_view parts[] = {name_prefix,
                                    name,
                                    "=",
                                    value,
                                    max_age.empty() ? "" : "; Max-Age=",
                                    max_age,
                                    "; Path=/",
                                    attributes.secure ? "; Secure" : "",
                                    attributes.http_only ? "; HttpOnly" : "",
                                    "; SameSite=Strict"};
  size_t size = 0;
  for (std::string_view part : parts) size += part.size();
  size_t at = out->size();
  out->resize(at + size);
  char* to = out->data() + at;
  for (std::string_view part : parts) {
    if (part.empty()) continue;  // an empty view may hold a null pointer: no memcpy from it
    std::memcpy(to, part.data(), part.size());
    to += part.size();
  }
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
