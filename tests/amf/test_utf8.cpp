// UTF-8 validation: the inline check for short ASCII strings settles only
// what the full scan would accept, so both agree on every input.
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "amf/utf8.h"

using namespace amfgate::amf;

TEST_CASE("every string of one or two bytes gets the full scan's verdict") {
  for (int a = 0; a < 256; ++a) {
    std::string one(1, static_cast<char>(a));
    REQUIRE(IsValidUtf8(one) == IsValidUtf8Scan(one));
    for (int b = 0; b < 256; ++b) {
      std::string two{static_cast<char>(a), static_cast<char>(b)};
      REQUIRE(IsValidUtf8(two) == IsValidUtf8Scan(two));
    }
  }
}

TEST_CASE("one non-ASCII byte anywhere in a short string is seen, at every length") {
  for (size_t n = 1; n <= 24; ++n) {
    for (size_t at = 0; at < n; ++at) {
      std::string s(n, 'a');
      s[at] = static_cast<char>(0x80);  // a lone continuation byte: invalid
      REQUIRE_FALSE(IsValidUtf8(s));
      s[at] = static_cast<char>(0xFF);
      REQUIRE_FALSE(IsValidUtf8(s));
    }
    CHECK(IsValidUtf8(std::string(n, 'a')));
  }
  CHECK(IsValidUtf8(""));
  CHECK(IsValidUtf8("h\xC3\xA9llo"));        // é
  CHECK_FALSE(IsValidUtf8("\xED\xA0\x80"));  // a surrogate
  CHECK_FALSE(IsValidUtf8("ab\xC0\xAF"));    // an overlong '/'
}

TEST_CASE("random short strings get the full scan's verdict") {
  std::mt19937_64 rng(5);
  for (int i = 0; i < 200000; ++i) {
    std::string s(rng() % 21, '\0');
    for (char& c : s) {
      uint64_t r = rng();
      c = static_cast<char>(r % 8 == 0 ? 0x80 | (r >> 8) % 128 : (r >> 8) % 128);
    }
    REQUIRE(IsValidUtf8(s) == IsValidUtf8Scan(s));
  }
}
