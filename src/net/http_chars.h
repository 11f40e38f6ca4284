// Character classes of RFC 9110/9112, as tables and small inline tests.
//
// Used by the head checks (head_scanner.h), the response writer and the
// message types. Every function is O(length) with one table load per byte.
#pragma once

#include <cstdint>
#include <string_view>

namespace amfgate {

namespace http_chars_internal {
// bit 0: tchar (token); bit 1: field-value byte (VCHAR, obs-text, SP, HTAB);
// bit 2: request-target byte (VCHAR but not SP).
struct Table {
  uint8_t bits[256];
  constexpr Table() : bits() {
    for (int c = 0; c < 256; ++c) {
      bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      bool tchar = alnum || c == '!' || c == '#' || c == '$' || c == '%' || c == '&' || c == '\'' ||
                   c == '*' || c == '+' || c == '-' || c == '.' || c == '^' || c == '_' || c == '`' ||
                   c == '|' || c == '~';
      bool vchar = c >= 0x21 && c <= 0x7e;
      bool field = vchar || c >= 0x80 || c == ' ' || c == '\t';
      bits[c] = (tchar ? 1 : 0) | (field ? 2 : 0) | (vchar ? 4 : 0);
    }
  }
};
inline constexpr Table kTable;
}  // namespace http_chars_internal

inline bool IsTchar(unsigned char c) { return http_chars_internal::kTable.bits[c] & 1; }
inline bool IsFieldByte(unsigned char c) { return http_chars_internal::kTable.bits[c] & 2; }
inline bool IsTargetByte(unsigned char c) { return http_chars_internal::kTable.bits[c] & 4; }

inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

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

// A header value: no CR, LF, NUL or other control byte except HTAB.
inline bool IsFieldValue(std::string_view s) {
  for (unsigned char c : s) {
    if (!IsFieldByte(c)) return false;
  }
  return true;
}

inline std::string_view TrimWhitespace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace amfgate
