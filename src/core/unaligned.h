// Loads of 4 or 8 bytes from any address, in the machine's byte order, for
// the word-at-a-time scans and compares on the hot path (net/http_chars.h,
// net/router.cpp, amf/utf8.cpp, amf/same_bytes.h). Through memcpy, which the
// compiler turns into one load: reading an unaligned word through a cast
// would be undefined behaviour.
#pragma once

#include <cstdint>
#include <cstring>

namespace amfgate {

inline uint64_t Load8(const void* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

// Zero-extended to 64 bits, so that two halves can be joined into one word.
inline uint64_t Load4(const void* p) {
  uint32_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

}  // namespace amfgate
