// libFuzzer target: one AMF0 value (which may switch to AMF3), through the
// decode / encode round trip of round_trip.h.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "amf/codec.h"
#include "amf/compare.h"
#include "round_trip.h"

using namespace amfgate;
using namespace amfgate::amf;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::CheckRoundTrip(
      data, size, [](std::string_view in, Arena& arena) { return DecodeAmf0(in, arena); },
      [](const Value& v, Arena& arena, std::string* out) { return EncodeAmf0(v, arena, out); },
      [](const Value& a, const Value& b) { return StructurallyEqual(a, b); });
  return 0;
}
