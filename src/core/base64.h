// The value of one character of the standard base64 alphabet (RFC 4648
// section 4), shared by the decoders that must agree on it: the web layer's
// Base64Decode (users file) and the Flex login credentials (amf/flex.cpp),
// which decodes into an arena instead of a std::string.
//
// Pure and constant-time per call; no allocation.
#pragma once

namespace amfgate {

// 0..63 for a character of the alphabet, -1 for anything else (including the
// '=' padding, which each decoder handles by position).
constexpr int Base64Digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace amfgate
