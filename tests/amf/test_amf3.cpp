// AMF3 values: every type, the three reference tables and the
// externalizable Flex classes. Vectors are hand-built from the AMF3
// specification (Adobe, January 2013), sections 1.3.1 (U29) and 3.
#include "amf_test_util.h"

using namespace amfgate;
using namespace amfgate::amf;
using namespace amfgate::amf::testing;

TEST_CASE("AMF3 scalars round-trip: undefined, null, booleans, double") {
  Arena arena;
  CHECK(RoundTrip3(arena, Hex("00")).is_undefined());
  CHECK(RoundTrip3(arena, Hex("01")).is_null());
  CHECK_FALSE(RoundTrip3(arena, Hex("02")).AsBool());
  CHECK(RoundTrip3(arena, Hex("03")).AsBool());
  Value d = RoundTrip3(arena, Hex("05 3F F8 00 00 00 00 00 00"));
  CHECK(d.AsDouble() == 1.5);
  // A double holding an integral value stays a double: it was sent so.
  CHECK(RoundTrip3(arena, Hex("05 3F F0 00 00 00 00 00 00")).type() == Type::kDouble);
}

TEST_CASE("AMF3 integers use 1 to 4 U29 bytes and are signed 29-bit") {
  struct Case {
    const char* hex;
    int32_t value;
  } cases[] = {
      {"04 00", 0},
      {"04 7F", 127},
      {"04 81 00", 128},
      {"04 FF 7F", 16383},
      {"04 81 80 00", 16384},
      {"04 FF FF 7F", 2097151},
      {"04 80 C0 80 00", 2097152},
      {"04 BF FF FF FF", kMaxInteger},
      {"04 FF FF FF FF", -1},
      {"04 C0 80 80 00", kMinInteger},
  };
  for (const Case& c : cases) {
    Arena arena;
    CAPTURE(c.hex);
    Value v = RoundTrip3(arena, Hex(c.hex));
    CHECK(v.type() == Type::kInteger);
    CHECK(v.AsInteger() == c.value);
  }
}

TEST_CASE("AMF3 built numbers become integers when integral and in range, doubles otherwise") {
  Arena arena;
  auto enc = [&](Value v) {
    std::string out;
    REQUIRE(EncodeAmf3(v, arena, &out).ok());
    return ToHex(out);
  };
  CHECK(enc(Value::Number(5)) == "04 05");
  CHECK(enc(Value::Number(-1)) == "04 FF FF FF FF");
  CHECK(enc(Value::Number(268435456)) == "05 41 B0 00 00 00 00 00 00");  // 2^28
  CHECK(enc(Value::Number(0.5)) == "05 3F E0 00 00 00 00 00 00");
  CHECK(enc(Value::Number(-0.0)) == "05 80 00 00 00 00 00 00 00");
  CHECK(enc(Value::Double(5)) == "05 40 14 00 00 00 00 00 00");
  CHECK(enc(Value::Integer(1 << 29)) == "05 41 C0 00 00 00 00 00 00");
}

TEST_CASE("AMF3 strings: inline, referenced by index, empty never referenced") {
  Arena arena;
  Value a = RoundTrip3(arena, Hex("09 07 01 06 0B") + "hello" + Hex("06 01 06 00"));
  const Array* arr = a.AsArray();
  REQUIRE(arr->dense.size() == 3);
  CHECK(arr->dense[0].AsString() == "hello");
  CHECK(arr->dense[1].AsString().empty());
  CHECK(arr->dense[2].AsString() == "hello");
}

TEST_CASE("AMF3 XMLDocument, XML, ByteArray and Date are objects for references") {
  Arena arena;
  Value a = RoundTrip3(arena, Hex("09 0B 01 07 09") + "<a/>" + Hex("0B 09") + "<b/>" +
                                  Hex("0C 07 00 FF 01 08 01 42 71 76 59 2E 00 00 00 08 08"));
  const Array* arr = a.AsArray();
  REQUIRE(arr->dense.size() == 5);
  CHECK(arr->dense[0].type() == Type::kXmlDocument);
  CHECK(arr->dense[1].type() == Type::kXml);
  CHECK(arr->dense[2].AsBlob()->bytes == std::string("\x00\xFF\x01", 3));
  CHECK(arr->dense[3].AsDate()->millis == 1200000000000.0);
  // 08 08: a reference to object 4 (the array is 0), the date.
  CHECK(arr->dense[4].node() == arr->dense[3].node());
}

TEST_CASE("AMF3 arrays: dense, associative and both") {
  Arena arena;
  Value d = RoundTrip3(arena, Hex("09 07 01 04 01 04 02 04 03"));
  CHECK(d.AsArray()->dense.size() == 3);
  Value m = RoundTrip3(arena, Hex("09 03 03 61 04 01 01 06 03 62"));
  REQUIRE(m.AsArray()->assoc.size() == 1);
  CHECK(m.AsArray()->assoc[0].name == "a");
  CHECK(m.AsArray()->dense[0].AsString() == "b");
}

TEST_CASE("AMF3 anonymous objects share traits by reference, as Flash writes them") {
  Arena arena;
  // [{a: 1}, {a: 2}]: second object uses traits reference 0 (0x01) and the
  // member name by string reference 0 (0x00).
  Value v = RoundTrip3(arena, Hex("09 05 01 0A 0B 01 03 61 04 01 01 0A 01 00 04 02 01"));
  const Array* arr = v.AsArray();
  CHECK(arr->dense[0].AsObject()->traits == arr->dense[1].AsObject()->traits);
  CHECK(arr->dense[1].AsObject()->Find("a")->AsInteger() == 2);
}

TEST_CASE("AMF3 typed objects with sealed and dynamic members keep their traits") {
  Arena arena;
  // class Foo, dynamic, sealed [a, b], then dynamic c.
  Value v = RoundTrip3(arena, Hex("0A 2B 07") + "Foo" + Hex("03 61 03 62 04 01 04 02 03 63 01 01"));
  const Object* o = v.AsObject();
  CHECK(o->traits->class_name == "Foo");
  CHECK(o->traits->dynamic);
  REQUIRE(o->traits->sealed_names.size() == 2);
  CHECK(o->Find("b")->AsInteger() == 2);
  CHECK(o->Find("c")->is_null());
  // Sealed only: no dynamic terminator.
  Value s = RoundTrip3(arena, Hex("0A 13 07") + "Bar" + Hex("03 78 02"));
  CHECK_FALSE(s.AsObject()->traits->dynamic);
}

TEST_CASE("AMF3 cyclic objects decode as a cycle and encode as references") {
  Arena arena;
  Value v = RoundTrip3(arena, Hex("0A 0B 01 09") + "self" + Hex("0A 00 01"));
  CHECK(v.AsObject()->Find("self")->node() == v.node());
}

TEST_CASE("AMF3 vectors keep fixed flag, type name and items") {
  Arena arena;
  Value i = RoundTrip3(arena, Hex("0D 05 01 00 00 00 01 FF FF FF FF"));
  REQUIRE(i.AsVector() != nullptr);
  CHECK(i.AsVector()->fixed);
  CHECK(i.AsVector()->ints[1] == -1);
  Value u = RoundTrip3(arena, Hex("0E 03 00 FF FF FF FF"));
  CHECK(u.AsVector()->uints[0] == 0xFFFFFFFFu);
  Value d = RoundTrip3(arena, Hex("0F 03 00 3F F8 00 00 00 00 00 00"));
  CHECK(d.AsVector()->doubles[0] == 1.5);
  Value o = RoundTrip3(arena, Hex("10 05 00 07") + "Foo" + Hex("01 0A 13 00 03 78 03"));
  CHECK(o.AsVector()->type_name == "Foo");
  CHECK(o.AsVector()->objects[0].is_null());
}

TEST_CASE("AMF3 dictionary keeps weak-keys flag and entry order") {
  Arena arena;
  Value v = RoundTrip3(arena, Hex("11 05 01 06 03 6B 04 01 04 02 03"));
  const Dictionary* dict = v.AsDictionary();
  REQUIRE(dict != nullptr);
  CHECK(dict->weak_keys);
  REQUIRE(dict->entries.size() == 2);
  CHECK(dict->entries[0].key.AsString() == "k");
  CHECK(dict->entries[1].key.AsInteger() == 2);
}

TEST_CASE("AMF3 ArrayCollection and ObjectProxy carry one value") {
  Arena arena;
  Value ac = RoundTrip3(
      arena, Hex("0A 07 43") + "flex.messaging.io.ArrayCollection" + Hex("09 03 01 04 01"));
  const Object* o = ac.AsObject();
  REQUIRE(o->external != nullptr);
  CHECK(o->external->cls == ExternalClass::kArrayCollection);
  CHECK(o->external->value.AsArray()->dense[0].AsInteger() == 1);
  Value op =
      RoundTrip3(arena, Hex("0A 07 3B") + "flex.messaging.io.ObjectProxy" + Hex("0A 0B 01 01"));
  CHECK(op.AsObject()->external->cls == ExternalClass::kObjectProxy);
}

TEST_CASE("AMF3 externalizable traits ignore the insignificant header bits (spec 3.12)") {
  Arena arena;
  // 0x1F: externalizable, with the dynamic bit and a sealed count of 1 set.
  const std::string input = Hex("0A 1F 3B") + "flex.messaging.io.ObjectProxy" + Hex("01");
  auto v = DecodeAmf3(input, arena);
  REQUIRE(v.ok());
  CHECK(v->AsObject()->traits->externalizable);
  CHECK_FALSE(v->AsObject()->traits->dynamic);
  CHECK(v->AsObject()->traits->sealed_names.empty());
  CHECK(v->Validate());
}

TEST_CASE("AMF3 unknown externalizable classes are rejected: their length is unknowable") {
  CHECK(DecodeCode3(Hex("0A 07 07") + "Foo" + Hex("01")) == Code::kMalformed);
}

TEST_CASE("AMF3 malformed values fail cleanly") {
  CHECK(DecodeCode3(Hex("12")) == Code::kMalformed);                    // unknown marker
  CHECK(DecodeCode3(Hex("06 00")) == Code::kMalformed);                 // string ref, empty table
  CHECK(DecodeCode3(Hex("0A 02")) == Code::kMalformed);                 // object ref, empty table
  CHECK(DecodeCode3(Hex("0A 01")) == Code::kMalformed);                 // traits ref, empty table
  CHECK(DecodeCode3(Hex("09 03 01 0A 00")) == Code::kMalformed);        // object marker, array ref
  CHECK(DecodeCode3(Hex("0D 03 02 00 00 00 00")) == Code::kMalformed);  // fixed flag 2
  CHECK(DecodeCode3(Hex("06 05 C3 28")) == Code::kMalformed);           // invalid UTF-8
  CHECK(DecodeCode3(Hex("04 01 01")) == Code::kMalformed);              // trailing byte
}

TEST_CASE("AMF3 references may point at a container still being decoded (a cycle)") {
  Arena arena;
  Value v = RoundTrip3(arena, Hex("09 03 01 09 00"));
  CHECK(v.AsArray()->dense[0].node() == v.node());
}
