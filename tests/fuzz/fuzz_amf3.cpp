// libFuzzer target: one AMF3 value.
//
// Decode; if that succeeds, the value must validate, encode, decode again to
// a structurally equal value, and encode to the same bytes a second time
// (encode o decode is a fixed point after one step). Any crash, sanitizer
// report or broken round trip is a finding.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "amf/codec.h"
#include "amf/compare.h"

using namespace amfgate;
using namespace amfgate::amf;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Arena arena;
  arena.Reset();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto v = DecodeAmf3(input, arena);
  if (!v.ok()) {
    if (v.failure().offset > size) std::abort();
    return 0;
  }
  if (!v->Validate()) std::abort();
  std::string once;
  if (!EncodeAmf3(*v, arena, &once).ok()) std::abort();
  auto back = DecodeAmf3(once, arena);
  if (!back.ok() || !StructurallyEqual(*v, *back)) std::abort();
  std::string twice;
  if (!EncodeAmf3(*back, arena, &twice).ok() || twice != once) std::abort();
  return 0;
}
