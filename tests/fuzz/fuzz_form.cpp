// libFuzzer target: application/x-www-form-urlencoded bodies and the percent
// decoding of URL paths, the two %XX decoders that read network bytes
// (web/encoding.h ParseForm, FindField, FormEncode; net/http_message.h
// PercentDecodePath).
//
// The input is used three ways:
//  1. as a form body (POST /login, POST /logout, the /app query): ParseForm
//     must agree with a reference decoder written here from the WHATWG
//     urlencoded rules amfgate follows (split at '&', skip empty pieces, split
//     at the first '=', '+' is a space, %XX with two hex digits, a broken
//     escape refuses the whole body), and FindField must return the first
//     field of that name;
//  2. as a list of (name, value) pairs separated by NUL bytes: FormEncode of
//     each, joined with '&' and '=', must parse back to the same pairs, and
//     its output must use only unreserved characters, '+' and %XX;
//  3. as a URL path: PercentDecodePath must refuse exactly the broken escapes
//     and the escapes of NUL and '/', and otherwise decode like the form
//     decoder does for a text without '+'.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz_check.h"
#include "net/http_message.h"
#include "web/encoding.h"

using namespace amfgate;

namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

int Hex(unsigned char c) {
  if (!std::isxdigit(c)) return -1;
  return std::isdigit(c) ? c - '0' : std::tolower(c) - 'a' + 10;
}

// Decodes one name or value; `plus_is_space` distinguishes forms from paths.
// Sets *escaped_byte for each byte that came from an escape.
std::optional<std::string> ReferenceDecode(std::string_view s, bool plus_is_space,
                                           std::vector<char>* escaped_bytes = nullptr) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '%') {
      if (s.size() - i < 3) return std::nullopt;
      int hi = Hex(static_cast<unsigned char>(s[i + 1]));
      int lo = Hex(static_cast<unsigned char>(s[i + 2]));
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi << 4 | lo));
      if (escaped_bytes != nullptr) escaped_bytes->push_back(out.back());
      i += 3;
    } else {
      out.push_back(plus_is_space && s[i] == '+' ? ' ' : s[i]);
      ++i;
    }
  }
  return out;
}

std::optional<Fields> ReferenceParse(std::string_view body) {
  Fields fields;
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string_view::npos) end = body.size();
    std::string_view piece = body.substr(start, end - start);
    start = end + 1;
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    std::string_view name = eq == std::string_view::npos ? piece : piece.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
    auto n = ReferenceDecode(name, true);
    auto v = ReferenceDecode(value, true);
    if (!n || !v) return std::nullopt;
    fields.emplace_back(std::move(*n), std::move(*v));
  }
  return fields;
}

bool IsFormEncodedByte(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
         c == '~' || c == '+' || c == '%';
}

void CheckBody(std::string_view body) {
  auto parsed = ParseForm(body);
  auto expected = ReferenceParse(body);
  FUZZ_CHECK(parsed.has_value() == expected.has_value());
  if (!parsed) return;
  FUZZ_CHECK(*parsed == *expected);
  for (const auto& [name, value] : *parsed) {
    const std::string* found = FindField(*parsed, name);
    FUZZ_CHECK(found != nullptr);
    for (const auto& [n, v] : *parsed) {
      if (n == name) {
        FUZZ_CHECK(found == &v);
        break;
      }
    }
  }
}

void CheckRoundTrip(std::string_view input) {
  Fields pairs;
  std::string_view rest = input;
  while (!rest.empty() && pairs.size() < 64) {
    size_t a = rest.find('\0');
    std::string_view name = rest.substr(0, a);
    rest = a == std::string_view::npos ? std::string_view() : rest.substr(a + 1);
    size_t b = rest.find('\0');
    std::string_view value = rest.substr(0, b);
    rest = b == std::string_view::npos ? std::string_view() : rest.substr(b + 1);
    pairs.emplace_back(std::string(name), std::string(value));
  }
  std::string body;
  for (const auto& [name, value] : pairs) {
    if (!body.empty()) body += '&';
    std::string n = FormEncode(name);
    std::string v = FormEncode(value);
    for (char c : n) FUZZ_CHECK(IsFormEncodedByte(c));
    for (char c : v) FUZZ_CHECK(IsFormEncodedByte(c));
    body += n + "=" + v;
  }
  auto back = ParseForm(body);
  FUZZ_CHECK(back.has_value() && *back == pairs);
}

void CheckPath(std::string_view path) {
  std::string decoded = "stale";
  bool ok = PercentDecodePath(path, &decoded);
  std::vector<char> escaped;
  auto expected = ReferenceDecode(path, false, &escaped);
  bool refused_byte = false;
  for (char c : escaped) refused_byte = refused_byte || c == '\0' || c == '/';
  FUZZ_CHECK(ok == (expected.has_value() && !refused_byte));
  if (ok) FUZZ_CHECK(decoded == *expected);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckBody(input);
  CheckRoundTrip(input);
  CheckPath(input);
  return 0;
}
