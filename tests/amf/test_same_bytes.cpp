// SameBytes: the inline compares of short strings agree with std::string's
// equality at every length and for a difference at every position.
#include <doctest/doctest.h>

#include <string>

#include "amf/same_bytes.h"

using amfgate::amf::SameBytes;

TEST_CASE("equal strings are the same, and one changed byte anywhere tells them apart") {
  for (size_t n = 0; n <= 48; ++n) {
    std::string a(n, 'x');
    for (size_t i = 0; i < n; ++i) a[i] = static_cast<char>('a' + (i * 7) % 26);
    std::string b = a;  // a separate copy: compared by content, not address
    REQUIRE(SameBytes(a, b));
    for (size_t at = 0; at < n; ++at) {
      std::string c = a;
      c[at] = static_cast<char>(c[at] ^ 0x20);
      REQUIRE_FALSE(SameBytes(a, c));
      REQUIRE_FALSE(SameBytes(c, a));
    }
    REQUIRE_FALSE(SameBytes(a, a + "y"));
    if (n > 0) REQUIRE_FALSE(SameBytes(a, std::string_view(a).substr(1)));
  }
  CHECK(SameBytes(std::string_view(), ""));
}
