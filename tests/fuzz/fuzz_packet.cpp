// libFuzzer target: a remoting packet.
//
// Decode; if that succeeds, the packet must validate and encode (length
// fields as recorded); the bytes must decode again to bodies and headers
// with structurally equal values, and encode to the same bytes a second
// time. Any crash, sanitizer report or broken round trip is a finding.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "amf/compare.h"
#include "amf/packet.h"

using namespace amfgate;
using namespace amfgate::amf;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Arena arena;
  arena.Reset();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto p = DecodePacket(input, arena);
  if (!p.ok()) {
    if (p.failure().offset > size) std::abort();
    return 0;
  }
  if (!p->Validate()) std::abort();
  std::string once;
  if (!EncodePacket(*p, arena, &once).ok()) std::abort();
  auto back = DecodePacket(once, arena);
  if (!back.ok() || back->version != p->version || back->headers.size() != p->headers.size() ||
      back->bodies.size() != p->bodies.size()) {
    std::abort();
  }
  for (size_t i = 0; i < p->headers.size(); ++i) {
    const Header& a = p->headers[i];
    const Header& b = back->headers[i];
    if (a.name != b.name || a.must_understand != b.must_understand ||
        !StructurallyEqual(a.value, b.value)) {
      std::abort();
    }
  }
  for (size_t i = 0; i < p->bodies.size(); ++i) {
    const Body& a = p->bodies[i];
    const Body& b = back->bodies[i];
    if (a.target != b.target || a.response != b.response || !StructurallyEqual(a.value, b.value)) {
      std::abort();
    }
  }
  std::string twice;
  if (!EncodePacket(*back, arena, &twice).ok() || twice != once) std::abort();
  return 0;
}
