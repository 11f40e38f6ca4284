// libFuzzer target: CSRF token checking (web/csrf.h), as POST /login and
// POST /logout apply it to a form field and a cookie the client sent.
//
// Input: byte 0 picks the purpose ("login" or "logout") and the mode, byte 1
// splits the rest into the binding (the cookie's value) and the presented
// token (the form field's value). In patch mode the presented token is the
// real token for that binding with (position, byte) pairs from the input
// written over it, so the fuzzer explores near misses of a valid token too.
//
// Checked: Check accepts exactly the token Token() gives for that purpose and
// a non-empty binding, nothing else (not the other purpose's token, not a
// prefix or an extension of it); every token is 43 base64url characters.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "web/csrf.h"

using namespace amfgate;

namespace {

bool IsBase64Url(std::string_view s) {
  for (char c : s) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

const CsrfKey& Key() {
  static const CsrfKey key([] {
    std::array<uint8_t, 32> k{};
    for (size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>(i * 29 + 7);
    return k;
  }());
  return key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const CsrfKey& key = Key();
  std::string_view purpose = (data[0] & 1) ? "logout" : "login";
  std::string_view other = (data[0] & 1) ? "login" : "logout";
  bool patch = data[0] & 2;
  std::string_view rest(reinterpret_cast<const char*>(data + 2), size - 2);
  size_t split = std::min<size_t>(data[1], rest.size());
  std::string_view binding = rest.substr(0, split);
  std::string_view tail = rest.substr(split);

  std::string expected = key.Token(purpose, binding);
  FUZZ_CHECK(expected.size() == 43 && IsBase64Url(expected));
  std::string presented;
  if (patch) {
    presented = expected;
    for (size_t i = 0; i + 1 < tail.size(); i += 2) {
      size_t at = static_cast<uint8_t>(tail[i]);
      if (at < presented.size()) {
        presented[at] = tail[i + 1];
      } else if (at == 0xFF) {
        if (!presented.empty()) presented.pop_back();
      } else {
        presented.push_back(tail[i + 1]);
      }
    }
  } else {
    presented = std::string(tail);
  }

  bool accepted = key.Check(purpose, binding, presented);
  FUZZ_CHECK(accepted == (!binding.empty() && presented == expected));
  // The other form's token never passes for this one.
  FUZZ_CHECK(!key.Check(other, binding, expected));
  // Tokens are a function of purpose and binding alone.
  FUZZ_CHECK(key.Token(purpose, binding) == expected);
  return 0;
}
