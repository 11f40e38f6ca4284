#include <doctest/doctest.h>

#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "store/random.h"
#include "store/token.h"
#include "store/token_keys.h"
#include "store_test_util.h"

using namespace amfgate;

TEST_CASE("a token encodes to 43 base64url characters and parses back to the same bytes") {
  Token token;
  for (size_t i = 0; i < token.bytes.size(); ++i)
    token.bytes[i] = static_cast<uint8_t>(i * 37 + 11);
  TokenText text = EncodeToken(token);
  REQUIRE(text.view().size() == kTokenTextLength);
  for (char c : text.view()) CHECK(IsBase64UrlChar(c));
  Result<Token> parsed = ParseToken(text.view());
  REQUIRE(parsed.ok());
  CHECK(parsed->bytes == token.bytes);

  Token zeros;
  CHECK(EncodeToken(zeros).view() == std::string(43, 'A'));
  Token ones;
  ones.bytes.fill(0xFF);
  CHECK(EncodeToken(ones).view() == std::string(42, '_') + "8");
}

TEST_CASE("malformed token texts are rejected by the parser") {
  const std::string good(EncodeToken(Token{}).view());
  CHECK(ParseToken("").code() == Code::kMalformed);
  CHECK(ParseToken(good.substr(0, 42)).code() == Code::kMalformed);
  CHECK(ParseToken(good + "A").code() == Code::kMalformed);
  for (size_t pos : {size_t{0}, size_t{20}, size_t{41}, size_t{42}}) {
    for (char bad : {'+', '/', '=', '.', ' ', '\0', '\x80', '\xff'}) {
      std::string text = good;
      text[pos] = bad;
      CHECK_MESSAGE(ParseToken(text).code() == Code::kMalformed, "pos ", pos, " char ", int(bad));
    }
  }
  // The last character carries two unused bits that must be zero: "B" sets one.
  std::string non_canonical = good;
  non_canonical[42] = 'B';
  CHECK(ParseToken(non_canonical).code() == Code::kMalformed);
  non_canonical[42] = 'E';  // 4 = 0b000100: the lowest used bit, canonical
  CHECK(ParseToken(non_canonical).ok());
}

constexpr TokenDecoder kDecoders[] = {TokenDecoder::kPortable, TokenDecoder::kAvx2,
                                      TokenDecoder::kVbmi};

TEST_CASE("the portable decoder runs everywhere") {
  CHECK(HaveTokenDecoder(TokenDecoder::kPortable));
}

TEST_CASE(
    "every byte value at every position parses exactly when it is base64url, in every decoder") {
  // Each position of the text, each of the 256 byte values: the parser must
  // agree with the alphabet (and, in the last position, with the two unused
  // bits), and a text it accepts must be the encoding of what it returns, so
  // every bit lands in the right place.
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  Token base;
  for (size_t i = 0; i < base.bytes.size(); ++i) base.bytes[i] = static_cast<uint8_t>(i * 91 + 7);
  const std::string good(EncodeToken(base).view());
  for (size_t pos = 0; pos < kTokenTextLength; ++pos) {
    for (int value = 0; value < 256; ++value) {
      std::string text = good;
      text[pos] = static_cast<char>(value);
      const size_t digit = kAlphabet.find(text[pos]);
      const bool accepted =
          digit != std::string_view::npos && (pos != kTokenTextLength - 1 || digit % 4 == 0);
      // The parser this processor uses, and each decoder it can run.
      CHECK(ParseToken(text).ok() == accepted);
      for (TokenDecoder decoder : kDecoders) {
        if (!HaveTokenDecoder(decoder)) continue;
        Result<Token> parsed = ParseTokenWith(decoder, text);
        CHECK_MESSAGE(parsed.ok() == accepted, "decoder ", int(decoder), " pos ", pos, " byte ",
                      value);
        if (parsed.ok()) CHECK(EncodeToken(*parsed).view() == text);
        if (!parsed.ok()) CHECK(parsed.code() == Code::kMalformed);
      }
    }
  }
}

TEST_CASE("Present hashes and digests a token text as SelectorHash and Digest do its bytes") {
  // Records are filed under SelectorHash and Digest of the DRBG's bytes and
  // found through Present of the text (inline AVX-512 VBMI where the
  // processor has it): both must agree bit for bit.
  std::unique_ptr<Random> random;
  REQUIRE(Random::Open("amfgate test", &random).ok());
  TokenKeys keys;
  REQUIRE(keys.Init(*random).ok());
  for (int i = 0; i < 1000; ++i) {
    Result<Token> token = random->NewToken();
    REQUIRE(token.ok());
    const TokenText text = EncodeToken(*token);
    uint64_t hash = 0;
    SecretDigest digest{};
    REQUIRE(keys.Present(text.view(), &hash, &digest) == Code::kOk);
    CHECK(hash == keys.SelectorHash(token->selector()));
    CHECK(digest == keys.Digest(token->secret()));
    // One character off the alphabet, anywhere: malformed, like DecodeToken.
    std::string bad(text.view());
    bad[static_cast<size_t>(i) % bad.size()] = '=';
    CHECK(keys.Present(bad, &hash, &digest) == Code::kMalformed);
    CHECK(keys.Present(bad.substr(1), &hash, &digest) == Code::kMalformed);
  }
}

TEST_CASE("base64url encodes every length like RFC 4648 without padding") {
  const uint8_t f[] = {'f', 'o', 'o', 'b', 'a', 'r'};
  const char* expected[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
  for (size_t n = 0; n <= 6; ++n) {
    char out[16] = {};
    size_t written = Base64UrlEncode(std::span<const uint8_t>(f, n), out);
    CHECK(written == Base64UrlLength(n));
    CHECK(std::string(out, written) == expected[n]);
  }
  const uint8_t high[] = {0xFB, 0xFF};
  char out[4] = {};
  CHECK(std::string(out, Base64UrlEncode(high, out)) == "-_8");
}

TEST_CASE("100,000 generated tokens are distinct and well-formed") {
  auto random = testing::OpenRandom();
  std::set<std::string> seen;
  for (int i = 0; i < 100000; ++i) {
    Result<TokenText> text = random->NewTokenText();
    REQUIRE(text.ok());
    REQUIRE(ParseToken(text->view()).ok());
    seen.emplace(text->view());
  }
  CHECK(seen.size() == 100000);
}

TEST_CASE("random base64url strings use the whole alphabet") {
  auto random = testing::OpenRandom();
  std::string name(22000, '\0');
  REQUIRE(random->RandomBase64Url(std::span<char>(name.data(), name.size())) == Code::kOk);
  std::set<char> used(name.begin(), name.end());
  CHECK(used.size() == 64);
  for (char c : used) CHECK(IsBase64UrlChar(c));
}

namespace {

int FailingSource(void*, unsigned char*, size_t, size_t* produced) {
  *produced = 0;
  return -1;
}

int CountingSource(void* data, unsigned char* out, size_t length, size_t* produced) {
  ++*static_cast<int*>(data);
  for (size_t i = 0; i < length; ++i) out[i] = static_cast<unsigned char>(i);
  *produced = length;
  return 0;
}

// Counts its polls and fails once told to.
struct SwitchableSource {
  int polls = 0;
  bool failing = false;
};

int Switchable(void* data, unsigned char* out, size_t length, size_t* produced) {
  auto* source = static_cast<SwitchableSource*>(data);
  ++source->polls;
  if (source->failing) return FailingSource(data, out, length, produced);
  return CountingSource(&source->polls, out, length, produced);
}

}  // namespace

TEST_CASE("a DRBG whose entropy source fails does not start") {
  EntropySource failing{FailingSource, nullptr};
  std::unique_ptr<Random> random;
  Status s = Random::Open("amfgate test", &random, &failing);
  CHECK_FALSE(s.ok());
  CHECK(s.code() == Code::kInternal);
  CHECK(s.message().find("seeding") != std::string::npos);
  CHECK(random == nullptr);
}

TEST_CASE("an extra entropy source is polled when the DRBG seeds") {
  int polls = 0;
  EntropySource counting{CountingSource, &polls};
  std::unique_ptr<Random> random;
  REQUIRE(Random::Open("amfgate test", &random, &counting).ok());
  CHECK(polls > 0);
  uint8_t bytes[3000];
  CHECK(random->RandomBytes(bytes) == Code::kOk);  // more than one DRBG request
}

TEST_CASE("small requests still reseed the DRBG, and a failed reseed fails the request") {
  SwitchableSource source;
  std::unique_ptr<Random> random;
  const EntropySource switchable{Switchable, &source};
  REQUIRE(Random::Open("amfgate test", &random, &switchable).ok());
  const int seeded = source.polls;
  // 10,000 tokens' worth of 32-byte requests, served from the pool, must
  // reach the DRBG's reseed interval (about 320 KB of output) at least once.
  uint8_t token[32];
  for (int i = 0; i < 11000; ++i) REQUIRE(random->RandomBytes(token) == Code::kOk);
  CHECK(source.polls > seeded);

  source.failing = true;
  int served = 0;
  while (served < 20000 && random->RandomBytes(token) == Code::kOk) ++served;
  CHECK(served < 11000);                                 // within one reseed interval
  CHECK(random->RandomBytes(token) == Code::kInternal);  // and it stays failed
  uint8_t big[3000];
  CHECK(random->RandomBytes(big) == Code::kInternal);
}
