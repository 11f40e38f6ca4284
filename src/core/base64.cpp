#include "core/base64.h"

#include <cstdint>

namespace amfgate {

namespace {

// 0..63 for a character of the alphabet, -1 for anything else (including the
// '=' padding, which the decoder handles by position).
int Base64Digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::optional<size_t> DecodeBase64Strict(std::string_view text, char* out) {
  if (text.size() % 4 != 0) return std::nullopt;
  size_t n = 0;
  for (size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    uint32_t group = 0;
    int pads = 0;
    for (size_t k = 0; k < 4; ++k) {
      char c = text[i + k];
      int digit = 0;
      if (c == '=' && last && k >= 2) {
        ++pads;
      } else {
        digit = Base64Digit(c);
        if (digit < 0 || pads > 0) return std::nullopt;  // not the alphabet, or data after padding
      }
      group = group << 6 | static_cast<uint32_t>(digit);
    }
    // Canonical form only: the bits the padding drops must be zero.
    if ((pads == 1 && (group & 0xFF) != 0) || (pads == 2 && (group & 0xFFFF) != 0))
      return std::nullopt;
    out[n++] = static_cast<char>(group >> 16);
    if (pads < 2) out[n++] = static_cast<char>(group >> 8);
    if (pads < 1) out[n++] = static_cast<char>(group);
  }
  return n;
}

}  // namespace amfgate
