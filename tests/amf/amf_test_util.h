// Helpers shared by the AMF codec tests: hex vectors and round trips.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "amf/arena.h"
#include "amf/codec.h"
#include "amf/compare.h"
#include "amf/packet.h"
#include "amf/value.h"

namespace amfgate::amf::testing {

// "0A 0B 01" -> bytes; spaces ignored.
inline std::string Hex(std::string_view hex) {
  std::string out;
  int hi = -1;
  for (char c : hex) {
    int d = (c >= '0' && c <= '9')   ? c - '0'
            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                     : -1;
    if (d < 0) continue;
    if (hi < 0) {
      hi = d;
    } else {
      out.push_back(static_cast<char>(hi << 4 | d));
      hi = -1;
    }
  }
  return out;
}

inline std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : bytes) {
    if (!out.empty()) out.push_back(' ');
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

// Bytes of a string as an AMF3 inline string (length < 64): "06 0B hello".
inline std::string Utf8Vr(std::string_view s) {
  std::string out(1, static_cast<char>(s.size() << 1 | 1));
  return out + std::string(s);
}

// Decodes `bytes` as one AMF0 (or AMF3) value, re-encodes it and checks the
// bytes are the same; returns the decoded value. The input is copied into
// `arena` first, so the value (which views into its input) lives as long as
// the arena.
inline Value RoundTrip0(Arena& arena, const std::string& input) {
  std::string_view bytes = arena.CopyString(input);
  auto v = DecodeAmf0(bytes, arena);
  REQUIRE_MESSAGE(v.ok(), v.failure().reason, " at ", v.failure().offset);
  std::string out;
  auto n = EncodeAmf0(*v, arena, &out);
  REQUIRE(n.ok());
  CHECK(ToHex(out) == ToHex(bytes));
  return *v;
}

inline Value RoundTrip3(Arena& arena, const std::string& input) {
  std::string_view bytes = arena.CopyString(input);
  auto v = DecodeAmf3(bytes, arena);
  REQUIRE_MESSAGE(v.ok(), v.failure().reason, " at ", v.failure().offset);
  std::string out;
  auto n = EncodeAmf3(*v, arena, &out);
  REQUIRE(n.ok());
  CHECK(ToHex(out) == ToHex(bytes));
  return *v;
}

inline Code DecodeCode0(const std::string& bytes, const DecodeLimits& limits = DecodeLimits()) {
  Arena arena;
  return DecodeAmf0(bytes, arena, limits).code();
}

inline Code DecodeCode3(const std::string& bytes, const DecodeLimits& limits = DecodeLimits()) {
  Arena arena;
  return DecodeAmf3(bytes, arena, limits).code();
}

// The loginByAlias request a Flash NetConnection sends: AMF0, version 0, no
// headers, one body with a strict array holding one 43-character alias.
inline std::string LoginByAliasPacket() {
  std::string alias = "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycAx";
  return Hex("00 00 00 00 00 01") + Hex("00 11") + "auth.loginByAlias" + Hex("00 02") + "/1" +
         Hex("00 00 00 33") + Hex("0A 00 00 00 01 02 00 2B") + alias;
}

}  // namespace amfgate::amf::testing
