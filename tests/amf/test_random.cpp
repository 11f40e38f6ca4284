// Seeded random values: 100,000 of them encode, decode and compare equal
// (LevelDB's coding_test idea), in AMF0 and AMF3, and again inside packets.
#include "amf_test_util.h"
#include "random_values.h"

using namespace amfgate;
using namespace amfgate::amf;
using namespace amfgate::amf::testing;

TEST_CASE("100,000 random values survive encode -> decode -> compare") {
  Arena arena;
  RandomValues gen(20240601, arena);
  std::string out;
  for (int i = 0; i < 100000; ++i) {
    arena.Reset();
    Format f = i % 2 ? Format::kAmf3 : Format::kAmf0;
    Value v = gen.Next(f);
    REQUIRE(v.Validate());
    out.clear();
    auto n = f == Format::kAmf3 ? EncodeAmf3(v, arena, &out) : EncodeAmf0(v, arena, &out);
    REQUIRE_MESSAGE(n.ok(), "value ", i, ": ", n.failure().reason);
    auto back = f == Format::kAmf3 ? DecodeAmf3(out, arena) : DecodeAmf0(out, arena);
    REQUIRE_MESSAGE(back.ok(), "value ", i, ": ", back.failure().reason, " at ",
                    back.failure().offset, " in ", ToHex(out));
    std::string diff = FirstDifference(v, *back);
    REQUIRE_MESSAGE(diff.empty(), "value ", i, ": ", diff, " in ", ToHex(out));
    // Encoding the decoded value gives the same bytes again.
    std::string again;
    REQUIRE(
        (f == Format::kAmf3 ? EncodeAmf3(*back, arena, &again) : EncodeAmf0(*back, arena, &again))
            .ok());
    REQUIRE(again == out);
  }
}

TEST_CASE("random packets of random bodies round-trip byte for byte") {
  Arena arena;
  RandomValues gen(7, arena);
  // Kept across packets and arena resets, as the gateway keeps it: its
  // tables must start every message empty, whatever the last one left.
  PacketEncoder kept;
  for (int i = 0; i < 2000; ++i) {
    arena.Reset();
    Packet p;
    p.version = i % 2 ? 3 : 0;
    p.headers = arena.NewSpan<Header>(i % 3);
    for (Header& h : p.headers) {
      h.name = "h";
      h.must_understand = i % 5 == 0;
      h.value = gen.Next(Format::kAmf0);
    }
    p.bodies = arena.NewSpan<Body>(1 + i % 4);
    for (Body& b : p.bodies) {
      b.target = "svc.method";
      b.response = "/1";
      b.value = gen.Next(Format::kAmf0);
      if (i % 7 == 0) b.length = LengthField{false, kUnknownLength};
    }
    std::string out;
    REQUIRE(EncodePacket(p, arena, &out).ok());
    std::string reused = "x";
    REQUIRE(kept.Encode(p, &reused).ok());
    REQUIRE(ToHex(reused) == ToHex("x" + out));
    auto back = DecodePacket(out, arena);
    REQUIRE_MESSAGE(back.ok(), back.failure().reason);
    std::string again;
    REQUIRE(EncodePacket(*back, arena, &again).ok());
    REQUIRE(ToHex(again) == ToHex(out));
    for (size_t j = 0; j < p.bodies.size(); ++j) {
      REQUIRE(StructurallyEqual(p.bodies[j].value, back->bodies[j].value));
    }
  }
}
