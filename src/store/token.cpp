#include "store/token.h"

#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "store/token_vbmi.h"

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

// Constants as whole vectors, so that the compiler loads each from memory
// instead of broadcasting a scalar every time.
constexpr Chars Splat(int v) {
  const auto b = static_cast<int8_t>(v);
  return Chars{b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b};
}

// True lanes where lo <= c < lo + n: c - lo + 128, taken as a signed byte, is
// below n - 128 exactly then (one add and one compare per range).
template <uint8_t kLo, uint8_t kCount>
[[gnu::always_inline]] inline Chars InRange(Chars c) {
  return (Chars)((Bytes)c + (Bytes)Splat(128 - kLo)) < Splat(kCount - 128);
}

// Each character's 6-bit value, and in *valid a lane of all ones for each
// character of the base64url alphabet: the value is the character plus an
// offset chosen by its range.
[[gnu::always_inline]] inline Bytes DecodeChars(Bytes bytes, Chars* valid) {
  const Chars c = (Chars)bytes;
  const Chars upper = InRange<'A', 26>(c);
  const Chars lower = InRange<'a', 26>(c);
  const Chars digit = InRange<'0', 10>(c);
  const Chars dash = c == Splat('-');
  const Chars underscore = c == Splat('_');
  *valid = upper | lower | digit | dash | underscore;
  const Chars offset = (upper & Splat(-'A')) | (lower & Splat(26 - 'a')) |
                       (digit & Splat(52 - '0')) | (dash & Splat(62 - '-')) |
                       (underscore & Splat(63 - '_'));
  return bytes + (Bytes)offset;
}

// Four 6-bit values per 32-bit lane (first character in the low byte) become
// one 24-bit group, first character in the high bits.
[[gnu::always_inline]] inline Quads Groups(Bytes values) {
  const Pairs pairs = (Pairs)values;
  const Quads twelve = (Quads)(((pairs & 0xFF) << 6) | (pairs >> 8));
  return ((twelve & 0xFFFF) << 12) | (twelve >> 16);
}

// The 24-bit groups' bytes, most significant first, in lanes 0-11.
[[gnu::always_inline]] inline Bytes GroupBytes(Quads groups) {
  return __builtin_shufflevector((Bytes)groups, (Bytes)groups, 2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13,
                                 12, 3, 7, 11, 15);
}

using Verdict = TokenVerdict;

// Characters 0-15, 16-31 and 27-42 (the last load overlaps the second, so
// nothing past the text is read) give 12, 12 and 8 bytes, put together in
// registers and stored as the two halves the lookup then reads: exactly one
// 16-byte store per 16-byte load. (Overlapping partial stores made those
// loads miss store forwarding and wait for the stores to retire, which sat
// behind the previous lookup's cache miss: consecutive lookups could not
// overlap at all.) All 43 characters are decoded
// before the alphabet is judged, so the time taken does not depend on where
// a bad character sits. Three versions with one contract: this portable
// one, the AVX2 one below and the AVX-512 VBMI one (token_vbmi.h);
// PickDecoder takes the fastest the processor runs.
Verdict DecodePortable(const char* text, uint8_t* out) {
  Bytes chunks[3];
  std::memcpy(&chunks[0], text, 16);
  std::memcpy(&chunks[1], text + 16, 16);
  std::memcpy(&chunks[2], text + 27, 16);
  Chars valid[3];
  const Bytes first = GroupBytes(Groups(DecodeChars(chunks[0], &valid[0])));
  const Bytes second = GroupBytes(Groups(DecodeChars(chunks[1], &valid[1])));
  // Characters 32-42 moved down to lanes 0-10, zeros after them: groups 8, 9
  // and the last three characters with a zero fourth.
  const Bytes tail = __builtin_shufflevector(DecodeChars(chunks[2], &valid[2]), Bytes{}, 5, 6, 7, 8,
                                             9, 10, 11, 12, 13, 14, 15, 16, 16, 16, 16, 16);
  const Quads last = Groups(tail);
  const Bytes third = GroupBytes(last);
  const Chars all = valid[0] & valid[1] & valid[2];
  uint64_t halves[2];
  std::memcpy(halves, &all, sizeof(halves));
  if ((halves[0] & halves[1]) != ~uint64_t{0}) return Verdict::kAlphabet;
  // 43 = 10 * 4 + 3: the last three characters carry 16 bits and 2 bits that
  // must be zero, so every token has exactly one text.
  if ((last[2] & 0xC0) != 0) return Verdict::kNotCanonical;
  const Bytes selector =
      __builtin_shufflevector(first, second, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19);
  const Bytes secret = __builtin_shufflevector(second, third, 4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18,
                                               19, 20, 21, 22, 23);
  std::memcpy(out, &selector, 16);
  std::memcpy(out + 16, &secret, 16);
  return Verdict::kOk;
}

#if defined(__x86_64__)
// The same with byte-table lookups (PSHUFB) on each character's nibbles, in
// about 70 instructions instead of 170: the fewer a lookup issues, the more
// consecutive lookups overlap their cache misses (session_store.h, "Cost").
//   Validity: a character is invalid when kInvalidByLow[low nibble] and
//   kClassOfHigh[high nibble] share a bit: each bit is one high nibble (or
//   group of them) and marks the low nibbles that are not in the alphabet
//   with it.
//   Value: the character plus an offset chosen by its high nibble, and one
//   exception ('_', which shares its high nibble with 'P'-'Z').
#define AMFGATE_AVX2 [[gnu::target("avx2"), gnu::always_inline]] inline

// 6-bit values of 16 characters; marks invalid ones in *bad.
// Bits of the validity tables: 1 never valid (0x00-0x1F, 0x80-0xFF); 2 =
// 0x2_, only '-' (D); 4 = 0x3_, digits 0-9; 8 = 0x4_ and 0x6_, letters from
// 1; 16 = 0x5_, letters to A and '_' (F); 32 = 0x7_, letters to A.
AMFGATE_AVX2 __m128i Values(__m128i c, __m128i* bad) {
  const __m128i invalid_by_low =
      _mm_setr_epi8(1 | 2 | 8, 1 | 2, 1 | 2, 1 | 2, 1 | 2, 1 | 2, 1 | 2, 1 | 2, 1 | 2, 1 | 2,
                    1 | 2 | 4, 1 | 2 | 4 | 16 | 32, 1 | 2 | 4 | 16 | 32, 1 | 4 | 16 | 32,
                    1 | 2 | 4 | 16 | 32, 1 | 2 | 4 | 32);
  const __m128i class_of_high = _mm_setr_epi8(1, 1, 2, 4, 8, 16, 8, 32, 1, 1, 1, 1, 1, 1, 1, 1);
  const __m128i offset_by_high = _mm_setr_epi8(0, 0, 62 - '-', 52 - '0', -'A', -'A', 26 - 'a',
                                               26 - 'a', 0, 0, 0, 0, 0, 0, 0, 0);
  const __m128i nibble = _mm_set1_epi8(0x0F);
  const __m128i high = _mm_and_si128(_mm_srli_epi32(c, 4), nibble);
  const __m128i low = _mm_and_si128(c, nibble);
  *bad = _mm_or_si128(*bad, _mm_and_si128(_mm_shuffle_epi8(invalid_by_low, low),
                                          _mm_shuffle_epi8(class_of_high, high)));
  // '_' got the offset of 'P'-'Z'.
  const __m128i fix =
      _mm_and_si128(_mm_cmpeq_epi8(c, _mm_set1_epi8('_')), _mm_set1_epi8((63 - '_') - (-'A')));
  return _mm_add_epi8(c, _mm_add_epi8(_mm_shuffle_epi8(offset_by_high, high), fix));
}

// Four values per 32-bit lane become one 24-bit group, as Groups() does:
// first * 64 + second in 16 bits, then first pair * 4096 + second pair.
AMFGATE_AVX2 __m128i Groups24(__m128i values) {
  return _mm_madd_epi16(_mm_maddubs_epi16(values, _mm_set1_epi16(0x0140)),
                        _mm_set1_epi32(0x00011000));
}

// The groups' bytes, most significant first, in lanes 0-11.
AMFGATE_AVX2 __m128i Bytes24(__m128i groups) {
  return _mm_shuffle_epi8(groups,
                          _mm_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1));
}

[[gnu::target("avx2")]] Verdict DecodeAvx2(const char* text, uint8_t* out) {
  __m128i bad = _mm_setzero_si128();
  const __m128i first =
      Groups24(Values(_mm_loadu_si128(reinterpret_cast<const __m128i*>(text)), &bad));
  const __m128i second =
      Groups24(Values(_mm_loadu_si128(reinterpret_cast<const __m128i*>(text + 16)), &bad));
  // Characters 27-42, judged as loaded; their values moved down five lanes
  // (characters 32-42, then zeros) make groups 8, 9 and the last three
  // characters with a zero fourth.
  const __m128i tail = Values(_mm_loadu_si128(reinterpret_cast<const __m128i*>(text + 27)), &bad);
  const __m128i last = Groups24(_mm_srli_si128(tail, 5));
  if (!_mm_testz_si128(bad, bad)) return Verdict::kAlphabet;
  if ((_mm_extract_epi32(last, 2) & 0xC0) != 0) return Verdict::kNotCanonical;
  // Lanes 12-15 of each are zero (Bytes24), so ORs put the pieces together.
  const __m128i middle = Bytes24(second);
  const __m128i selector = _mm_or_si128(Bytes24(first), _mm_slli_si128(middle, 12));
  const __m128i secret = _mm_or_si128(_mm_srli_si128(middle, 4), _mm_slli_si128(Bytes24(last), 8));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), selector);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 16), secret);
  return Verdict::kOk;
}
#endif

#if defined(__x86_64__)
[[AMFGATE_VBMI_TARGET]] Verdict DecodeVbmi(const char* text, uint8_t* out) {
  vbmi::Halves halves;
  const Verdict verdict = vbmi::Decode(text, &halves);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), halves.selector);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 16), halves.secret);
  return verdict;
}
#endif

using Decoder = Verdict (*)(const char*, uint8_t*);

// The decoder of each TokenDecoder, or null where this processor lacks it.
Decoder DecoderOf(TokenDecoder which) {
#if defined(__x86_64__)
  __builtin_cpu_init();  // needed before main, where this runs
  if (which == TokenDecoder::kVbmi) return vbmi::HaveVbmi() ? DecodeVbmi : nullptr;
  if (which == TokenDecoder::kAvx2) return __builtin_cpu_supports("avx2") ? DecodeAvx2 : nullptr;
#else
  if (which != TokenDecoder::kPortable) return nullptr;
#endif
  return DecodePortable;
}

// The fastest, chosen once before main: a parse makes one indirect call.
Decoder PickDecoder() {
  for (TokenDecoder which : {TokenDecoder::kVbmi, TokenDecoder::kAvx2}) {
    if (Decoder decoder = DecoderOf(which)) return decoder;
  }
  return DecodePortable;
}
const Decoder kDecoder = PickDecoder();

Result<Token> ParseWith(Decoder decode, std::string_view text) {
  if (text.size() != kTokenTextLength) return Failure{Code::kMalformed, "token length", 0};
  Token token;
  switch (decode(text.data(), token.bytes.data())) {
    case Verdict::kOk:
      return token;
    case Verdict::kAlphabet:
      return Failure{Code::kMalformed, "token alphabet", 0};
    case Verdict::kNotCanonical:
      return Failure{Code::kMalformed, "token not canonical", kTokenTextLength - 1};
  }
  return Failure{Code::kMalformed, "token alphabet", 0};
}

}  // namespace

Result<Token> ParseToken(std::string_view text) { return ParseWith(kDecoder, text); }

bool HaveTokenDecoder(TokenDecoder decoder) { return DecoderOf(decoder) != nullptr; }

Result<Token> ParseTokenWith(TokenDecoder decoder, std::string_view text) {
  const Decoder decode = DecoderOf(decoder);
  if (decode == nullptr) return Failure{Code::kInternal, "decoder not supported here", 0};
  return ParseWith(decode, text);
}

Code DecodeToken(std::string_view text, Token* token) {
  if (text.size() != kTokenTextLength) return Code::kMalformed;
  return kDecoder(text.data(), token->bytes.data()) == Verdict::kOk ? Code::kOk : Code::kMalformed;
}

}  // namespace amfgate
