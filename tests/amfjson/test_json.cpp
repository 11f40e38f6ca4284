// The AMF <-> JSON mapping: references, length fields, limits, errors, and a
// seeded random round trip (JSON -> bytes -> JSON -> bytes).
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>

#include "amf/codec.h"
#include "amf/compare.h"
#include "amf/flex.h"
#include "amf/json.h"
#include "amf/packet.h"

using namespace amfgate;
using amf::JsonDocumentKind;

namespace {

std::string Hex(std::string_view bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::string Encode(std::string_view json) {
  std::string bytes;
  Status s = amf::EncodeJson(json, &bytes);
  INFO(json);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return bytes;
}

std::string EncodeError(std::string_view json) {
  std::string bytes;
  Status s = amf::EncodeJson(json, &bytes);
  INFO(json);
  CHECK_FALSE(s.ok());
  return s.message();
}

// The compact dump of bytes (one line, for comparisons).
std::string Dump(std::string_view bytes, JsonDocumentKind kind) {
  std::string text;
  Status s = amf::DumpJson(bytes, kind, &text);
  INFO(s.ToString());
  REQUIRE(s.ok());
  json::Value tree;
  REQUIRE(json::Parse(text, &tree).ok());
  return json::Serialize(tree, false);
}

// Encodes {"amf3": value} and returns the dump's value, compact.
std::string Roundtrip3(std::string_view value_json) {
  std::string dumped = Dump(Encode(std::string(R"({"amf3": )") + std::string(value_json) + "}"),
                            JsonDocumentKind::kAmf3Value);
  return dumped.substr(9, dumped.size() - 10);
}

}  // namespace

TEST_CASE("a self-referencing object encodes as a reference and decodes as a cycle") {
  std::string bytes = Encode(R"({"amf3": {"object": {"name": "root", "self": {"$ref": 0}}}})");
  CHECK(Hex(bytes) ==
        "0a0b01096e616d6506097"
        "26f6f74"
        "0973656c660a0001");
  Arena arena;
  Result<amf::Value> v = amf::DecodeAmf3(bytes, arena);
  REQUIRE(v.ok());
  const amf::Value* self = v->AsObject()->Find("self");
  REQUIRE(self != nullptr);
  CHECK(self->node() == v->node());
  CHECK(Dump(bytes, JsonDocumentKind::kAmf3Value) ==
        R"({"amf3": {"object": {"name": "root", "self": {"$ref": 0}}}})");
  // AMF0 objects are in their message's table before their members too.
  std::string amf0 = Encode(R"({"amf0": {"object": {"me": {"$ref": 0}}}})");
  CHECK(Hex(amf0) == "0300026d65070000000009");
}

TEST_CASE("repeated inline strings and traits are written as references, as Flash writes them") {
  CHECK(Roundtrip3(R"({"array": ["a", "a", {"object": {"a": 1}}, {"object": {"b": 2}}]})") ==
        R"({"array": ["a", {"$sref": 0}, {"object": {"a": {"int": 1}}}, )"
        R"({"$tref": 0, "object": {"b": {"int": 2}}}]})");
  // Empty strings are never references.
  CHECK(Roundtrip3(R"({"array": ["", ""]})") == R"({"array": ["", ""]})");
}

TEST_CASE("bare JSON numbers become what Flash would write") {
  CHECK(Roundtrip3(R"({"array": [5, -5, 5.5, 268435455, 268435456, -268435457, 1e3]})") ==
        R"({"array": [{"int": 5}, {"int": -5}, {"double": 5.5}, {"int": 268435455}, )"
        R"({"double": 268435456.0}, {"double": -268435457.0}, {"int": 1000}]})");
  CHECK(Dump(Encode(R"({"amf0": 7})"), JsonDocumentKind::kAmf0Value) ==
        R"({"amf0": {"number": 7.0}})");
}

TEST_CASE("doubles keep every bit: -0, NaN payloads, infinities, subnormals") {
  std::string bytes = Encode(
      R"({"amf3": {"vector_double": [-0.0, "NaN", "NaN:7ff0000000000001", "NaN:fff8000000000000",)"
      R"( "Infinity", "-Infinity", 5e-324, 1.7976931348623157e308]}})");
  CHECK(Hex(bytes).find("8000000000000000"
                        "7ff8000000000000"
                        "7ff0000000000001"
                        "fff8000000000000"
                        "7ff0000000000000"
                        "fff0000000000000") != std::string::npos);
  CHECK(
      Dump(bytes, JsonDocumentKind::kAmf3Value) ==
      R"({"amf3": {"vector_double": [-0.0, "NaN", "NaN:7ff0000000000001", "NaN:fff8000000000000", )"
      R"("Infinity", "-Infinity", 5e-324, 1.7976931348623157e+308]}})");
  CHECK(EncodeError(R"({"amf3": {"double": "NaN:0000000000000001"}})").find("expected a number") !=
        std::string::npos);
}

TEST_CASE("length fields: left out means exact; 0, 1 and 0xFFFFFFFF are kept; others are errors") {
  const char* packet =
      R"({"version": 0, "bodies": [{"target": "t", "response": "/1",%s "value": null}]})";
  auto with = [&](const char* length) {
    char buf[256];
    std::snprintf(buf, sizeof buf, packet, length);
    return std::string(buf);
  };
  CHECK(Hex(Encode(with(""))).substr(0, 36) ==
        "000000000001000174"
        "00022f3100000001"
        "05");
  CHECK(Hex(Encode(with(R"( "length": 1,)"))).find("0000000105") != std::string::npos);
  CHECK(Hex(Encode(with(R"( "length": 0,)"))).find("0000000005") != std::string::npos);
  CHECK(Hex(Encode(with(R"( "length": 4294967295,)"))).find("ffffffff05") != std::string::npos);
  CHECK(EncodeError(with(R"( "length": 7,)")) ==
        "line 1, column 71: the length is 1 bytes; only 0, 1 and 4294967295 may stand for unknown");
  std::string dumped = Dump(Encode(with(R"( "length": 4294967295,)")), JsonDocumentKind::kPacket);
  CHECK(dumped.find(R"("length": 4294967295)") != std::string::npos);
}

TEST_CASE("document errors name the line and column of the offending value") {
  CHECK(EncodeError("{\"amf3\":\n  {\"object\": {\"a\": {\"$ref\": 3}}}}") ==
        "line 2, column 29: no such entry in the object table");
  CHECK(EncodeError(R"({"amf3": {"$sref": 0}})") ==
        "line 1, column 20: no such entry in the string table");
  CHECK(EncodeError(R"({"amf3": {"$tref": 0, "object": {}}})") ==
        "line 1, column 20: no such entry in the traits table");
  CHECK(EncodeError(R"({"amf3": {"int": 268435456}})").find("expected an integer from") !=
        std::string::npos);
  CHECK(EncodeError(R"({"amf3": {"int": 1.5}})").find("expected an integer") != std::string::npos);
  CHECK(EncodeError(R"({"amf3": {"sealed": ["a"], "object": {"b": 1}}})") ==
        R"(line 1, column 44: sealed member 0 is named "a" in the traits)");
  CHECK(EncodeError(R"({"amf3": {"dynamic": false, "object": {"b": 1}}})") ==
        "line 1, column 45: a member beyond the sealed ones of sealed traits");
  CHECK(EncodeError(
            R"({"amf3": {"class": "com.evil.Thing", "externalizable": true, "external": null}})")
            .find("no codec knows the externalizable class") != std::string::npos);
  CHECK(EncodeError(R"({"amf3": {"object": {}, "array": []}})") ==
        "line 1, column 34: a value has one type member");
  CHECK(EncodeError(R"({"amf3": {"int": 1, "fixed": true}})") ==
        R"(line 1, column 30: unexpected member "fixed")");
  CHECK(EncodeError(R"({"amf0": {"int": 1}})").find("no type member here (AMF0: number,") !=
        std::string::npos);
  CHECK(EncodeError(R"({"amf0": [1]})").find("strict_array") != std::string::npos);
  CHECK(EncodeError(R"({"amf3": {"bytearray": "0g"}})").find("hex digits") != std::string::npos);
  CHECK(EncodeError(R"({"amf3": {"assoc": {"": 1}, "array": []}})").find("needs a name") !=
        std::string::npos);
  CHECK(EncodeError(R"({"version": 2})").find("\"version\": 0 or 3") != std::string::npos);
  CHECK(EncodeError(R"({"version": 0, "bodies": [{"target": "t", "value": null}]})")
            .find("needs \"target\", \"response\" and \"value\"") != std::string::npos);
  CHECK(EncodeError(R"({"amf0": 1, "amf3": 1})").find("exactly one member") != std::string::npos);
  CHECK(EncodeError(R"([1])").find("a document is a JSON object") != std::string::npos);
  CHECK(EncodeError(R"({"amf0": {"number": 1}} trailing)").find("unexpected text") !=
        std::string::npos);
}

TEST_CASE("nesting past the decode limit is refused, and a million brackets never recurse") {
  std::string ok = R"({"amf3": )", too_deep = ok;
  for (int i = 0; i < 32; ++i) ok += R"({"array": [)";
  ok += "1";
  for (int i = 0; i < 32; ++i) ok += "]}";
  ok += "}";
  CHECK(Encode(ok).size() == 32 * 3 + 2);
  for (int i = 0; i < 33; ++i) too_deep += R"({"array": [)";
  too_deep += "1";
  for (int i = 0; i < 33; ++i) too_deep += "]}";
  too_deep += "}";
  CHECK(EncodeError(too_deep).find("nesting deeper than the limit") != std::string::npos);
  CHECK(EncodeError(std::string(1000000, '[')).find("nesting too deep") != std::string::npos);
  std::string objects;
  for (int i = 0; i < 1000000; ++i) objects += R"({"a": )";
  CHECK(EncodeError(R"({"amf3": )" + objects).find("nesting too deep") != std::string::npos);
}

TEST_CASE("a built value dumps as what its encoder writes") {
  Arena arena;
  amf::Member members[] = {
      {"n", amf::Value::Number(3.0, amf::Format::kAmf3)},
      {"f", amf::Value::Number(0.5, amf::Format::kAmf3)},
      {"z", amf::Value::Number(-0.0, amf::Format::kAmf3)},
      {"i", amf::Value::Integer(1 << 28, amf::Format::kAmf3)},
  };
  amf::Value v = amf::MakeObject(arena, members, amf::Format::kAmf3);
  json::Value out;
  REQUIRE(amf::ValueToJson(v, amf::Format::kAmf3, &out).ok());
  CHECK(json::Serialize(out, false) ==
        R"({"amf3": {"object": {"n": {"int": 3}, "f": {"double": 0.5}, "z": {"double": -0.0}, )"
        R"("i": {"double": 268435456.0}}}})");
  std::string direct, via_json;
  Arena scratch;
  REQUIRE(amf::EncodeAmf3(v, scratch, &direct).ok());
  CHECK(Encode(json::Serialize(out)) == direct);
}

TEST_CASE("built AMF0 values dump as the AMF0 encoder writes them") {
  Arena arena;
  // A ByteArray has no AMF0 form: the encoder switches to AMF3 for it.
  amf::Value blob = amf::MakeBlob(arena, amf::Type::kByteArray, "ab", amf::Format::kAmf0);
  // An array with named members is an ECMA array; its dense elements become
  // members "0", "1", ... and its count is the dense length.
  amf::Value dense[] = {amf::Value::String("x"), amf::Value::Boolean(true)};
  amf::Member named[] = {{"k", blob}};
  amf::Array* array = arena.New<amf::Array>();
  array->dense = arena.CopySpan<amf::Value>(dense);
  array->assoc = arena.CopySpan<amf::Member>(named);
  amf::Value v = amf::Value::Of(static_cast<const amf::Array*>(array), amf::Format::kAmf0);
  json::Value out;
  REQUIRE(amf::ValueToJson(v, amf::Format::kAmf0, &out).ok());
  CHECK(
      json::Serialize(out, false) ==
      R"({"amf0": {"ecma_array": {"0": "x", "1": true, "k": {"amf3": {"bytearray": "6162"}}}, "count": 2}})");
  std::string direct;
  Arena scratch;
  REQUIRE(amf::EncodeAmf0(v, scratch, &direct).ok());
  CHECK(Hex(Encode(json::Serialize(out))) == Hex(direct));
}

TEST_CASE("Flex small messages (DSK) dump as levels of flags and values and encode back") {
  Arena arena;
  amf::AcknowledgeMessage ack;
  ack.common.message_id = "8D3A1B2C-0000-4000-8000-00000000AAAA";
  ack.common.client_id = "8D3A1B2C-0000-4000-8000-00000000BBBB";
  ack.common.timestamp = 1700000000000.0;
  ack.common.body = amf::Value::String("alice", amf::Format::kAmf3);
  ack.correlation_id = "8D3A1B2C-0000-4000-8000-00000000CCCC";
  amf::Value small = amf::EncodeAcknowledgeMessage(arena, ack, amf::FlexForm::kSmall);
  std::string bytes;
  Arena scratch;
  REQUIRE(amf::EncodeAmf3(small, scratch, &bytes).ok());
  std::string text = Dump(bytes, JsonDocumentKind::kAmf3Value);
  CHECK(text.find(R"("class": "DSK", "externalizable": true, "levels": [{"flags": ")") !=
        std::string::npos);
  CHECK(Hex(Encode(text)) == Hex(bytes));
  // Flags that announce more values than given are refused with a place.
  CHECK(EncodeError(R"({"amf3": {"class": "DSK", "externalizable": true, "levels": )"
                    R"([{"flags": "01", "values": []}, {"flags": "00", "values": []}, )"
                    R"({"flags": "00", "values": []}]}})") ==
        "line 1, column 61: the flag bits do not announce these values");
}

namespace {

// A seeded generator of documents in the JSON form. Strings come from a
// small pool so that references happen; objects reuse a few trait shapes.
class RandomDoc {
 public:
  explicit RandomDoc(uint32_t seed) : rng_(seed) {}

  std::string Amf3(int depth) {
    int kind = Pick(depth > 3 ? 8 : 14);
    switch (kind) {
      case 0:
        return "null";
      case 1:
        return Pick(2) ? "true" : "false";
      case 2:
        return R"({"undefined": null})";
      case 3:
        return R"({"int": )" +
               std::to_string(static_cast<int32_t>(rng_() % (1 << 29)) - (1 << 28)) + "}";
      case 4:
        return R"({"double": )" + json::FormatDouble(Double()) + "}";
      case 5:
      case 6:
        return Quote(Word());
      case 7:
        return R"({"date": )" + json::FormatDouble(static_cast<double>(rng_() % 4000000000000ull)) +
               "}";
      case 8: {
        std::string s = R"({"array": [)";
        int n = Pick(4);
        for (int i = 0; i < n; ++i) s += (i ? ", " : "") + Amf3(depth + 1);
        s += "]";
        if (Pick(3) == 0)
          s += R"(, "assoc": {)" + Quote(Word() + "k") + ": " + Amf3(depth + 1) + "}";
        return s + "}";
      }
      case 9: {
        static const char* kShapes[] = {R"("sealed": ["x", "y"], "dynamic": false)",
                                        R"("class": "com.example.P", "sealed": ["x", "y"])", ""};
        int shape = Pick(3);
        std::string s = "{";
        if (shape < 2) s += std::string(kShapes[shape]) + ", ";
        s += R"("object": {)";
        if (shape < 2) s += R"("x": )" + Amf3(depth + 1) + R"(, "y": )" + Amf3(depth + 1);
        if (shape != 0) {
          int n = Pick(3);
          for (int i = 0; i < n; ++i) {
            s += (i || shape < 2 ? ", " : "") + Quote(Word() + std::to_string(i)) + ": " +
                 Amf3(depth + 1);
          }
        }
        return s + "}}";
      }
      case 10:
        return R"({"bytearray": ")" + std::string(Pick(3) * 2, 'a') + "0f\"}";
      case 11:
        return R"({"vector_int": [1, -2147483648, 2147483647], "fixed": true})";
      case 12:
        return R"({"dictionary": [[)" + Amf3(depth + 1) + ", " + Amf3(depth + 1) + "]]}";
      default:
        return R"({"xml": "<x a=\"1\"/>"})";
    }
  }

  std::string Amf0(int depth) {
    switch (Pick(depth > 3 ? 5 : 9)) {
      case 0:
        return "null";
      case 1:
        return R"({"number": )" + json::FormatDouble(Double()) + "}";
      case 2:
        return Quote(Word());
      case 3:
        return R"({"undefined": null})";
      case 4:
        return R"({"amf3": )" + Amf3(depth) + "}";
      case 5: {
        std::string s = R"({"strict_array": [)";
        int n = Pick(4);
        for (int i = 0; i < n; ++i) s += (i ? ", " : "") + Amf0(depth + 1);
        return s + "]}";
      }
      case 6:
        return R"({"object": {)" + Quote(Word()) + ": " + Amf0(depth + 1) + "}}";
      case 7:
        return R"({"ecma_array": {"0": )" + Amf0(depth + 1) + R"(}, "count": )" +
               std::to_string(Pick(3)) + "}";
      default:
        return R"({"date": 1.0e12, "timezone": 0})";
    }
  }

  std::string Packet() {
    std::string s = R"({"version": )" + std::string(Pick(2) ? "3" : "0") + R"(, "headers": [)";
    int h = Pick(2);
    for (int i = 0; i < h; ++i) {
      s += R"({"name": "h", "must_understand": false, "value": )" + Amf0(1) + "}";
    }
    s += R"(], "bodies": [)";
    int b = Pick(3);
    for (int i = 0; i < b; ++i) {
      s += std::string(i ? ", " : "") + R"({"target": "svc.m", "response": "/)" +
           std::to_string(i + 1) + R"(", "length": )" + (Pick(2) ? "4294967295" : "0") +
           R"(, "value": )" + Amf0(1) + "}";
    }
    return s + "]}";
  }

 private:
  int Pick(int n) { return static_cast<int>(rng_() % n); }
  double Double() {
    uint64_t bits = rng_();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return std::isfinite(d) ? d : 0.5;
  }
  std::string Word() {
    static const char* kWords[] = {"a", "b", "alias", "caf\u00e9", "\xF0\x9F\x98\x80", "x y"};
    return kWords[Pick(6)];
  }
  static std::string Quote(const std::string& s) {
    return json::Serialize(json::Value::String(s), false);
  }

  std::mt19937 rng_;
};

}  // namespace

TEST_CASE("seeded random documents: encode, dump, encode again gives the same bytes and graph") {
  RandomDoc gen(20240501);
  for (int i = 0; i < 3000; ++i) {
    int which = i % 3;
    std::string doc = which == 0   ? gen.Packet()
                      : which == 1 ? R"({"amf0": )" + gen.Amf0(0) + "}"
                                   : R"({"amf3": )" + gen.Amf3(0) + "}";
    INFO(doc);
    std::string bytes, text, again;
    JsonDocumentKind kind;
    Status s = amf::EncodeJson(doc, &bytes, &kind);
    INFO(s.ToString());
    REQUIRE(s.ok());
    s = amf::DumpJson(bytes, kind, &text);
    INFO(s.ToString());
    REQUIRE(s.ok());
    REQUIRE(amf::EncodeJson(text, &again).ok());
    CHECK(Hex(again) == Hex(bytes));
    if (kind == JsonDocumentKind::kPacket) continue;
    // The graph the JSON builds is the graph the bytes decode to.
    Arena a1, a2;
    json::Value tree;
    REQUIRE(json::Parse(doc, &tree).ok());
    amf::JsonDocument built;
    REQUIRE(amf::JsonToDocument(tree, a1, &built).ok());
    Result<amf::Value> decoded = kind == JsonDocumentKind::kAmf0Value ? amf::DecodeAmf0(bytes, a2)
                                                                      : amf::DecodeAmf3(bytes, a2);
    REQUIRE(decoded.ok());
    if (kind == JsonDocumentKind::kAmf3Value) {
      // Bare numbers build as "encoder's choice" numbers, decoded ones are exact.
      json::Value dumped_tree;
      REQUIRE(json::Parse(text, &dumped_tree).ok());
      amf::JsonDocument rebuilt;
      Arena a3;
      REQUIRE(amf::JsonToDocument(dumped_tree, a3, &rebuilt).ok());
      CHECK(amf::FirstDifference(rebuilt.value, *decoded) == "");
    } else {
      CHECK(amf::FirstDifference(built.value, *decoded) == "");
    }
  }
}
