#include "store/token.h"

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

Result<Token> ParseToken(std::string_view text) {
  if (text.size() != kTokenTextLength) return Failure{Code::kMalformed, "token length", 0};
  Token token;
  // All 43 characters are decoded before the alphabet is judged, so the time
  // taken does not depend on where a bad character sits.
  uint8_t bad = 0;
  size_t o = 0;
  size_t i = 0;
  for (; i + 4 <= text.size(); i += 4) {
    uint8_t a = kDecode[static_cast<unsigned char>(text[i])];
    uint8_t b = kDecode[static_cast<unsigned char>(text[i + 1])];
    uint8_t c = kDecode[static_cast<unsigned char>(text[i + 2])];
    uint8_t d = kDecode[static_cast<unsigned char>(text[i + 3])];
    bad |= (a | b | c | d) & 0xC0;
    uint32_t v = (uint32_t{a} << 18) | (uint32_t{b} << 12) | (uint32_t{c} << 6) | d;
    token.bytes[o++] = static_cast<uint8_t>(v >> 16);
    token.bytes[o++] = static_cast<uint8_t>(v >> 8);
    token.bytes[o++] = static_cast<uint8_t>(v);
  }
  // 43 = 10 * 4 + 3: the last three characters carry 16 bits and 2 zero bits.
  uint8_t a = kDecode[static_cast<unsigned char>(text[i])];
  uint8_t b = kDecode[static_cast<unsigned char>(text[i + 1])];
  uint8_t c = kDecode[static_cast<unsigned char>(text[i + 2])];
  bad |= (a | b | c) & 0xC0;
  uint32_t v = (uint32_t{a} << 18) | (uint32_t{b} << 12) | (uint32_t{c} << 6);
  token.bytes[o++] = static_cast<uint8_t>(v >> 16);
  token.bytes[o++] = static_cast<uint8_t>(v >> 8);
  if (bad != 0) return Failure{Code::kMalformed, "token alphabet", 0};
  if ((c & 3) != 0) return Failure{Code::kMalformed, "token not canonical", kTokenTextLength - 1};
  return token;
}

}  // namespace amfgate
