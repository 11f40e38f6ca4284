// Character classes of RFC 9110/9112, as tables and small inline tests.
//
// Used by the head checks (head_scanner.h), the response writer and the
// message types. Every function is O(length). The two that run over every
// header byte of every request, IsFieldValue and EqualsIgnoreCase, look at
// eight bytes per step (SWAR on a 64-bit word) and fall back to the table
// only for the word that holds a byte needing a closer look.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

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

inline uint64_t Load8(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

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
}  // namespace http_chars_internal

// ASCII case-insensitive equality of two runs of `n` bytes. Past 8 bytes the
// last word overlaps the one before it rather than going byte by byte.
inline bool EqualsIgnoreCaseN(const char* a, const char* b, size_t n) {
  using namespace http_chars_internal;
  if (n < 8) {
    for (size_t i = 0; i < n; ++i) {
      if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
    }
    return true;
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

// The offset of the first byte of `s` that may not appear in a header value
// (CR, LF, NUL, another control byte but HTAB, or DEL), or s.size().
inline size_t FindNonFieldByte(std::string_view s) {
  using namespace http_chars_internal;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    if (AnyFieldSuspect(Load8(s.data() + i)) == 0) continue;
    for (size_t j = i; j < i + 8; ++j) {
      if (!IsFieldByte(static_cast<unsigned char>(s[j]))) return j;
    }
  }
  for (; i < s.size(); ++i) {
    if (!IsFieldByte(static_cast<unsigned char>(s[i]))) return i;
  }
  return s.size();
}

// A header value: no CR, LF, NUL or other control byte except HTAB.
inline bool IsFieldValue(std::string_view s) { return FindNonFieldByte(s) == s.size(); }

inline std::string_view TrimWhitespace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace amfgate
