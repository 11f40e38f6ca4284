// core/base64.h: the strict decoder every base64 input goes through.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <string_view>

#include "core/base64.h"

namespace amfgate {
namespace {

std::optional<std::string> Decode(std::string_view text) {
  std::string out(Base64DecodedCapacity(text.size()), '\0');
  std::optional<size_t> n = DecodeBase64Strict(text, out.data());
  if (!n) return std::nullopt;
  REQUIRE(*n <= out.size());
  out.resize(*n);
  return out;
}

TEST_CASE("strict base64 decodes canonical text with zero, one or two padding characters") {
  CHECK(Decode("").value().empty());
  CHECK(Decode("QUJD").value() == "ABC");
  CHECK(Decode("QUI=").value() == "AB");
  CHECK(Decode("QQ==").value() == "A");
  CHECK(Decode("+/+/").value() == "\xfb\xff\xbf");
}

TEST_CASE("strict base64 rejects non-zero bits under the padding") {
  CHECK_FALSE(Decode("QUJ=").has_value());
  CHECK_FALSE(Decode("QR==").has_value());
  CHECK_FALSE(Decode("QS==").has_value());
}

TEST_CASE("strict base64 rejects bad lengths, characters and misplaced padding") {
  for (const char* bad : {"Q", "QQ", "QQ=", "QUJDR", "Q===", "====", "QQ==QUJD", "Q=Q=", "QU=D",
                          "QUJ\n", "QU-_", "QUJD "}) {
    CAPTURE(bad);
    CHECK_FALSE(Decode(bad).has_value());
  }
}

}  // namespace
}  // namespace amfgate
