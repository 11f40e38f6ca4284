// SameBytes: equality of two byte strings, for the short names on the hot
// path (service targets, AMF member names, string-table keys).
//
// Strings of equal length up to 32 bytes are compared with two or four
// overlapping loads from each, inline; longer ones with memcmp. A call to
// memcmp cost ~30 instructions for an 11-byte name (callgrind), the loads a
// handful. Origins ("https://host:port") and media types fit in 32 bytes.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "core/unaligned.h"

namespace amfgate::amf {

inline bool SameBytes(std::string_view a, std::string_view b) {
  size_t n = a.size();
  if (n != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  if (n >= 8 && n <= 16) {
    return Load8(p) == Load8(q) && Load8(p + n - 8) == Load8(q + n - 8);
  }
  if (n > 16 && n <= 32) {
    return Load8(p) == Load8(q) && Load8(p + 8) == Load8(q + 8) &&
           Load8(p + n - 16) == Load8(q + n - 16) && Load8(p + n - 8) == Load8(q + n - 8);
  }
  if (n >= 4 && n < 8) {
    return Load4(p) == Load4(q) && Load4(p + n - 4) == Load4(q + n - 4);
  }
  if (n < 4) return n == 0 || (p[0] == q[0] && p[n / 2] == q[n / 2] && p[n - 1] == q[n - 1]);
  return std::memcmp(p, q, n) == 0;
}

}  // namespace amfgate::amf
