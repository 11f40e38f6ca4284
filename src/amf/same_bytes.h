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

namespace amfgate::amf {

namespace same_bytes_internal {
template <typename T>
T Load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
}  // namespace same_bytes_internal

inline bool SameBytes(std::string_view a, std::string_view b) {
  using same_bytes_internal::Load;
  size_t n = a.size();
  if (n != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  if (n >= 8 && n <= 16) {
    return Load<uint64_t>(p) == Load<uint64_t>(q) &&
           Load<uint64_t>(p + n - 8) == Load<uint64_t>(q + n - 8);
  }
  if (n > 16 && n <= 32) {
    return Load<uint64_t>(p) == Load<uint64_t>(q) &&
           Load<uint64_t>(p + 8) == Load<uint64_t>(q + 8) &&
           Load<uint64_t>(p + n - 16) == Load<uint64_t>(q + n - 16) &&
           Load<uint64_t>(p + n - 8) == Load<uint64_t>(q + n - 8);
  }
  if (n >= 4 && n < 8) {
    return Load<uint32_t>(p) == Load<uint32_t>(q) &&
           Load<uint32_t>(p + n - 4) == Load<uint32_t>(q + n - 4);
  }
  if (n < 4) return n == 0 || (p[0] == q[0] && p[n / 2] == q[n / 2] && p[n - 1] == q[n - 1]);
  return std::memcmp(p, q, n) == 0;
}

}  // namespace amfgate::amf
