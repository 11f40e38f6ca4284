// Remoting packets: envelope, length fields, per-message reference tables,
// responses, and the split-point property (every prefix of a valid packet
// fails cleanly: kAgain or kMalformed, never an over-read; ASan checks that).
#include <vector>

#include "amf/flex.h"
#include "amf_test_util.h"
#include "random_values.h"

using namespace amfgate;
using namespace amfgate::amf;
using namespace amfgate::amf::testing;

namespace {

std::string Utf8(std::string_view s) {
  return std::string{static_cast<char>(s.size() >> 8), static_cast<char>(s.size() & 0xFF)} +
         std::string(s);
}

std::string U32(uint32_t v) {
  return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                     static_cast<char>(v >> 8), static_cast<char>(v)};
}

std::string Message(std::string_view value, uint32_t length) {
  return U32(length) + std::string(value);
}

// A packet with a must-understand Credentials header and two bodies, the
// second with an ECMA argument array, lengths as NetConnection writes them.
std::string HeadersAndTwoBodies() {
  std::string cred = Hex("03") + Utf8("userid") + Hex("02") + Utf8("u") + Utf8("password") +
                     Hex("02") + Utf8("p") + Hex("00 00 09");
  std::string args1 = Hex("0A 00 00 00 00");
  std::string args2 =
      Hex("08 00 00 00 01") + Utf8("0") + Hex("00 40 00 00 00 00 00 00 00 00 00 09");
  return Hex("00 00 00 01") + Utf8("Credentials") + Hex("01") + Message(cred, cred.size()) +
         Hex("00 02") + Utf8("auth.whoami") + Utf8("/1") + Message(args1, kUnknownLength) +
         Utf8("echo.echo") + Utf8("/2") + Message(args2, 0);
}

std::string FlexPacket() {
  Arena arena;
  RemotingMessage m;
  m.common.destination = "echo";
  m.common.message_id = "6D0F4B2A-1C2B-4E6A-9B1E-2F0C6A7D8E9F";
  m.common.ds_id = "nil";
  m.operation = "echo";
  Value args[] = {Value::String("hi", Format::kAmf3), Value::Number(7, Format::kAmf3)};
  m.args = args;
  Value msg = EncodeRemotingMessage(arena, m);
  Value wrapped[] = {msg};
  Body body;
  body.target = "null";
  body.response = "/1";
  body.value = MakeArray(arena, wrapped, Format::kAmf0);
  Packet p;
  p.version = 3;
  p.bodies = {&body, 1};
  std::string out;
  REQUIRE(EncodePacket(p, arena, &out).ok());
  return out;
}

// A Flex client ping in the small form (DSC), as sent after small messages
// were negotiated.
std::string SmallPingPacket() {
  std::string dsc = Hex("11 0A 07") + Utf8Vr("DSC") + Hex("98 02 0A 0B 01") + Utf8Vr("DSId") +
                    Hex("06") + Utf8Vr("nil") + Hex("01 06") + Utf8Vr("M1") + Hex("0C 21") +
                    std::string(16, '\x5A') + Hex("01 06") + Utf8Vr("C1") + Hex("01 04 05");
  std::string args = Hex("0A 00 00 00 01") + dsc;
  return Hex("00 03 00 00 00 01") + Utf8("null") + Utf8("/2") + Message(args, args.size());
}

std::vector<std::string> ValidPackets() {
  std::vector<std::string> packets = {LoginByAliasPacket(), HeadersAndTwoBodies(), FlexPacket(),
                                      SmallPingPacket(), Hex("00 03 00 00 00 00")};
  // And some random ones, with every value type and references.
  Arena arena;
  RandomValues gen(99, arena);
  for (int i = 0; i < 30; ++i) {
    Body body;
    body.target = "echo.echo";
    body.response = "/1";
    body.value = gen.Next(Format::kAmf0);
    Packet p;
    p.bodies = {&body, 1};
    std::string out;
    REQUIRE(EncodePacket(p, arena, &out).ok());
    packets.push_back(out);
  }
  return packets;
}

}  // namespace

TEST_CASE("the loginByAlias request decodes to one body with one string argument") {
  Arena arena;
  std::string bytes = LoginByAliasPacket();
  auto p = DecodePacket(bytes, arena);
  REQUIRE(p.ok());
  CHECK(p->Validate());
  CHECK(p->version == 0);
  CHECK(p->headers.empty());
  REQUIRE(p->bodies.size() == 1);
  const Body& b = p->bodies[0];
  CHECK(b.target == "auth.loginByAlias");
  CHECK(b.response == "/1");
  CHECK(b.length.exact);
  Arguments args = BodyArguments(b);
  REQUIRE(args.size() == 1);
  CHECK(args.at(0).AsString().size() == 43);
  CHECK(args.at(1).is_undefined());
  std::string out;
  REQUIRE(EncodePacket(*p, arena, &out).ok());
  CHECK(ToHex(out) == ToHex(bytes));
}

TEST_CASE("headers, several bodies and length fields 0 and 0xFFFFFFFF round-trip as sent") {
  Arena arena;
  std::string bytes = HeadersAndTwoBodies();
  auto p = DecodePacket(bytes, arena);
  REQUIRE_MESSAGE(p.ok(), p.failure().reason);
  REQUIRE(p->headers.size() == 1);
  CHECK(p->headers[0].name == "Credentials");
  CHECK(p->headers[0].must_understand);
  CHECK(p->headers[0].value.AsObject()->Find("userid")->AsString() == "u");
  REQUIRE(p->bodies.size() == 2);
  CHECK_FALSE(p->bodies[0].length.exact);
  CHECK(p->bodies[0].length.recorded == kUnknownLength);
  CHECK(p->bodies[1].length.recorded == 0);
  CHECK(BodyArguments(p->bodies[1]).at(0).AsNumber() == 2.0);
  std::string out;
  REQUIRE(EncodePacket(*p, arena, &out).ok());
  CHECK(ToHex(out) == ToHex(bytes));
  // Asked for exact lengths, the encoder writes the real ones.
  EncodeOptions exact;
  exact.exact_lengths = true;
  std::string fixed;
  REQUIRE(EncodePacket(*p, arena, &fixed, exact).ok());
  auto q = DecodePacket(fixed, arena);
  REQUIRE(q.ok());
  CHECK(q->bodies[0].length.exact);
  CHECK(q->bodies[1].length.exact);
}

TEST_CASE("a length field that is neither exact nor 0, 1 or 0xFFFFFFFF is malformed") {
  Arena arena;
  std::string bytes = LoginByAliasPacket();
  std::string one = bytes;
  one[bytes.size() - 52] = 0x01;  // low byte of the length: 0x33 -> 0x01
  auto p = DecodePacket(one, arena);
  REQUIRE(p.ok());
  CHECK(p->bodies[0].length.recorded == 1);
  std::string wrong = bytes;
  wrong[bytes.size() - 52] = 0x34;
  auto q = DecodePacket(wrong, arena);
  CHECK(q.code() == Code::kMalformed);
  CHECK(q.failure().offset == bytes.size() - 55);
}

TEST_CASE("versions other than 0 and 3, and bytes after the last body, are rejected") {
  Arena arena;
  CHECK(DecodePacket(Hex("00 01 00 00 00 00"), arena).code() == Code::kMalformed);
  CHECK(DecodePacket(Hex("00 03 00 00 00 00 00"), arena).code() == Code::kMalformed);
  CHECK(DecodePacket(Hex("00 00 00 00 00 00"), arena).ok());
}

TEST_CASE("reference tables start empty for every header and body") {
  Arena arena;
  // Body 2 refers to AMF0 object 0 and AMF3 string 0, defined only in body 1.
  std::string first = Hex("0A 00 00 00 02 03 00 00 09 11 06 03 61");
  std::string amf0_ref = Hex("0A 00 00 00 01 07 00 01");
  std::string amf3_ref = Hex("0A 00 00 00 01 11 06 00");
  auto packet = [&](const std::string& second) {
    return Hex("00 00 00 00 00 02") + Utf8("a") + Utf8("/1") + Message(first, first.size()) +
           Utf8("b") + Utf8("/2") + Message(second, second.size());
  };
  std::string within = packet(Hex("0A 00 00 00 01 07 00 00"));  // its own array: legal
  CHECK(DecodePacket(within, arena).ok());
  CHECK(DecodePacket(packet(amf0_ref), arena).code() == Code::kMalformed);
  CHECK(DecodePacket(packet(amf3_ref), arena).code() == Code::kMalformed);
}

TEST_CASE("every prefix of a valid packet fails with kAgain or kMalformed") {
  for (const std::string& full : ValidPackets()) {
    Arena arena;
    REQUIRE(DecodePacket(full, arena).ok());
    for (size_t n = 0; n < full.size(); ++n) {
      arena.Reset();
      // An exact-size heap copy, so that ASan sees any read past the prefix.
      std::vector<char> prefix(full.begin(), full.begin() + n);
      auto r = DecodePacket(std::string_view(prefix.data(), n), arena);
      CAPTURE(n);
      REQUIRE_FALSE(r.ok());
      CHECK((r.code() == Code::kAgain || r.code() == Code::kMalformed));
      CHECK(r.failure().offset <= n);
    }
  }
}

TEST_CASE("limits on headers, bodies and input size give kTooLarge") {
  Arena arena;
  DecodeLimits limits;
  limits.max_bodies = 1;
  CHECK(DecodePacket(HeadersAndTwoBodies(), arena, limits).code() == Code::kTooLarge);
  limits = DecodeLimits();
  limits.max_headers = 0;
  CHECK(DecodePacket(HeadersAndTwoBodies(), arena, limits).code() == Code::kTooLarge);
  limits = DecodeLimits();
  limits.max_input_bytes = 10;
  CHECK(DecodePacket(LoginByAliasPacket(), arena, limits).code() == Code::kTooLarge);
}

TEST_CASE("a response answers each body with RESPONSE/onResult or /onStatus and response null") {
  Arena arena;
  const Member user[] = {{"user", Value::String("alice")},
                         {"session_expires", Value::Number(1800)}};
  Body bodies[] = {
      ResultBody(arena, "/1", MakeObject(arena, user, Format::kAmf0)),
      StatusBody(arena, "/2", MakeStatusObject(arena, "Auth.AliasInvalid", "alias invalid")),
  };
  Packet p;
  p.bodies = bodies;
  CHECK(p.Validate());
  std::string out;
  REQUIRE(EncodePacket(p, arena, &out).ok());
  auto back = DecodePacket(out, arena);
  REQUIRE(back.ok());
  CHECK(back->bodies[0].target == "/1/onResult");
  CHECK(back->bodies[0].response == "null");
  CHECK(back->bodies[0].length.exact);
  CHECK(back->bodies[0].value.AsObject()->Find("session_expires")->AsNumber() == 1800);
  CHECK(back->bodies[1].target == "/2/onStatus");
  const Object* status = back->bodies[1].value.AsObject();
  CHECK(status->Find("level")->AsString() == "error");
  CHECK(status->Find("code")->AsString() == "Auth.AliasInvalid");
  // The same result for an AMF3 client goes out after the 0x11 switch.
  Body amf3 = ResultBody(arena, "/1", Value::String("alice", Format::kAmf3));
  Packet q;
  q.version = 3;
  q.bodies = {&amf3, 1};
  out.clear();
  REQUIRE(EncodePacket(q, arena, &out).ok());
  CHECK(ToHex(out).ends_with("00 00 00 08 11 06 0B 61 6C 69 63 65"));
}

TEST_CASE("EncodeReplies writes what Encode writes for ResultBody and StatusBody bodies") {
  Arena arena;
  RandomValues gen(13, arena);
  PacketEncoder replies;
  PacketEncoder packets;
  const std::string_view uris[] = {"/1", "/23", "", "/a-much-longer-response-uri-than-usual"};
  for (int i = 0; i < 500; ++i) {
    arena.Reset();
    uint16_t version = i % 2 ? 3 : 0;
    std::span<Reply> answers = arena.NewSpan<Reply>(i % 4);
    std::span<Body> bodies = arena.NewSpan<Body>(answers.size());
    for (size_t j = 0; j < answers.size(); ++j) {
      Value v = gen.Next(i % 3 ? Format::kAmf3 : Format::kAmf0);
      std::string_view uri = uris[(i + j) % 4];
      bool status = (i + j) % 5 == 0;
      answers[j] = Reply{uri, status, v};
      bodies[j] = status ? StatusBody(arena, uri, v) : ResultBody(arena, uri, v);
    }
    Packet p;
    p.version = version;
    p.bodies = bodies;
    std::string expected = "x";
    REQUIRE(packets.Encode(p, &expected).ok());
    std::string out = "x";
    auto n = replies.EncodeReplies(version, answers, &out);
    REQUIRE(n.ok());
    REQUIRE(*n == out.size() - 1);
    REQUIRE(ToHex(out) == ToHex(expected));
  }
  // A response URI too long to be part of a target fails as Encode would.
  std::string long_uri(70000, 'u');
  const Reply reply{long_uri, false, Value::Null()};
  std::string out;
  auto failed = replies.EncodeReplies(0, {&reply, 1}, &out);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.code() == Code::kTooLarge);
}

TEST_CASE("a packet is appended to what the string holds, and leaves no filler behind") {
  Arena arena;
  std::string bytes = HeadersAndTwoBodies();
  auto p = DecodePacket(bytes, arena);
  REQUIRE(p.ok());
  // A reused string with spare capacity, as the gateway's response body is.
  std::string out = "xy";
  out.reserve(4096);
  auto n = EncodePacket(*p, arena, &out);
  REQUIRE(n.ok());
  CHECK(*n == bytes.size());
  CHECK(out.size() == 2 + bytes.size());
  CHECK(ToHex(out) == ToHex("xy" + bytes));
  // A failure leaves the partial output, up to its offset, and nothing after.
  std::string long_target(70000, 't');
  Body body = ResultBody(arena, long_target, Value::Null());
  Packet bad;
  bad.bodies = {&body, 1};
  std::string partial = "xy";
  partial.reserve(4096);
  auto failed = EncodePacket(bad, arena, &partial);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.code() == Code::kTooLarge);
  CHECK(partial.size() == failed.failure().offset);
  CHECK(partial.starts_with("xy"));
}
