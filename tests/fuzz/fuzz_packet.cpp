// libFuzzer target: a remoting packet, through the decode / encode round trip
// of round_trip.h (length fields encoded as recorded). Two packets are the
// same when their version, header names and flags, body URIs and values are.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "amf/compare.h"
#include "amf/packet.h"
#include "round_trip.h"

using namespace amfgate;
using namespace amfgate::amf;

namespace {

bool SamePacket(const Packet& a, const Packet& b) {
  if (a.version != b.version || a.headers.size() != b.headers.size() ||
      a.bodies.size() != b.bodies.size()) {
    return false;
  }
  for (size_t i = 0; i < a.headers.size(); ++i) {
    const Header& x = a.headers[i];
    const Header& y = b.headers[i];
    if (x.name != y.name || x.must_understand != y.must_understand ||
        !StructurallyEqual(x.value, y.value)) {
      return false;
    }
  }
  for (size_t i = 0; i < a.bodies.size(); ++i) {
    const Body& x = a.bodies[i];
    const Body& y = b.bodies[i];
    if (x.target != y.target || x.response != y.response || !StructurallyEqual(x.value, y.value)) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::CheckRoundTrip(
      data, size, [](std::string_view in, Arena& arena) { return DecodePacket(in, arena); },
      [](const Packet& p, Arena& arena, std::string* out) { return EncodePacket(p, arena, out); },
      SamePacket);
  return 0;
}
