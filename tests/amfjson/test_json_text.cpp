#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include "amf/json_text.h"

using namespace amfgate;
using amfgate::json::Type;

namespace {

json::Value MustParse(std::string_view text) {
  json::Value v;
  Status s = json::Parse(text, &v);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return v;
}

std::string ParseError(std::string_view text, size_t max_depth = json::kDefaultMaxDepth) {
  json::Value v;
  Status s = json::Parse(text, &v, max_depth);
  CHECK_FALSE(s.ok());
  return s.message();
}

}  // namespace

TEST_CASE("parsed members keep their order and duplicates, and numbers keep their token") {
  json::Value v = MustParse(R"({"b": 1, "a": [true, null, "x"], "b": -0.50e+2})");
  REQUIRE(v.is(Type::kObject));
  REQUIRE(v.members().size() == 3);
  CHECK(v.members()[0].key == "b");
  CHECK(v.members()[1].key == "a");
  CHECK(v.members()[2].value.text() == "-0.50e+2");
  CHECK(v.Find("b")->text() == "1");
  CHECK(v.Find("a")->items().size() == 3);
  CHECK(v.Find("a")->items()[0].boolean());
  CHECK(v.Find("a")->items()[1].is(Type::kNull));
  CHECK(v.Find("zz") == nullptr);
}

TEST_CASE("serialize then parse gives the same tree, pretty or compact") {
  json::Value v =
      MustParse(R"({"version": 3, "list": [{"int": 5}, {"double": 0.1}, "s\"\\\n", [], {}],)"
                R"( "nested": {"deep": [[1, 2], {"k": "v"}], "long": ")" +
                std::string(100, 'x') + R"("}})");
  CHECK(MustParse(json::Serialize(v, true)) == v);
  CHECK(MustParse(json::Serialize(v, false)) == v);
}

TEST_CASE("errors name the line and column of the first problem") {
  CHECK(ParseError("{\n  \"a\": 1,\n  \"b\" 2\n}") ==
        "line 3, column 7: expected ':' after a member name");
  CHECK(ParseError("[1, 2,]") == "line 1, column 7: expected a value");
  CHECK(ParseError("") == "line 1, column 1: unexpected end of input, expected a value");
  CHECK(ParseError("{} x") == "line 1, column 4: unexpected text after the JSON value");
  CHECK(ParseError("[01]").find("leading zeros") != std::string::npos);
  CHECK(ParseError("[1.]").find("after '.'") != std::string::npos);
  CHECK(ParseError("[1e]").find("exponent") != std::string::npos);
  CHECK(ParseError("[tru]").find("literal") != std::string::npos);
  CHECK(ParseError("\"abc").find("unterminated") != std::string::npos);
  CHECK(ParseError("{\"a\":1 \"b\":2}").find("',' or '}'") != std::string::npos);
  CHECK(ParseError("{1:2}").find("member name") != std::string::npos);
}

TEST_CASE("strings reject raw control characters, bad escapes, lone surrogates and bad UTF-8") {
  CHECK(ParseError("\"a\tb\"").find("control character") != std::string::npos);
  CHECK(ParseError("\"\\x41\"").find("unknown escape") != std::string::npos);
  CHECK(ParseError("\"\\ud83d\"").find("high surrogate") != std::string::npos);
  CHECK(ParseError("\"\\ud83dx\"").find("high surrogate") != std::string::npos);
  CHECK(ParseError("\"\\ude00\"").find("low surrogate") != std::string::npos);
  CHECK(ParseError("\"\\u12g4\"").find("hex digits") != std::string::npos);
  CHECK(ParseError("\"\xff\"").find("UTF-8") != std::string::npos);
  CHECK(ParseError("\"\xc0\x80\"").find("UTF-8") != std::string::npos);      // overlong NUL
  CHECK(ParseError("\"\xed\xa0\x80\"").find("UTF-8") != std::string::npos);  // encoded surrogate
  CHECK(ParseError("\"\xf4\x90\x80\x80\"").find("UTF-8") != std::string::npos);  // > U+10FFFF
}

TEST_CASE("escapes decode to UTF-8 and serialization writes ASCII with surrogate pairs") {
  json::Value v = MustParse(R"(["\ud83d\ude00", "\u00e9\u0000\u001f", "\/"])");
  CHECK(v.items()[0].text() == "\xF0\x9F\x98\x80");
  CHECK(v.items()[1].text() == std::string("\xC3\xA9\0\x1F", 4));
  CHECK(v.items()[2].text() == "/");
  std::string out = json::Serialize(v, false);
  CHECK(out == R"(["\ud83d\ude00", "\u00e9\u0000\u001f", "/"])");
  for (char c : out) CHECK(static_cast<unsigned char>(c) < 0x80);
  CHECK(json::Serialize(json::Value::String("\x7f\xE2\x80\xA8"), false) == R"("\u007f\u2028")");
}

TEST_CASE("nesting is bounded: a million open brackets is an error, not a crash") {
  std::string deep(1000000, '[');
  CHECK(ParseError(deep).find("nesting too deep") != std::string::npos);
  std::string ok = std::string(10, '[') + std::string(10, ']');
  json::Value v;
  CHECK(json::Parse(ok, &v, 10).ok());
  CHECK_FALSE(json::Parse("[" + ok + "]", &v, 10).ok());
}

TEST_CASE("doubles print in the shortest form that reads back to the same bits") {
  CHECK(json::FormatDouble(1.0) == "1.0");
  CHECK(json::FormatDouble(0.1) == "0.1");
  CHECK(json::FormatDouble(-0.0) == "-0.0");
  CHECK(json::FormatDouble(0.2) == "0.2");
  CHECK(json::FormatDouble(1.23456789) == "1.23456789");
  CHECK(json::FormatDouble(1e21) == "1e+21");
  CHECK(json::FormatDouble(5e-324) == "5e-324");
  CHECK(json::FormatDouble(1111111111000.0) == "1111111111000.0");
  std::mt19937_64 rng(20240501);
  for (int i = 0; i < 100000; ++i) {
    uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    if (!std::isfinite(d)) continue;
    std::string text = json::FormatDouble(d);
    double back = 0;
    REQUIRE(json::TokenToDouble(text, &back));
    uint64_t back_bits;
    std::memcpy(&back_bits, &back, sizeof back);
    REQUIRE(back_bits == bits);
    json::Value v;
    REQUIRE(json::Parse(text, &v).ok());  // and it is a valid JSON number
  }
}

TEST_CASE("number tokens convert exactly or not at all") {
  int64_t n = 0;
  CHECK(json::TokenToInt64("-268435456", &n));
  CHECK(n == -268435456);
  CHECK_FALSE(json::TokenToInt64("1.0", &n));
  CHECK_FALSE(json::TokenToInt64("99999999999999999999", &n));
  double d = 0;
  CHECK(json::TokenToDouble("-0.50e+2", &d));
  CHECK(d == -50.0);
  CHECK(json::TokenToDouble("1e400", &d) == false);
}
