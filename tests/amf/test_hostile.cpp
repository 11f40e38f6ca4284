// Hostile input: length bombs, deep nesting, bad and exponential references,
// many bodies, dangerous class names, XML entities. Each is rejected or
// decoded within bounds, and the arena never holds more than a small
// multiple of the input.
#include <chrono>

#include "amf_test_util.h"

using namespace amfgate;
using namespace amfgate::amf;
using namespace amfgate::amf::testing;

namespace {

// Arena bytes a decode may use per input byte (the worst case is a run of
// two-byte AMF3 values that each become a node, a Value and a table entry),
// plus a constant for the first chunks.
constexpr size_t kBytesPerInputByte = 48;
constexpr size_t kArenaSlack = 16 * 1024;

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

std::string U29(uint32_t v) {
  std::string out;
  if (v < 0x80) {
    out.push_back(static_cast<char>(v));
  } else if (v < 0x4000) {
    out.push_back(static_cast<char>(v >> 7 | 0x80));
    out.push_back(static_cast<char>(v & 0x7F));
  } else if (v < 0x200000) {
    out.push_back(static_cast<char>(v >> 14 | 0x80));
    out.push_back(static_cast<char>((v >> 7 & 0x7F) | 0x80));
    out.push_back(static_cast<char>(v & 0x7F));
  } else {
    out.push_back(static_cast<char>(v >> 22 | 0x80));
    out.push_back(static_cast<char>((v >> 15 & 0x7F) | 0x80));
    out.push_back(static_cast<char>((v >> 8 & 0x7F) | 0x80));
    out.push_back(static_cast<char>(v & 0xFF));
  }
  return out;
}

// Decodes and checks the memory bound whatever the outcome.
template <typename Decode>
Code Bounded(const std::string& input, Decode decode) {
  Arena arena;
  Code code = decode(input, arena);
  CHECK(arena.peak_bytes_used() <= kBytesPerInputByte * input.size() + kArenaSlack);
  return code;
}

Code Amf0(const std::string& in, const DecodeLimits& limits = DecodeLimits()) {
  return Bounded(in,
                 [&](const std::string& s, Arena& a) { return DecodeAmf0(s, a, limits).code(); });
}
Code Amf3(const std::string& in, const DecodeLimits& limits = DecodeLimits()) {
  return Bounded(in,
                 [&](const std::string& s, Arena& a) { return DecodeAmf3(s, a, limits).code(); });
}
Code PacketCode(const std::string& in, const DecodeLimits& limits = DecodeLimits()) {
  return Bounded(in,
                 [&](const std::string& s, Arena& a) { return DecodePacket(s, a, limits).code(); });
}

std::string OneBody(const std::string& value) {
  return Hex("00 00 00 00 00 01 00 01 61 00 02 2F 31 FF FF FF FF") + value;
}

}  // namespace

TEST_CASE("length bombs fail before allocating: 0xFFFF, 0xFFFFFFFF, 2^29-1") {
  CHECK(Amf0(Hex("02 FF FF 61")) == Code::kAgain);
  CHECK(Amf0(Hex("0C FF FF FF FF 61")) == Code::kTooLarge);
  CHECK(Amf0(Hex("0F FF FF FF FF 61")) == Code::kTooLarge);
  CHECK(Amf0(Hex("0A FF FF FF FF 05")) == Code::kTooLarge);
  CHECK(Amf0(Hex("0A 00 00 FF FF 05")) == Code::kAgain);
  // An ECMA count is recorded, never trusted: a huge one with one member is fine.
  CHECK(Amf0(Hex("08 FF FF FF FF 00 01 61 05 00 00 09")) == Code::kOk);
  std::string max29 = Hex("BF FF FF FF");  // U29 2^29-1: inline, length 2^28-1
  for (std::string marker : {"06", "07", "0B", "0C", "09", "0D", "0E", "0F", "10", "11"}) {
    CAPTURE(marker);
    CHECK(Amf3(Hex(marker) + max29 + Hex("00 01")) == Code::kTooLarge);
  }
  CHECK(Amf3(Hex("0A") + U29(((1u << 25) - 1) << 4 | 3) + Hex("01")) == Code::kTooLarge);
  CHECK(PacketCode(Hex("00 00 FF FF 00 00")) == Code::kTooLarge);
  CHECK(PacketCode(Hex("00 00 00 00 FF FF")) == Code::kTooLarge);
  DecodeLimits many;
  many.max_bodies = 0xFFFF;
  CHECK(PacketCode(Hex("00 00 00 00 FF FF 00 00"), many) == Code::kAgain);
}

TEST_CASE("1,000,000-deep nesting is refused at the depth limit, in every container") {
  const size_t kDeep = 1000000;
  CHECK(Amf0(Repeat(Hex("0A 00 00 00 01"), kDeep)) == Code::kTooLarge);
  CHECK(Amf0(Repeat(Hex("03 00 01 61"), kDeep)) == Code::kTooLarge);
  CHECK(Amf0(Repeat(Hex("08 00 00 00 01 00 01 61"), kDeep)) == Code::kTooLarge);
  CHECK(Amf0(Hex("11") + Repeat(Hex("09 03 01"), kDeep)) == Code::kTooLarge);
  CHECK(Amf3(Repeat(Hex("09 03 01"), kDeep)) == Code::kTooLarge);
  CHECK(Amf3(Repeat(Hex("0A 0B 01 03 61"), kDeep)) == Code::kTooLarge);
  CHECK(Amf3(Repeat(Hex("10 03 00 01"), kDeep)) == Code::kTooLarge);
  CHECK(Amf3(Repeat(Hex("11 03 00 01"), kDeep)) == Code::kTooLarge);
  CHECK(Amf3(Hex("0A 07") + Utf8Vr("flex.messaging.io.ArrayCollection") +
             Repeat(Hex("0A 01"), kDeep)) == Code::kTooLarge);
  // Even a limit asking for more is clamped to kMaxDepthCap.
  DecodeLimits deep;
  deep.max_depth = 1u << 30;
  CHECK_FALSE(deep.Validate());
  CHECK(Amf3(Repeat(Hex("09 03 01"), kDeep), deep) == Code::kTooLarge);
  // Exactly at the limit is fine.
  DecodeLimits limits;
  CHECK(Amf3(Repeat(Hex("09 03 01"), limits.max_depth) + "\x01", limits) == Code::kOk);
  CHECK(Amf3(Repeat(Hex("09 03 01"), limits.max_depth + 1) + "\x01", limits) == Code::kTooLarge);
}

TEST_CASE("self and forward references: backward and self are legal, forward never") {
  CHECK(Amf0(Hex("07 00 00")) == Code::kMalformed);
  CHECK(Amf0(Hex("0A 00 00 00 02 07 00 01 03 00 00 09")) == Code::kMalformed);  // forward
  CHECK(Amf0(Hex("0A 00 00 00 01 07 00 00")) == Code::kOk);                     // self
  CHECK(Amf3(Hex("09 05 01 09 02 09 01 01")) == Code::kMalformed);              // forward (index 1)
  CHECK(Amf3(Hex("09 03 01 09 00")) == Code::kOk);                              // self
  CHECK(Amf3(Hex("09 05 01 06 02 06 03 61")) == Code::kMalformed);     // forward string ref
  CHECK(Amf3(Hex("09 05 01 0A 05 0A 0B 01 01")) == Code::kMalformed);  // forward traits ref
}

TEST_CASE(
    "an exponential reference graph (60 levels, each referencing the previous twice) is linear") {
  // AMF3: an outer array of 61 levels; level 0 is [], level i is
  // [level i-1, level i-1] by reference. Fully expanded it has 2^60 leaves.
  std::string amf3 = Hex("09") + U29(61 << 1 | 1) + Hex("01 09 01 01");
  for (uint32_t i = 1; i <= 60; ++i)
    amf3 += Hex("09 05 01 09") + U29(i << 1) + Hex("09") + U29(i << 1);
  // AMF0: the same with strict arrays and U16 references.
  std::string amf0 = Hex("0A 00 00 00 3D 0A 00 00 00 00");
  for (int i = 1; i <= 60; ++i) {
    amf0 += Hex("0A 00 00 00 02 07 00") + std::string(1, static_cast<char>(i)) + Hex("07 00") +
            std::string(1, static_cast<char>(i));
  }
  auto start = std::chrono::steady_clock::now();
  for (const std::string& in : {amf3, amf0}) {
    Arena arena;
    auto v = in == amf3 ? DecodeAmf3(in, arena) : DecodeAmf0(in, arena);
    REQUIRE(v.ok());
    CHECK(arena.peak_bytes_used() <= kBytesPerInputByte * in.size() + kArenaSlack);
    const Array* top = v->AsArray();
    REQUIRE(top->dense.size() == 61);
    const Array* last = top->dense[60].AsArray();
    CHECK(last->dense[0].node() == top->dense[59].node());
    CHECK(last->dense[1].node() == top->dense[59].node());
    // Encoding writes references again: same bytes, not 2^60 of them.
    std::string out;
    REQUIRE((in == amf3 ? EncodeAmf3(*v, arena, &out) : EncodeAmf0(*v, arena, &out)).ok());
    CHECK(out == in);
    CHECK(StructurallyEqual(*v, *v));
  }
  // Not a timed test: a generous sanity bound that only an exponential walk breaks.
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
}

TEST_CASE("10,000 bodies are refused by default and decode within bounds when allowed") {
  std::string packet = Hex("00 00 00 00") + std::string{0x27, 0x10};
  for (int i = 0; i < 10000; ++i) packet += Hex("00 01 61 00 02 2F 31 00 00 00 01 05");
  CHECK(PacketCode(packet) == Code::kTooLarge);
  DecodeLimits limits;
  limits.max_bodies = 10000;
  CHECK(PacketCode(packet, limits) == Code::kOk);
}

TEST_CASE("node, table and input caps are enforced") {
  DecodeLimits limits;
  limits.max_nodes = 100;
  CHECK(Amf3(Hex("09") + U29(200 << 1 | 1) + Hex("01") + Repeat(Hex("01"), 200), limits) ==
        Code::kTooLarge);
  limits = DecodeLimits();
  limits.max_string_refs = 10;
  std::string strings = Hex("09") + U29(20 << 1 | 1) + Hex("01");
  for (int i = 0; i < 20; ++i)
    strings += Hex("06 05") + std::string{'s', static_cast<char>('a' + i)};
  CHECK(Amf3(strings, limits) == Code::kTooLarge);
  limits = DecodeLimits();
  limits.max_object_refs = 10;
  CHECK(Amf3(Hex("09") + U29(20 << 1 | 1) + Hex("01") + Repeat(Hex("09 01 01"), 20), limits) ==
        Code::kTooLarge);
  CHECK(Amf0(Hex("0A 00 00 00 14") + Repeat(Hex("03 00 00 09"), 20), limits) == Code::kTooLarge);
  limits = DecodeLimits();
  limits.max_traits_refs = 2;
  std::string traits = Hex("09 07 01");
  for (char c : {'a', 'b', 'c'}) traits += Hex("0A 03") + Utf8Vr(std::string(1, c));
  CHECK(Amf3(traits, limits) == Code::kTooLarge);
}

TEST_CASE("the worst memory ratio stays within the bound: runs of tiny nodes") {
  // Each run is one array of 50,000 copies of the unit after an optional
  // first element (the traits that "0A 01 01" refers to).
  struct Run {
    std::string unit;
    std::string first;
  } runs[] = {{"0C 01", ""},
              {"0B 01", ""},
              {"08 01 00 00 00 00 00 00 00 00", ""},
              {"09 01 01", ""},
              {"0A 01 01", "0A 0B 01 01"},
              {"01", ""},
              {"11 01 00", ""},
              {"08 02", "08 01 00 00 00 00 00 00 00 00"}};
  for (const Run& run : runs) {
    CAPTURE(run.unit);
    uint32_t count = 50000 + (run.first.empty() ? 0 : 1);
    std::string in =
        Hex("09") + U29(count << 1 | 1) + Hex("01") + Hex(run.first) + Repeat(Hex(run.unit), 50000);
    CHECK(Amf3(in) == Code::kOk);
  }
  // Inline traits each time: the traits table cap stops it first.
  CHECK(Amf3(Hex("09") + U29(50000 << 1 | 1) + Hex("01") + Repeat(Hex("0A 0B 01 01"), 50000)) ==
        Code::kTooLarge);
  CHECK(Amf0(Hex("0A 00 00 C3 50") + Repeat(Hex("03 00 00 09"), 50000)) == Code::kOk);
}

TEST_CASE("typed objects named after dangerous classes are data, nothing more") {
  for (std::string_view name :
       {"java.lang.Runtime", "java.lang.ProcessBuilder",
        "org.apache.commons.collections.functors.InvokerTransformer",
        "javax.management.BadAttributeValueExpException", "flex.messaging.io.amf.ASObject",
        "__proto__", "constructor", "../../../etc/passwd", "System.Diagnostics.Process"}) {
    Arena arena;
    CAPTURE(name);
    std::string amf0 = Hex("10") + std::string{0, static_cast<char>(name.size())} +
                       std::string(name) +
                       Hex("00 07 63 6F 6D 6D 61 6E 64 02 00 02 69 64 00 00 09");
    Value v0 = RoundTrip0(arena, amf0);
    CHECK(v0.AsObject()->traits->class_name == name);
    CHECK(v0.AsObject()->Find("command")->AsString() == "id");
    Value v3 = RoundTrip3(arena, Hex("0A 1B") + Utf8Vr(name) + Utf8Vr("command") + Hex("06") +
                                     Utf8Vr("id") + Hex("01"));
    CHECK(v3.AsObject()->traits->class_name == name);
    // As an externalizable class it is refused: nothing is looked up by name.
    CHECK(Amf3(Hex("0A 07") + Utf8Vr(name) + Hex("01")) == Code::kMalformed);
  }
}

TEST_CASE("XML with external entities is carried as text and never parsed") {
  std::string xml =
      "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>";
  Arena arena;
  Value v0 =
      RoundTrip0(arena, Hex("0F 00 00 00") + std::string(1, static_cast<char>(xml.size())) + xml);
  CHECK(v0.AsBlob()->bytes == xml);
  Value v3 = RoundTrip3(arena, Hex("0B") + U29(static_cast<uint32_t>(xml.size()) << 1 | 1) + xml);
  CHECK(v3.AsBlob()->bytes == xml);
  // Billion laughs: still just bytes, still the same size.
  std::string lol = "<!DOCTYPE l [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><l>&b;</l>";
  Value v = RoundTrip3(arena, Hex("07") + U29(static_cast<uint32_t>(lol.size()) << 1 | 1) + lol);
  CHECK(v.AsBlob()->bytes.size() == lol.size());
}

TEST_CASE("a hostile packet fails without disturbing the next decode on the same arena") {
  Arena arena;
  std::string bad = OneBody(Repeat(Hex("0A 00 00 00 01"), 100));
  CHECK(DecodePacket(bad, arena).code() == Code::kTooLarge);
  arena.Reset();
  std::string good = LoginByAliasPacket();
  CHECK(DecodePacket(good, arena).ok());
  CHECK(arena.Validate());
}
