#include "store/token.h"

#include <cstring>

namespace amfgate {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr uint8_t kInvalid = 0xFF;

constexpr std::array<uint8_t, 256> MakeDecodeTable() {
  std::array<uint8_t, 256> table{};
  for (auto& v : table) v = kInvalid;
  for (uint8_t i = 0; i < 64; ++i) table[static_cast<unsigned char>(kAlphabet[i])] = i;
  return table;
}
constexpr std::array<uint8_t, 256> kDecode = MakeDecodeTable();

}  // namespace

bool IsBase64UrlChar(char c) { return kDecode[static_cast<unsigned char>(c)] != kInvalid; }

char Base64UrlDigit(uint8_t value) { return kAlphabet[value & 63]; }

size_t Base64UrlEncode(std::span<const uint8_t> in, std::span<char> out) {
  size_t o = 0;
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t v = (uint32_t{in[i]} << 16) | (uint32_t{in[i + 1]} << 8) | in[i + 2];
    out[o++] = kAlphabet[(v >> 18) & 63];
    out[o++] = kAlphabet[(v >> 12) & 63];
    out[o++] = kAlphabet[(v >> 6) & 63];
    out[o++] = kAlphabet[v & 63];
  }
  const size_t rest = in.size() - i;
  if (rest == 1) {
    uint32_t v = uint32_t{in[i]} << 16;
    out[o++] = kAlphabet[(v >> 18) & 63];
    out[o++] = kAlphabet[(v >> 12) & 63];
  } else if (rest == 2) {
    uint32_t v = (uint32_t{in[i]} << 16) | (uint32_t{in[i + 1]} << 8);
    out[o++] = kAlphabet[(v >> 18) & 63];
    out[o++] = kAlphabet[(v >> 12) & 63];
    out[o++] = kAlphabet[(v >> 6) & 63];
  }
  return o;
}

TokenText EncodeToken(const Token& token) {
  TokenText text;
  Base64UrlEncode(token.bytes, text.chars);
  return text;
}

// The parser works on 16 characters at a time with GCC/Clang vector
// extensions (SSE2 on x86-64, NEON on ARM): no table loads and four stores
// per token, so that consecutive lookups, each waiting on a cache miss, fit
// in the processor's reorder window together (see session_store.h, "Cost").
namespace {

using Chars = int8_t __attribute__((vector_size(16)));
using Bytes = uint8_t __attribute__((vector_size(16)));
using Pairs = uint16_t __attribute__((vector_size(16)));
using Quads = uint32_t __attribute__((vector_size(16)));

// True lanes where lo <= c < lo + n: c - lo + 128, taken as a signed byte, is
// below n - 128 exactly then (one add and one compare per range).
template <uint8_t kLo, uint8_t kCount>
Chars InRange(Bytes c) {
  return (Chars)(c + static_cast<uint8_t>(128 - kLo)) < static_cast<int8_t>(kCount - 128);
}

// Each character's 6-bit value, and in *valid a lane of all ones for each
// character of the base64url alphabet: the value is the character plus an
// offset chosen by its range.
[[gnu::always_inline]] inline Bytes DecodeChars(Bytes c, Chars* valid) {
  const Chars upper = InRange<'A', 26>(c);
  const Chars lower = InRange<'a', 26>(c);
  const Chars digit = InRange<'0', 10>(c);
  const Chars dash = (Chars)c == '-';
  const Chars underscore = (Chars)c == '_';
  *valid = upper | lower | digit | dash | underscore;
  const Chars offset = (upper & -'A') | (lower & (26 - 'a')) | (digit & (52 - '0')) |
                       (dash & (62 - '-')) | (underscore & (63 - '_'));
  return c + (Bytes)offset;
}

// Four 6-bit values per 32-bit lane (first character in the low byte) become
// one 24-bit group, first character in the high bits.
[[gnu::always_inline]] inline Quads Groups(Bytes values) {
  const Pairs pairs = (Pairs)values;
  const Quads twelve = (Quads)(((pairs & 0xFF) << 6) | (pairs >> 8));
  return ((twelve & 0xFFFF) << 12) | (twelve >> 16);
}

bool AllOnes(Chars valid) {
  uint64_t halves[2];
  std::memcpy(halves, &valid, sizeof(halves));
  return (halves[0] & halves[1]) == ~uint64_t{0};
}

void StoreBigEndian(uint64_t word, uint8_t* out) {
  word = __builtin_bswap64(word);
  std::memcpy(out, &word, sizeof(word));
}

}  // namespace

Result<Token> ParseToken(std::string_view text) {
  if (text.size() != kTokenTextLength) return Failure{Code::kMalformed, "token length", 0};
  // Characters 0-15, 16-31 and 27-42 (the last load overlaps the second, so
  // nothing past the text is read). All 43 characters are decoded before the
  // alphabet is judged, so the time taken does not depend on where a bad
  // character sits.
  Bytes chunks[3];
  std::memcpy(&chunks[0], text.data(), 16);
  std::memcpy(&chunks[1], text.data() + 16, 16);
  std::memcpy(&chunks[2], text.data() + 27, 16);
  Chars valid[3];
  const Quads a = Groups(DecodeChars(chunks[0], &valid[0]));
  const Quads b = Groups(DecodeChars(chunks[1], &valid[1]));
  // Characters 32-42 moved down to lanes 0-10, zeros after them: groups 8, 9
  // and the last three characters with a zero fourth.
  const Bytes tail = __builtin_shufflevector(DecodeChars(chunks[2], &valid[2]), Bytes{}, 5, 6, 7,
                                             8, 9, 10, 11, 12, 13, 14, 15, 16, 16, 16, 16, 16);
  const Quads c = Groups(tail);
  if (!AllOnes(valid[0] & valid[1] & valid[2])) return Failure{Code::kMalformed, "token alphabet", 0};
  // 43 = 10 * 4 + 3: the last three characters carry 16 bits and 2 bits that
  // must be zero, so every token has exactly one text.
  if ((c[2] & 0xC0) != 0) return Failure{Code::kMalformed, "token not canonical", kTokenTextLength - 1};
  // Ten 24-bit groups and the last 16 bits, as four big-endian words.
  const uint64_t g[11] = {a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3], c[0], c[1], c[2]};
  Token token;
  StoreBigEndian(g[0] << 40 | g[1] << 16 | g[2] >> 8, &token.bytes[0]);
  StoreBigEndian((g[2] & 0xFF) << 56 | g[3] << 32 | g[4] << 8 | g[5] >> 16, &token.bytes[8]);
  StoreBigEndian((g[5] & 0xFFFF) << 48 | g[6] << 24 | g[7], &token.bytes[16]);
  StoreBigEndian(g[8] << 40 | g[9] << 16 | g[10] >> 8, &token.bytes[24]);
  return token;
}

}  // namespace amfgate
