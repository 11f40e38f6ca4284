// Tokens: the 32 random bytes behind every session id and alias, and their
// 43-character base64url text (RFC 4648 section 5, no padding).
//
// A token is two halves. The first 16 bytes are the *selector*: the store
// finds a record by a keyed hash of it. The last 16 bytes are the *secret*:
// the store keeps only a one-way digest of it and compares digests in
// constant time (see session_store.h for the threat model). Both halves are
// uniformly random, so the selector alone is also unguessable.
//
// Parsing is strict and happens before any lookup: exactly 43 characters from
// the base64url alphabet, and the last character must carry zero in its two
// unused low bits, so every token has exactly one text. Encoding and parsing
// cost a few nanoseconds and never allocate; TokenText keeps its characters
// inline.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/status.h"

namespace amfgate {

constexpr size_t kTokenBytes = 32;
constexpr size_t kSelectorBytes = 16;
constexpr size_t kSecretBytes = kTokenBytes - kSelectorBytes;
constexpr size_t kTokenTextLength = 43;  // ceil(32 * 8 / 6)

struct Token {
  std::array<uint8_t, kTokenBytes> bytes{};

  std::span<const uint8_t, kSelectorBytes> selector() const {
    return std::span<const uint8_t, kTokenBytes>(bytes).first<kSelectorBytes>();
  }
  std::span<const uint8_t, kSecretBytes> secret() const {
    return std::span<const uint8_t, kTokenBytes>(bytes).last<kSecretBytes>();
  }
};

// The wire form of a token, held inline (no allocation).
struct TokenText {
  std::array<char, kTokenTextLength> chars{};

  std::string_view view() const { return std::string_view(chars.data(), chars.size()); }
};

// A short keyed hash of a token's text, for logs (16 hex digits;
// see TokenKeys::Tag).
struct TokenTag {
  std::array<char, 16> chars{};
  std::string_view view() const { return std::string_view(chars.data(), chars.size()); }
};

TokenText EncodeToken(const Token& token);

// kMalformed for any length other than 43, any character outside the
// base64url alphabet, or a last character with non-zero unused bits.
Result<Token> ParseToken(std::string_view text);

// The decoders ParseToken chooses from: the first of kVbmi (AVX-512 VBMI,
// token_vbmi.h), kAvx2 and kPortable that the processor runs. All three have
// one contract; tests and the fuzzer check that they agree.
enum class TokenDecoder : uint8_t { kPortable, kAvx2, kVbmi };
bool HaveTokenDecoder(TokenDecoder decoder);
// ParseToken through `decoder`; kInternal where !HaveTokenDecoder(decoder).
Result<Token> ParseTokenWith(TokenDecoder decoder, std::string_view text);

// The same check into *token, as kOk or kMalformed: the store's lookups use
// it so that no Result<Token> is built and copied on their path.
[[nodiscard]] Code DecodeToken(std::string_view text, Token* token);

// Base64url without padding. `out` must hold Base64UrlLength(in.size())
// characters; returns the number written.
constexpr size_t Base64UrlLength(size_t bytes) { return (bytes * 8 + 5) / 6; }
size_t Base64UrlEncode(std::span<const uint8_t> in, std::span<char> out);

// True if `c` is one of the 64 base64url characters.
bool IsBase64UrlChar(char c);

// The base64url character for the low 6 bits of `value`.
char Base64UrlDigit(uint8_t value);

}  // namespace amfgate
