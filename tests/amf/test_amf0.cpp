// AMF0 values: every type decodes to the right Value and re-encodes to the
// same bytes. Vectors are hand-built from the AMF0 specification (Adobe,
// 2007), section 2 (one per type marker).
#include "amf_test_util.h"

using namespace amfgate;
using namespace amfgate::amf;
using namespace amfgate::amf::testing;

TEST_CASE("AMF0 number, boolean, null, undefined and unsupported round-trip") {
  Arena arena;
  Value n = RoundTrip0(arena, Hex("00 3F F8 00 00 00 00 00 00"));
  CHECK(n.type() == Type::kDouble);
  CHECK(n.exact_double());
  CHECK(n.AsDouble() == 1.5);
  CHECK(RoundTrip0(arena, Hex("01 01")).AsBool());
  CHECK_FALSE(RoundTrip0(arena, Hex("01 00")).AsBool());
  CHECK(RoundTrip0(arena, Hex("05")).is_null());
  CHECK(RoundTrip0(arena, Hex("06")).is_undefined());
  CHECK(RoundTrip0(arena, Hex("0D")).type() == Type::kUnsupported);
}

TEST_CASE("AMF0 strings: short, long (even when short) and XML document keep their marker") {
  Arena arena;
  Value s = RoundTrip0(arena, Hex("02 00 05") + "hello");
  CHECK(s.AsString() == "hello");
  CHECK_FALSE(s.long_string());
  Value l = RoundTrip0(arena, Hex("0C 00 00 00 05") + "hello");
  CHECK(l.AsString() == "hello");
  CHECK(l.long_string());
  Value x = RoundTrip0(arena, Hex("0F 00 00 00 04") + "<a/>");
  CHECK(x.type() == Type::kXmlDocument);
  CHECK(x.AsBlob()->bytes == "<a/>");
  Value u = RoundTrip0(arena, Hex("02 00 03 E2 82 AC"));  // the euro sign
  CHECK(u.AsString() == "\xE2\x82\xAC");
}

TEST_CASE("AMF0 strings longer than 65535 bytes are written as long strings") {
  Arena arena;
  std::string big(70000, 'x');
  std::string out;
  REQUIRE(EncodeAmf0(Value::String(big), arena, &out).ok());
  CHECK(static_cast<uint8_t>(out[0]) == 0x0C);
  CHECK(out.size() == 5 + big.size());
  auto back = DecodeAmf0(out, arena);
  REQUIRE(back.ok());
  CHECK(back->AsString() == big);
}

TEST_CASE("AMF0 anonymous and typed objects keep class name and member order") {
  Arena arena;
  std::string obj = Hex("03 00 01 62 00 3F F0 00 00 00 00 00 00 00 01 61 02 00 01 78 00 00 09");
  Value o = RoundTrip0(arena, obj);
  REQUIRE(o.AsObject() != nullptr);
  CHECK(o.AsObject()->traits->class_name.empty());
  REQUIRE(o.AsObject()->dynamic.size() == 2);
  CHECK(o.AsObject()->dynamic[0].name == "b");
  CHECK(o.AsObject()->Find("a")->AsString() == "x");

  Value t = RoundTrip0(arena, Hex("10 00 03") + "Foo" + Hex("00 01 61 05 00 00 09"));
  CHECK(t.AsObject()->traits->class_name == "Foo");
  CHECK(t.AsObject()->Find("a")->is_null());
}

TEST_CASE("AMF0 ECMA array keeps its count as sent, strict array its elements") {
  Arena arena;
  // The count says 7 but one member follows: legal, recorded, not trusted.
  Value e = RoundTrip0(arena, Hex("08 00 00 00 07 00 01 30 02 00 01 61 00 00 09"));
  REQUIRE(e.AsArray() != nullptr);
  CHECK(e.AsArray()->ecma);
  CHECK(e.AsArray()->ecma_count == 7);
  CHECK(e.AsArray()->assoc[0].name == "0");
  Value s = RoundTrip0(arena, Hex("0A 00 00 00 02 05 06"));
  CHECK_FALSE(s.AsArray()->ecma);
  CHECK(s.AsArray()->dense.size() == 2);
}

TEST_CASE("AMF0 date keeps milliseconds and the time-zone field") {
  Arena arena;
  Value d = RoundTrip0(arena, Hex("0B 42 71 76 59 2E 00 00 00 FF C4"));
  REQUIRE(d.AsDate() != nullptr);
  CHECK(d.AsDate()->millis == 1200000000000.0);
  CHECK(d.AsDate()->timezone == -60);
}

TEST_CASE("AMF0 references point at the same node, including the object itself") {
  Arena arena;
  // [o, o] where o = {}: the array is reference 0, the object reference 1.
  Value a = RoundTrip0(arena, Hex("0A 00 00 00 02 03 00 00 09 07 00 01"));
  const Array* arr = a.AsArray();
  REQUIRE(arr->dense.size() == 2);
  CHECK(arr->dense[0].node() == arr->dense[1].node());
  // o = {self: o}
  Value o = RoundTrip0(arena, Hex("03 00 04") + "self" + Hex("07 00 00 00 00 09"));
  CHECK(o.AsObject()->Find("self")->node() == o.node());
}

TEST_CASE("AMF0 switch to AMF3 marks the value and is written back the same way") {
  Arena arena;
  Value v = RoundTrip0(arena, Hex("11 04 05"));
  CHECK(v.type() == Type::kInteger);
  CHECK(v.format() == Format::kAmf3);
  CHECK(v.AsInteger() == 5);
  // A strict array of two switched values shares one AMF3 string table.
  Value a = RoundTrip0(arena, Hex("0A 00 00 00 02 11 06 03 61 11 06 00"));
  CHECK(a.AsArray()->dense[1].AsString() == "a");
}

TEST_CASE("AMF0 values AMF0 cannot express are switched to AMF3 when encoding") {
  Arena arena;
  std::string out;
  REQUIRE(EncodeAmf0(MakeBlob(arena, Type::kByteArray, "ab", Format::kAmf0), arena, &out).ok());
  CHECK(ToHex(out) == "11 0C 05 61 62");
  out.clear();
  REQUIRE(EncodeAmf0(Value::Integer(3, Format::kAmf0), arena, &out).ok());
  CHECK(ToHex(out) == "00 40 08 00 00 00 00 00 00");
}

TEST_CASE("AMF0 malformed values fail with a reason and an offset") {
  CHECK(DecodeCode0(Hex("04")) == Code::kMalformed);                 // movieclip, reserved
  CHECK(DecodeCode0(Hex("0E")) == Code::kMalformed);                 // recordset, reserved
  CHECK(DecodeCode0(Hex("09")) == Code::kMalformed);                 // object end alone
  CHECK(DecodeCode0(Hex("12")) == Code::kMalformed);                 // unknown marker
  CHECK(DecodeCode0(Hex("07 00 00")) == Code::kMalformed);           // reference to nothing
  CHECK(DecodeCode0(Hex("01 02")) == Code::kMalformed);              // boolean 2
  CHECK(DecodeCode0(Hex("02 00 01 FF")) == Code::kMalformed);        // invalid UTF-8
  CHECK(DecodeCode0(Hex("02 00 03 ED A0 80")) == Code::kMalformed);  // a surrogate
  CHECK(DecodeCode0(Hex("02 00 02 C0 80")) == Code::kMalformed);     // overlong NUL
  CHECK(DecodeCode0(Hex("03 00 00 05")) == Code::kMalformed);        // empty name, no end
  CHECK(DecodeCode0(Hex("10 00 00 00 00 09")) == Code::kMalformed);  // typed, no class
  CHECK(DecodeCode0(Hex("05 05")) == Code::kMalformed);              // trailing byte
  Arena arena;
  auto r = DecodeAmf0(Hex("0A 00 00 00 01 02 00 01 FF"), arena);
  REQUIRE_FALSE(r.ok());
  CHECK(r.failure().offset == 8);
}
