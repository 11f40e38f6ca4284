// UTF-8 validation for every string the AMF decoders accept.
//
// Strict RFC 3629: no overlong forms, no surrogate code points (U+D800 to
// U+DFFF, which Flash writes for lone UTF-16 surrogates and Java's modified
// UTF-8 for pairs), nothing above U+10FFFF. ASCII is checked eight bytes at a
// time, so the common case costs about a load and a mask per eight bytes; a
// string of at most 16 ASCII bytes (targets, response URIs, member names,
// tokens' halves) is settled inline by two overlapping loads, no call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace amfgate::amf {

// The full check, for any length and content.
bool IsValidUtf8Scan(std::string_view s);

inline bool IsValidUtf8(std::string_view s) {
  size_t n = s.size();
  const char* p = s.data();
  if (n >= 8 && n <= 16) {
    uint64_t a;
    uint64_t b;
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + n - 8, 8);
    if (((a | b) & 0x8080808080808080ull) == 0) return true;
  } else if (n >= 4 && n < 8) {
    uint32_t a;
    uint32_t b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    if (((a | b) & 0x80808080u) == 0) return true;
  } else if (n < 4) {
    if (n == 0) return true;
    auto byte = [p](size_t i) { return static_cast<unsigned char>(p[i]); };
    if (((byte(0) | byte(n / 2) | byte(n - 1)) & 0x80) == 0) return true;
  }
  return IsValidUtf8Scan(s);
}

}  // namespace amfgate::amf
