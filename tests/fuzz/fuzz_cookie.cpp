// libFuzzer target: the Cookie request header as the pages and the gateway
// read it (web/encoding.h FindCookie, then store/token.h ParseToken on the
// value found), and the Set-Cookie lines they write (web/cookies.h).
//
// The first input byte picks the cookie name looked up (one of the names
// amfgate reads, or the next bytes of the input); the rest is the header.
// Checked, for every input:
//  - FindCookie agrees with a reference reader written here from RFC 6265
//    section 5.4 as amfgate applies it (split at ';', trim spaces and tabs
//    around each pair, split at the first '=', pairs without '=' are skipped,
//    the first pair with exactly that name wins, names are case-sensitive);
//  - the value found is a view into the header, never a copy or an
//    over-read;
//  - a value ParseToken accepts re-encodes to the same 43 characters;
//  - a credential cookie written for a value built from the input (its
//    base64url characters) reads back through FindCookie as that value, and
//    its attributes are the ones SPEC section 2 fixes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "store/token.h"
#include "web/cookies.h"
#include "web/encoding.h"

using namespace amfgate;

namespace {

std::string_view TrimBlanks(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && (s[a] == ' ' || s[a] == '\t')) ++a;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) --b;
  return s.substr(a, b - a);
}

std::optional<std::string_view> ReferenceFind(std::string_view header, std::string_view name) {
  size_t start = 0;
  while (start < header.size()) {
    size_t end = header.find(';', start);
    if (end == std::string_view::npos) end = header.size();
    std::string_view pair = TrimBlanks(header.substr(start, end - start));
    start = end + 1;
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
  }
  return std::nullopt;
}

bool IsBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

void CheckLookup(std::string_view header, std::string_view name) {
  auto found = FindCookie(header, name);
  auto expected = ReferenceFind(header, name);
  FUZZ_CHECK(found.has_value() == expected.has_value());
  if (!found) return;
  FUZZ_CHECK(found->data() == expected->data() && found->size() == expected->size());
  FUZZ_CHECK(found->data() >= header.data() &&
             found->data() + found->size() <= header.data() + header.size());
  auto token = ParseToken(*found);
  if (token.ok()) {
    FUZZ_CHECK(found->size() == kTokenTextLength);
    FUZZ_CHECK(EncodeToken(*token).view() == *found);
  }
}

void CheckSetCookie(std::string_view input, bool tls) {
  std::string value;
  for (char c : input) {
    if (IsBase64UrlChar(c)) value += c;
  }
  int64_t max_age = input.empty() ? -1 : static_cast<int64_t>(static_cast<uint8_t>(input[0])) - 1;
  for (std::string_view base : {kPageCookie, kGatewayCookie, kCsrfCookie}) {
    std::string line = CredentialCookie(base, tls, value, max_age);
    std::string name = CookieName(base, tls);
    FUZZ_CHECK(line.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos);
    // As a browser sends it back: the part before the first ';'.
    std::string_view sent = std::string_view(line).substr(0, line.find(';'));
    auto back = FindCookie(sent, name);
    FUZZ_CHECK(back.has_value() && *back == value);
    FUZZ_CHECK(line.find("; Path=/") != std::string::npos);
    FUZZ_CHECK(line.find("; HttpOnly") != std::string::npos);
    FUZZ_CHECK(line.find("; SameSite=Strict") != std::string::npos);
    FUZZ_CHECK((line.find("; Secure") != std::string::npos) == tls);
    FUZZ_CHECK(name.starts_with("__Host-") == tls);
    FUZZ_CHECK(line.find("; Domain") == std::string::npos);
    FUZZ_CHECK((line.find("; Max-Age=") != std::string::npos) == (max_age >= 0));
  }
  std::string expired = ExpiredCookie(kPageCookie, tls);
  FUZZ_CHECK(expired.find("=; Max-Age=0;") != std::string::npos);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const std::string_view kNames[] = {
      "__Host-sid", "__Host-gsid", "__Host-csrf", "sid", "gsid", "csrf", "", "a_x"};
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string_view header = rest;
  std::string_view name;
  if (data[0] < 0xC0) {
    name = kNames[data[0] % 8];
  } else {
    // A name from the input: its first (data[0] & 0x3F) bytes.
    size_t n = std::min<size_t>(data[0] & 0x3F, rest.size());
    name = rest.substr(0, n);
    header = rest.substr(n);
  }
  // The header ends where libFuzzer's exact-size buffer ends, so ASan sees
  // any read past it.
  CheckLookup(header, name);
  CheckSetCookie(rest, data[0] & 1);
  return 0;
}
