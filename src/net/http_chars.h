// Character classes of RFC 9110/9112, as tables and small inline tests.
//
// Used by the head checks (head_scanner.h), the response writer and the
// message types. Every function is O(length). The ones that run over every
// header byte of every request look at many bytes per step: FindControl (and
// FindNonFieldByte on top of it) sixteen at a time with SSE2, which every
// x86-64 has, and eight at a time (SWAR on a 64-bit word) elsewhere and for
// the tail; EqualsIgnoreCase folds case four or eight bytes at a time.
#pragma once

#include <bit>
#include <cstdint>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/unaligned.h"

namespace amfgate {

namespace http_chars_internal {
// bit 0: tchar (token); bit 1: field-value byte (VCHAR, obs-text, SP, HTAB);
// bit 2: request-target byte (VCHAR but not SP); bit 3: a byte RFC 3986
// allows in a Host value (reg-name, IPv4, IP-literal in brackets, port).
struct Table {
  uint8_t bits[256];
  constexpr Table() : bits() {
    for (int c = 0; c < 256; ++c) {
      bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      bool tchar = alnum || c == '!' || c == '#' || c == '$' || c == '%' || c == '&' || c == '\'' ||
                   c == '*' || c == '+' || c == '-' || c == '.' || c == '^' || c == '_' ||
                   c == '`' || c == '|' || c == '~';
      bool vchar = c >= 0x21 && c <= 0x7e;
      bool field = vchar || c >= 0x80 || c == ' ' || c == '\t';
      bool host = alnum || c == '-' || c == '.' || c == '_' || c == '~' || c == '!' || c == '$' ||
                  c == '&' || c == '\'' || c == '(' || c == ')' || c == '*' || c == '+' ||
                  c == ',' || c == ';' || c == '=' || c == ':' || c == '[' || c == ']' || c == '%';
      bits[c] = (tchar ? 1 : 0) | (field ? 2 : 0) | (vchar ? 4 : 0) | (host ? 8 : 0);
    }
  }
};
inline constexpr Table kTable;
}  // namespace http_chars_internal

inline bool IsTchar(unsigned char c) { return http_chars_internal::kTable.bits[c] & 1; }
inline bool IsFieldByte(unsigned char c) { return http_chars_internal::kTable.bits[c] & 2; }
inline bool IsTargetByte(unsigned char c) { return http_chars_internal::kTable.bits[c] & 4; }
inline bool IsHostByte(unsigned char c) { return http_chars_internal::kTable.bits[c] & 8; }

inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

namespace http_chars_internal {
constexpr uint64_t kOnes = 0x0101010101010101ull;
constexpr uint64_t kHighBits = 0x8080808080808080ull;

// Nonzero when some byte of `w` is below `n` (n <= 0x80). Exact as a whole:
// a borrow can only mark bytes above one that really is below n.
constexpr uint64_t AnyByteBelow(uint64_t w, uint8_t n) { return (w - kOnes * n) & ~w & kHighBits; }

// Nonzero when some byte of `w` may not appear in a field value as is: a
// control byte (HTAB included, which the caller then looks at) or DEL.
constexpr uint64_t AnyFieldSuspect(uint64_t w) {
  return AnyByteBelow(w, 0x20) | AnyByteBelow(w ^ (kOnes * 0x7f), 1);
}

// `w` with every byte 'A'..'Z' turned into 'a'..'z'; other bytes unchanged.
constexpr uint64_t LowerAscii8(uint64_t w) {
  uint64_t h = w & ~kHighBits;
  uint64_t at_least_a = h + kOnes * (0x80 - 'A');
  uint64_t above_z = h + kOnes * (0x80 - 'Z' - 1);
  uint64_t upper = at_least_a & ~above_z & ~w & kHighBits;
  return w | (upper >> 2);
}

// The first control byte or DEL among the 8 bytes at `p`, whose word gave
// the nonzero `mask` of AnyFieldSuspect. Borrows run from the word's low
// byte up, so only its lowest mark is sure to be a real one: on a
// little-endian machine that is the first byte in memory order.
inline size_t FirstControlIn8(const char* p, uint64_t mask) {
  if constexpr (std::endian::native == std::endian::little) {
    return static_cast<size_t>(std::countr_zero(mask)) / 8;
  } else {
    size_t i = 0;
    while (static_cast<unsigned char>(p[i]) >= 0x20 && static_cast<unsigned char>(p[i]) != 0x7f)
      ++i;
    return i;
  }
}
}  // namespace http_chars_internal

// ASCII case-insensitive equality of two runs of `n` bytes, compared a word
// at a time: two overlapping 4-byte words from 4 bytes on, 8-byte words (the
// last one overlapping the one before it) from 8 bytes on. Always inlined:
// most callers pass a constant `n`, which folds the choice of path away.
[[gnu::always_inline]] inline bool EqualsIgnoreCaseN(const char* a, const char* b, size_t n) {
  using namespace http_chars_internal;
  if (n < 4) {
    for (size_t i = 0; i < n; ++i) {
      if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
    }
    return true;
  }
  if (n < 8) {
    return LowerAscii8(Load4(a) | Load4(a + n - 4) << 32) ==
           LowerAscii8(Load4(b) | Load4(b + n - 4) << 32);
  }
  for (size_t i = 0; i + 8 < n; i += 8) {
    if (LowerAscii8(Load8(a + i)) != LowerAscii8(Load8(b + i))) return false;
  }
  return LowerAscii8(Load8(a + n - 8)) == LowerAscii8(Load8(b + n - 8));
}

inline int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

inline bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (!IsTchar(c)) return false;
  }
  return true;
}

// The offset of the first control byte (below 0x20, HTAB and CR included)
// or DEL among the `n` bytes at `p`, or n. In a well-formed head the first
// one a line holds is its CR. Past 16 (or 8) bytes the last block overlaps
// the one before it, which is known to be clean, so the first hit in it is
// still the first of the run.
inline size_t FindControl(const char* p, size_t n) {
  using namespace http_chars_internal;
#if defined(__SSE2__)
  if (n >= 16) {
    const __m128i ceiling = _mm_set1_epi8(0x1f);
    const __m128i del = _mm_set1_epi8(0x7f);
    auto control_mask = [&](size_t at) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at));
      __m128i low = _mm_cmpeq_epi8(_mm_min_epu8(v, ceiling), v);
      return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(low, _mm_cmpeq_epi8(v, del))));
    };
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
      if (unsigned m = control_mask(i); m != 0) return i + std::countr_zero(m);
    }
    if (i == n) return n;
    unsigned m = control_mask(n - 16);
    return m != 0 ? n - 16 + std::countr_zero(m) : n;
  }
#endif
  if (n >= 8) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      if (uint64_t m = AnyFieldSuspect(Load8(p + i)); m != 0) return i + FirstControlIn8(p + i, m);
    }
    if (i == n) return n;
    uint64_t m = AnyFieldSuspect(Load8(p + n - 8));
    return m != 0 ? n - 8 + FirstControlIn8(p + n - 8, m) : n;
  }
  for (size_t i = 0; i < n; ++i) {
    auto c = static_cast<unsigned char>(p[i]);
    if (c < 0x20 || c == 0x7f) return i;
  }
  return n;
}

// The offset of the first byte of `s` that may not appear in a header value
// (CR, LF, NUL, another control byte but HTAB, or DEL), or s.size().
inline size_t FindNonFieldByte(std::string_view s) {
  size_t i = FindControl(s.data(), s.size());
  while (i < s.size() && s[i] == '\t') {
    ++i;
    i += FindControl(s.data() + i, s.size() - i);
  }
  return i;
}

// A header value: no CR, LF, NUL or other control byte except HTAB.
inline bool IsFieldValue(std::string_view s) { return FindNonFieldByte(s) == s.size(); }

inline std::string_view TrimWhitespace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace amfgate
