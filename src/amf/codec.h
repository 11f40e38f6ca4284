// Single AMF0 / AMF3 values: decode from bytes, encode to bytes.
//
// These are the value codecs under the remoting packet (packet.h) and the
// entry points for tools and fuzzers. Each call is one "message" in the sense
// of the AMF specifications: it starts with empty reference tables (AMF0
// objects; AMF3 strings, objects and traits) and the input must hold exactly
// one value (trailing bytes are kMalformed; a truncated value is kAgain).
//
// Decoded values live in `arena` and view into `input`: both must outlive
// them. Encoders append to `*out` and use `scratch` for their identity tables
// (it may be the same arena the values live in). On failure an encoder may
// have appended a partial value; callers discard `*out` then.
//
// Cost: linear in the input (decode) or in the number of distinct nodes plus
// references (encode); references are never expanded.
#pragma once

#include <string>
#include <string_view>

#include "amf/arena.h"
#include "amf/limits.h"
#include "amf/value.h"
#include "core/status.h"

namespace amfgate::amf {

Result<Value> DecodeAmf0(std::string_view input, Arena& arena,
                         const DecodeLimits& limits = DecodeLimits());
Result<Value> DecodeAmf3(std::string_view input, Arena& arena,
                         const DecodeLimits& limits = DecodeLimits());

// Returns the number of bytes appended.
Result<size_t> EncodeAmf0(const Value& value, Arena& scratch, std::string* out,
                          const EncodeOptions& options = EncodeOptions());
Result<size_t> EncodeAmf3(const Value& value, Arena& scratch, std::string* out,
                          const EncodeOptions& options = EncodeOptions());

}  // namespace amfgate::amf
