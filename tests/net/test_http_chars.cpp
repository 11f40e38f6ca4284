// The word-at-a-time header checks against byte-by-byte models: every byte
// value at every position of every length up to a few words, and seeded
// random strings, so that a wrong mask or a missed tail cannot hide.
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "net/http_chars.h"
#include "net/http_message.h"
#include "net/response_writer.h"

namespace amfgate {
namespace {

size_t ModelNonFieldByte(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    bool field = (c >= 0x20 && c != 0x7f) || c == '\t';
    if (!field) return i;
  }
  return s.size();
}

bool ModelEqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

TEST_CASE(
    "FindNonFieldByte finds every forbidden byte at every position and passes every allowed one") {
  for (size_t length = 1; length <= 27; ++length) {
    for (size_t at = 0; at < length; ++at) {
      for (int c = 0; c < 256; ++c) {
        std::string s(length, 'v');
        s[at] = static_cast<char>(c);
        REQUIRE(FindNonFieldByte(s) == ModelNonFieldByte(s));
        REQUIRE(IsFieldValue(s) == (ModelNonFieldByte(s) == s.size()));
      }
    }
  }
  // Two suspects in one word: the first one counts, HTAB is not one.
  CHECK(FindNonFieldByte("ab\tcd\x7f"
                         "ef\r\n") == 5);
  CHECK(FindNonFieldByte("abcdefgh\tij\x01") == 11);
  CHECK(FindNonFieldByte("") == 0);
}

TEST_CASE("FindNonFieldByte agrees with the model on seeded random strings") {
  std::mt19937 rng(7);
  for (int round = 0; round < 20000; ++round) {
    std::string s(rng() % 40, '\0');
    for (char& c : s) {
      // Mostly printable text, sometimes a byte from anywhere.
      c = static_cast<char>(rng() % 8 == 0 ? rng() % 256 : 0x20 + rng() % 0x60);
    }
    REQUIRE(FindNonFieldByte(s) == ModelNonFieldByte(s));
  }
}

size_t ModelNextControl(std::string_view s, size_t from) {
  for (size_t i = from; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return i;
  }
  return s.size();
}

TEST_CASE("FindControl agrees with the model on seeded random buffers, from every start") {
  std::mt19937 rng(11);
  for (int round = 0; round < 20000; ++round) {
    std::string s(rng() % 80, '\0');
    for (char& c : s) c = static_cast<char>(rng() % 6 == 0 ? rng() % 256 : 0x20 + rng() % 0x60);
    // As the head scanner asks: from a line's start, then past the hit.
    size_t from = rng() % 3;
    while (from <= s.size()) {
      size_t want = ModelNextControl(s, from);
      REQUIRE(from + FindControl(s.data() + from, s.size() - from) == want);
      from = want + 1 + rng() % 3;
    }
  }
}

TEST_CASE("EqualsIgnoreCase folds only ASCII letters, at every length and position") {
  for (size_t length = 0; length <= 27; ++length) {
    std::string base(length, 'x');
    for (size_t i = 0; i < length; ++i) base[i] = static_cast<char>('a' + (i * 7) % 26);
    std::string upper = base;
    for (char& c : upper) c = static_cast<char>(c - 32);
    REQUIRE(EqualsIgnoreCase(base, upper));
    for (size_t at = 0; at < length; ++at) {
      for (int c = 0; c < 256; ++c) {
        std::string other = upper;
        other[at] = static_cast<char>(c);
        REQUIRE(EqualsIgnoreCase(base, other) == ModelEqualsIgnoreCase(base, other));
        REQUIRE(EqualsIgnoreCase(other, base) == ModelEqualsIgnoreCase(other, base));
      }
    }
  }
  // '@' and '[' sit next to 'A' and 'Z', 0xC1 and 0xDA are 'A' and 'Z' with
  // the high bit set: none of them folds.
  CHECK_FALSE(EqualsIgnoreCase("@[", "`{"));
  CHECK_FALSE(EqualsIgnoreCase("\xc1\xda", "\xe1\xfa"));
  CHECK(EqualsIgnoreCase("Content-Security-Policy", "content-security-policy"));
  CHECK_FALSE(EqualsIgnoreCase("host", "hostt"));
}

TEST_CASE("IsHostByte allows reg-name, IP literal and port bytes only") {
  for (int c = 0; c < 256; ++c) {
    bool expected = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view("-._~!$&'()*+,;=:[]%").find(static_cast<char>(c)) !=
                        std::string_view::npos;
    REQUIRE(IsHostByte(static_cast<unsigned char>(c)) == expected);
  }
}

TEST_CASE("Response::Validate accepts what AddHeader wrote and refuses a broken line") {
  Response r;
  REQUIRE(r.AddHeader("Set-Cookie", "gsid=abc; Path=/; HttpOnly; SameSite=Strict") == Code::kOk);
  r.SetNoStore();
  REQUIRE(r.AddHeader("X-Tab", "a\tb") == Code::kOk);
  CHECK(r.Validate());
  CHECK(r.AddHeader("X-Bad", "a\rb") == Code::kInvalidArgument);
  CHECK(r.AddHeader("Bad Name", "v") == Code::kInvalidArgument);
  CHECK(r.AddHeader("Content-Length", "1") == Code::kInvalidArgument);
  CHECK(r.header_lines() ==
        "Set-Cookie: gsid=abc; Path=/; HttpOnly; SameSite=Strict\r\nCache-Control: "
        "no-store\r\nX-Tab: a\tb\r\n");
  CHECK(r.has_cache_control());
}

TEST_CASE(
    "WriteResponse writes the head in order, with the longest reason phrase and large numbers") {
  ResponsePolicy policy =
      ResponsePolicy::Make("no-referrer", 3600 * kSecond, "frame-ancestors 'self'").value();
  Response r;
  r.SetStatus(431);
  r.SetContentType("text/html; charset=utf-8");
  r.mutable_body().assign(123456, 'b');
  REQUIRE(r.AddHeader("X-One", "1") == Code::kOk);
  std::string out = "previous bytes|";
  size_t n = WriteResponse(r, ResponseFrame{false, false, true, 1}, policy, "Date: D\r\n", &out);
  std::string head =
      "HTTP/1.1 431 Request Header Fields Too Large\r\n"
      "Date: D\r\n"
      "Content-Type: text/html; charset=utf-8\r\n"
      "Content-Length: 123456\r\n"
      "Connection: close\r\n"
      "X-Content-Type-Options: nosniff\r\n"
      "Referrer-Policy: no-referrer\r\n"
      "Strict-Transport-Security: max-age=3600\r\n"
      "Content-Security-Policy: frame-ancestors 'self'\r\n"
      "X-One: 1\r\n"
      "\r\n";
  CHECK(n == head.size() + 123456);
  CHECK(out == "previous bytes|" + head + std::string(123456, 'b'));

  // A default (null) date view and a default policy write nothing for them.
  out.clear();
  WriteResponse(r, ResponseFrame{true, true, false, 1}, ResponsePolicy(), std::string_view(), &out);
  CHECK(out.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: "));

  // HEAD and 304: the head only; HTTP/1.0 keep-alive says so.
  Response empty;
  empty.SetStatus(304);
  out.clear();
  WriteResponse(empty, ResponseFrame{true, true, false, 0}, policy, "Date: D\r\n", &out);
  CHECK(out ==
        "HTTP/1.1 304 Not Modified\r\nDate: D\r\nConnection: keep-alive\r\n"
        "X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n\r\n");
}

}  // namespace
}  // namespace amfgate
