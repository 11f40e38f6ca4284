#include "web/cookies.h"

#include <charconv>
#include <cstring>

namespace amfgate {
namespace {

constexpr std::string_view kHostPrefix = "__Host-";

// The attributes as arrays, so that each copy has a constant size and
// compiles to a few moves instead of a call to memcpy.
constexpr char kMaxAge[] = "; Max-Age=";
constexpr char kPath[] = "; Path=/";
constexpr char kSecure[] = "; Secure";
constexpr char kHttpOnly[] = "; HttpOnly";
constexpr char kSameSite[] = "; SameSite=Strict";

template <size_t N>
constexpr size_t Length(const char (&)[N]) {
  return N - 1;
}

template <size_t N>
void Put(const char (&piece)[N], char** p) {
  std::memcpy(*p, piece, N - 1);
  *p += N - 1;
}

void Put(std::string_view piece, char** p) {
  if (piece.empty()) return;  // a default view's data() is null, no memcpy source
  std::memcpy(*p, piece.data(), piece.size());
  *p += piece.size();
}

// NAME=VALUE and the attributes, NAME being name_prefix + name. The line is
// measured first and written into one resize of *out: a chain of appends
// paid a capacity check and a call per piece (measured by callgrind: ~200
// instructions more per gateway login).
void AppendCookie(std::string_view name_prefix, std::string_view name, std::string_view value,
                  const CookieAttributes& attributes, std::string* out) {
  char digits[24];
  size_t digit_count = 0;
  if (attributes.max_age >= 0) {
    digit_count = std::to_chars(digits, digits + sizeof(digits), attributes.max_age).ptr - digits;
  }
  size_t size = name_prefix.size() + name.size() + 1 + value.size() + Length(kPath) +
                Length(kSameSite) + (digit_count > 0 ? Length(kMaxAge) + digit_count : 0) +
                (attributes.secure ? Length(kSecure) : 0) +
                (attributes.http_only ? Length(kHttpOnly) : 0);
  size_t at = out->size();
  out->resize(at + size);
  char* p = out->data() + at;
  Put(name_prefix, &p);
  Put(name, &p);
  *p++ = '=';
  Put(value, &p);
  if (digit_count > 0) {
    Put(kMaxAge, &p);
    Put(std::string_view(digits, digit_count), &p);
  }
  Put(kPath, &p);
  if (attributes.secure) Put(kSecure, &p);
  if (attributes.http_only) Put(kHttpOnly, &p);
  Put(kSameSite, &p);
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
