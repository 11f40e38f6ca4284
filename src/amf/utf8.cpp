#include "amf/utf8.h"

#include <cstdint>

#include "core/unaligned.h"

namespace amfgate::amf {

namespace {

constexpr uint64_t kHighBits = 0x8080808080808080ull;

// How many leading bytes are surely ASCII, 32 at a step: tokens and names
// are ASCII throughout, and for them this is the whole check.
size_t AsciiPrefix(const unsigned char* p, size_t n) {
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    if (((Load8(p + i) | Load8(p + i + 8) | Load8(p + i + 16) | Load8(p + i + 24)) & kHighBits) !=
        0) {
      return i;
    }
  }
  for (; i + 8 <= n; i += 8) {
    if ((Load8(p + i) & kHighBits) != 0) return i;
  }
  // The last (overlapping) eight bytes settle a short tail.
  if (n >= 8 && (Load8(p + n - 8) & kHighBits) == 0) return n;
  return i;
}

}  // namespace

bool IsValidUtf8Scan(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char* end = p + s.size();
  p += AsciiPrefix(p, s.size());
  while (p < end) {
    if (end - p >= 8) {
      if ((Load8(p) & kHighBits) == 0) {
        p += 8;
        continue;
      }
    } else if (s.size() >= 8) {
      // Fewer than eight bytes left: the string's last eight bytes, all
      // ASCII, settle them in one step (p is at a character boundary).
      if ((Load8(end - 8) & kHighBits) == 0) return true;
    }
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    size_t need;
    uint32_t cp;
    uint32_t min;
    if ((c & 0xE0) == 0xC0) {
      need = 1, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      need = 2, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      need = 3, cp = c & 0x07, min = 0x10000;
    } else {
      return false;  // continuation byte in lead position, or 0xF8..0xFF
    }
    if (static_cast<size_t>(end - p) <= need) return false;
    for (size_t i = 1; i <= need; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    p += need + 1;
  }
  return true;
}

}  // namespace amfgate::amf
