// The token decoder for x86-64 processors with AVX-512 VBMI (Ice Lake and
// later, Zen 4): the whole 43-character text in one masked load, every
// character's value and validity from one two-table byte permute (VPERMI2B
// over the 128 ASCII codes), the 6-bit values packed into bytes by two
// multiply-adds and one more permute. About 20 instructions against ~80 for
// the AVX2 decoder (token.cpp), and the two halves stay in registers.
//
// Inline so that the store's lookup path (TokenKeys::Present) hashes and
// digests the halves without a call or a trip through memory; token.cpp
// uses it for ParseToken. Callers must be compiled for AMFGATE_VBMI_TARGET
// and run it only where HaveVbmi() holds. The masked load reads nothing past
// the 43 characters.
#pragma once

#include <array>
#include <cstdint>

namespace amfgate {

// What every token decoder (here and in token.cpp) says of a text.
enum class TokenVerdict : uint8_t { kOk, kAlphabet, kNotCanonical };

}  // namespace amfgate

#if defined(__x86_64__)
#include <immintrin.h>

#define AMFGATE_VBMI_TARGET gnu::target("avx512f,avx512bw,avx512vl,avx512vbmi,aes")

namespace amfgate {
namespace vbmi {

// The processor and the OS (its saved vector state) support the decoder.
inline bool HaveVbmi() {
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vbmi") &&
         __builtin_cpu_supports("aes");
}

// Each ASCII code's 6-bit value, or 0x80 outside the base64url alphabet.
constexpr std::array<uint8_t, 128> MakeValues() {
  constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::array<uint8_t, 128> values{};
  for (auto& v : values) v = 0x80;
  for (uint8_t i = 0; i < 64; ++i) values[static_cast<unsigned char>(kAlphabet[i])] = i;
  return values;
}
alignas(64) inline constexpr std::array<uint8_t, 128> kValues = MakeValues();

// Output byte j of the 32 is byte 2 - j % 3 (most significant first) of the
// 24-bit group j / 3, each group in a 32-bit lane.
constexpr std::array<uint8_t, 64> MakeGather() {
  std::array<uint8_t, 64> gather{};
  for (int j = 0; j < 32; ++j) gather[j] = static_cast<uint8_t>(j / 3 * 4 + 2 - j % 3);
  return gather;
}
alignas(64) inline constexpr std::array<uint8_t, 64> kGather = MakeGather();

struct Halves {
  __m128i selector;
  __m128i secret;
};

// Decodes exactly 43 characters at `text`. Every character is judged before
// the verdict, so its time does not depend on where a bad one sits.
[[AMFGATE_VBMI_TARGET, gnu::always_inline]] inline TokenVerdict Decode(const char* text,
                                                                       Halves* out) {
  constexpr __mmask64 kChars = (uint64_t{1} << 43) - 1;
  const __m512i chars = _mm512_maskz_loadu_epi8(kChars, text);
  const __m512i low = _mm512_load_si512(kValues.data());
  const __m512i high = _mm512_load_si512(kValues.data() + 64);
  // Lanes past the text are zero in both, so only the text is judged.
  const __m512i values = _mm512_maskz_permutex2var_epi8(kChars, low, chars, high);
  const __mmask64 bad =
      _mm512_test_epi8_mask(_mm512_or_si512(values, chars), _mm512_set1_epi8(-128));
  // first * 64 + second per 16 bits, then first pair * 4096 + second pair
  // per 32: ten whole groups and the last three characters with a zero fourth.
  const __m512i pairs = _mm512_maddubs_epi16(values, _mm512_set1_epi16(0x0140));
  const __m512i groups = _mm512_madd_epi16(pairs, _mm512_set1_epi32(0x00011000));
  // 43 = 10 * 4 + 3: the last group's low byte holds the two unused bits of
  // the last character, which must be zero so that every token has one text.
  const __mmask64 loose = _mm512_mask_test_epi8_mask(uint64_t{1} << 40, groups,
                                                     _mm512_set1_epi8(static_cast<char>(0xC0)));
  // (The zero-masked forms of the permute and the extract: GCC 12's plain
  // ones start from an "undefined" register that -Wuninitialized flags.)
  const __m512i bytes =
      _mm512_maskz_permutexvar_epi8(0xFFFFFFFF, _mm512_load_si512(kGather.data()), groups);
  out->selector = _mm512_maskz_extracti32x4_epi32(0xF, bytes, 0);
  out->secret = _mm512_maskz_extracti32x4_epi32(0xF, bytes, 1);
  if (bad != 0) return TokenVerdict::kAlphabet;
  if (loose != 0) return TokenVerdict::kNotCanonical;
  return TokenVerdict::kOk;
}

}  // namespace vbmi
}  // namespace amfgate

#endif
