// Bounds for the AMF decoders and options for the encoders.
//
// Every AMF decoder reads untrusted bytes. Besides the structural checks that
// are always on (each length and count is checked against the bytes that
// remain before anything is allocated, references must point at entries
// already in their table, strings must be valid UTF-8), DecodeLimits caps the
// work a single packet can cause. Hitting a cap is Code::kTooLarge; breaking
// the format is kMalformed; running out of input is kAgain.
//
// Memory: with these caps a decode uses at most a small constant multiple of
// the input size in arena bytes (about 40 bytes per input byte in the worst
// case, where every byte is a one-byte value; see tests/amf/test_hostile.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace amfgate::amf {

// Recursion depth the decoders and encoders will ever go to, whatever the
// limits say: each level is a C++ stack frame.
inline constexpr uint32_t kMaxDepthCap = 256;

struct DecodeLimits {
  // Containers nested inside each other (an array in an object in an array is
  // depth 3). References do not add depth: they are not descended into.
  uint32_t max_depth = 32;
  // Values decoded per packet (or per single-value decode), references and
  // container members included.
  uint32_t max_nodes = 1u << 20;
  // Entries per reference table per message (AMF3 strings, AMF3 objects,
  // AMF3 traits; AMF0 objects).
  uint32_t max_string_refs = 1u << 16;
  uint32_t max_object_refs = 1u << 16;
  uint32_t max_traits_refs = 1u << 12;
  // Remoting envelope.
  uint32_t max_headers = 32;
  uint32_t max_bodies = 256;
  // Whole input (a packet, or one value) in bytes.
  size_t max_input_bytes = 16u << 20;

  // max_depth in 1..kMaxDepthCap, every other cap non-zero.
  bool Validate() const;
};

struct EncodeOptions {
  // Write exact header/body length fields even where the decoded packet had
  // 0, 1 or 0xFFFFFFFF (built packets always get exact lengths).
  bool exact_lengths = false;
  // Nesting the encoder will follow before failing with kTooLarge.
  uint32_t max_depth = kMaxDepthCap;
};

}  // namespace amfgate::amf
