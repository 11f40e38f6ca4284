// The gateway's protocol surface: the HTTP gate, packet handling, echo.echo
// over a corpus of AMF0/AMF3 values, Flex messaging byte for byte, password
// login on and off.
#include <doctest/doctest.h>

#include <cstring>

#include "amf/flex.h"
#include "rig.h"
#include "web/encoding.h"

using namespace amfgate;
using namespace amfgate::testing;

namespace {

std::string Hex(std::string_view hex) {
  std::string out;
  int hi = -1;
  for (char c : hex) {
    int v = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
    if (v < 0) continue;
    if (hi < 0) {
      hi = v;
    } else {
      out += static_cast<char>(hi * 16 + v);
      hi = -1;
    }
  }
  return out;
}

void PutU16(std::string& out, size_t v) {
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v & 0xFF);
}

void PutU32(std::string& out, size_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xFF);
}

// A one-body request packet written by hand: target, "/1", exact length, and
// the argument bytes inside a one-element AMF0 strict array.
std::string HandPacket(std::string_view target, std::string_view arg_bytes, uint16_t version = 0) {
  std::string value = "\x0A";
  PutU32(value, 1);
  value += arg_bytes;
  std::string p;
  PutU16(p, version);
  PutU16(p, 0);
  PutU16(p, 1);
  PutU16(p, target.size());
  p += target;
  PutU16(p, 2);
  p += "/1";
  PutU32(p, value.size());
  p += value;
  return p;
}

// The value bytes of the only body of a response packet with no headers,
// read by hand (not with the codec under test).
std::string OnlyBodyValue(const std::string& packet, std::string* target) {
  size_t at = 4;  // version, header count 0
  REQUIRE(packet.size() > 6);
  REQUIRE(packet[2] == 0);
  REQUIRE(packet[3] == 0);
  REQUIRE((static_cast<uint8_t>(packet[4]) << 8 | static_cast<uint8_t>(packet[5])) == 1);
  at = 6;
  auto u16 = [&] {
    size_t v = static_cast<uint8_t>(packet[at]) << 8 | static_cast<uint8_t>(packet[at + 1]);
    at += 2;
    return v;
  };
  size_t n = u16();
  *target = packet.substr(at, n);
  at += n;
  n = u16();
  at += n;  // response URI
  size_t length = 0;
  for (int i = 0; i < 4; ++i) length = length << 8 | static_cast<uint8_t>(packet[at++]);
  std::string value = packet.substr(at);
  CHECK(value.size() == length);
  return value;
}

Config PasswordConfig(bool on) {
  Config c;
  c.gateway_password_login = on;
  return c;
}

}  // namespace

TEST_CASE("the gateway takes POST with application/x-amf only") {
  Rig rig;
  std::string packet = BuildPacket({{"echo.echo", {amf::Value::Number(1)}}});
  CHECK(rig.Send("GET", "/gateway").status == 405);
  CHECK(rig.Send("GET", "/gateway").Header("Allow") == "POST");
  CHECK(rig.Send("PUT", "/gateway", packet, {{"Content-Type", "application/x-amf"}}).status == 405);
  CHECK(rig.Send("POST", "/gateway", packet, {{"Content-Type", "text/plain"}}).status == 415);
  CHECK(rig.Send("POST", "/gateway", packet, {{"Content-Type", "application/x-www-form-urlencoded"}}).status == 415);
  CHECK(rig.Send("POST", "/gateway", packet, {{"Content-Type", "multipart/form-data; boundary=x"}}).status == 415);
  CHECK(rig.Send("POST", "/gateway", packet, {}).status == 415);
  CHECK(rig.Send("POST", "/gateway", packet, {{"Content-Type", "Application/X-AMF; charset=binary"}}).status == 200);
}

TEST_CASE("a cross-origin POST is refused unless the origin is listed, which gets CORS with credentials") {
  Config c;
  c.allow_origin = {"https://partner.example"};
  Rig rig(c);
  std::string packet = BuildPacket({{"echo.echo", {amf::Value::Number(1)}}});
  CHECK(rig.Amf(packet, nullptr, "https://evil.example").status == 403);
  CHECK(rig.Amf(packet, nullptr, "null").status == 403);
  Reply own = rig.Amf(packet, nullptr, rig.origin());
  CHECK(own.status == 200);
  CHECK(own.Header("Access-Control-Allow-Origin").empty());
  Reply listed = rig.Amf(packet, nullptr, "https://partner.example");
  CHECK(listed.status == 200);
  CHECK(listed.Header("Access-Control-Allow-Origin") == "https://partner.example");
  CHECK(listed.Header("Access-Control-Allow-Credentials") == "true");
  Reply preflight = rig.Send("OPTIONS", "/gateway", {}, {{"Origin", "https://partner.example"},
                                                          {"Access-Control-Request-Method", "POST"}});
  CHECK(preflight.status == 204);
  CHECK(preflight.Header("Access-Control-Allow-Headers") == "Content-Type");
  CHECK(rig.Send("OPTIONS", "/gateway", {}, {{"Origin", "https://evil.example"}}).status == 405);
  // A text/plain cross-site POST (what a form or a simple fetch can send) is refused first by its type.
  CHECK(rig.Send("POST", "/gateway", packet, {{"Content-Type", "text/plain"}, {"Origin", "https://evil.example"}}).status == 415);
}

TEST_CASE("a malformed packet gets 400 and one log line that quotes nothing of it") {
  Rig rig;
  std::string packet = BuildPacket({{"echo.echo", {amf::Value::String("SECRET-PAYLOAD")}}});
  std::string broken = packet.substr(0, packet.size() - 3);
  size_t before = rig.log_lines().size();
  Reply r = rig.Amf(broken, nullptr);
  CHECK(r.status == 400);
  REQUIRE(rig.log_lines().size() == before + 1);
  CHECK(rig.log_lines().back().find("malformed AMF packet") != std::string::npos);
  CHECK(rig.log_lines().back().find("SECRET") == std::string::npos);
  CHECK(rig.Amf(packet, nullptr).status == 200);  // and the gateway carries on
}

TEST_CASE("several bodies are answered in order, echoing response URIs that repeat across requests") {
  Rig rig;
  for (int round = 0; round < 2; ++round) {
    auto d = Decode(rig.Amf(BuildPacket({{"echo.echo", {amf::Value::String("a")}},
                                         {"no.such", {}},
                                         {"echo.echo", {amf::Value::String("c")}, "/7"}}),
                            nullptr));
    REQUIRE(d->ok);
    REQUIRE(d->packet.bodies.size() == 3);
    CHECK(d->body(0).target == "/1/onResult");
    CHECK(d->StringResult(0) == "a");
    CHECK(d->body(1).target == "/2/onStatus");
    CHECK(d->FaultCode(1) == "Server.ResourceUnavailable");
    CHECK(d->body(2).target == "/7/onResult");
    CHECK(d->StringResult(2) == "c");
  }
}

TEST_CASE("faults are {level, code, description} and echo nothing from the request") {
  Rig rig;
  auto d = Decode(rig.Amf(BuildPacket({{"evil<script>.x", {amf::Value::String("<b>payload</b>")}}}), nullptr));
  REQUIRE(d->IsStatus(0));
  const amf::Object* o = d->body(0).value.AsObject();
  REQUIRE(o != nullptr);
  CHECK(o->Find("level")->AsString() == "error");
  CHECK(o->Find("code")->AsString() == "Server.ResourceUnavailable");
  std::string description(o->Find("description")->AsString());
  CHECK(description.find("evil") == std::string::npos);
  CHECK(description.find("payload") == std::string::npos);
  CHECK(d->bytes.find("evil") == std::string::npos);
}

TEST_CASE("an unknown must-understand header faults every body; an unknown optional one is ignored") {
  Rig rig;
  amf::Header must;
  must.name = "X-Unknown";
  must.must_understand = true;
  must.value = amf::Value::Boolean(true);
  auto d = Decode(rig.Amf(BuildPacket({{"echo.echo", {amf::Value::Number(1)}}, {"echo.echo", {}}}, 0, {must}), nullptr));
  REQUIRE(d->ok);
  CHECK(d->FaultCode(0) == "Server.MustUnderstand");
  CHECK(d->FaultCode(1) == "Server.MustUnderstand");
  amf::Header optional = must;
  optional.must_understand = false;
  auto e = Decode(rig.Amf(BuildPacket({{"echo.echo", {amf::Value::String("x")}}}, 0, {optional}), nullptr));
  CHECK(e->StringResult(0) == "x");
}

TEST_CASE("echo.echo returns every AMF0 and AMF3 value it is sent, byte for byte") {
  // Each entry: the argument's bytes as a client writes them (AMF0 spec
  // section 2 for AMF0 markers; AMF3 spec section 3 behind the 0x11 switch).
  const char* corpus[] = {
      "00 3FF8000000000000",                              // AMF0 number 1.5
      "01 01", "01 00",                                   // booleans
      "02 0006 68C3A96C6C6F",                             // string "héllo"
      "03 0001 61 00 3FF0000000000000 000009",            // object {a: 1}
      "05", "06",                                         // null, undefined
      "08 00000001 0001 30 02 0001 78 000009",            // ECMA array {0: "x"}
      "0A 00000002 0101 05",                              // strict array [true, null]
      "0B 4272000000000000 0000",                         // date
      "0C 00000003 616263",                               // long string
      "0F 00000004 3C612F3E",                             // XML document "<a/>"
      "10 0005 506F696E74 0001 78 00 4000000000000000 000009",  // typed object Point {x: 2}
      "11 00", "11 01", "11 02", "11 03",                 // AMF3 undefined, null, false, true
      "11 04 05", "11 04 FFFFFFFF", "11 04 BFFFFFFF",     // integers 5, -1, 2^28-1
      "11 05 3FE0000000000000",                           // double 0.5
      "11 06 07 616263",                                  // string "abc"
      "11 09 05 01 06 05 6162 06 00",                     // ["ab", "ab"] with a string reference
      "11 08 01 4272000000000000",                        // date
      "11 09 03 03 6B 06 03 76 01 04 01",                 // array: dense [1], associative {k: "v"}
      "11 0A 0B 01 03 61 04 01 01",                       // dynamic anonymous object {a: 1}
      "11 0A 13 0B 506F696E74 03 78 04 02",               // sealed typed object Point {x: 2}
      "11 09 05 01 0A 0B 01 01 0A 02",                    // [o, o]: an object reference
      "11 0C 07 010203",                                  // ByteArray
      "11 0B 09 3C612F3E",                                // XML "<a/>"
      "11 07 09 3C612F3E",                                // XMLDocument
      "11 0D 05 00 00000001 FFFFFFFF",                    // Vector.<int> [1, -1]
      "11 0E 03 01 00000007",                             // fixed Vector.<uint> [7]
      "11 0F 03 00 3FF0000000000000",                     // Vector.<Number> [1]
      "11 10 03 00 01 06 03 73",                          // Vector.<Object> ["s"]
      "11 11 03 00 06 03 6B 04 01",                       // Dictionary {"k": 1}
  };
  Rig rig;
  for (uint16_t version : {0, 3}) {
    for (const char* hex : corpus) {
      CAPTURE(hex);
      CAPTURE(version);
      std::string arg = Hex(hex);
      Reply r = rig.Amf(HandPacket("echo.echo", arg, version), nullptr);
      REQUIRE(r.status == 200);
      std::string target;
      std::string value = OnlyBodyValue(r.body, &target);
      CHECK(target == "/1/onResult");
      CHECK(value == arg);
    }
  }
}

TEST_CASE("arguments as an ECMA array and as an AMF3 array are accepted too") {
  Rig rig;
  // echo.echo with its argument list as an AMF0 ECMA array {"0": "hi"}.
  std::string ecma = Hex("08 00000001 0001 30 02 0002 6869 000009");
  std::string p;
  PutU16(p, 0);
  PutU16(p, 0);
  PutU16(p, 1);
  PutU16(p, 9);
  p += "echo.echo";
  PutU16(p, 2);
  p += "/1";
  PutU32(p, 0xFFFFFFFF);  // "unknown" length, as some clients write it
  p += ecma;
  auto d = Decode(rig.Amf(p, nullptr));
  CHECK(d->StringResult(0) == "hi");
  // The whole argument list switched to AMF3: 0x11, array of one string.
  std::string amf3 = Hex("11 09 03 01 06 05 6869");
  std::string q;
  PutU16(q, 3);
  PutU16(q, 0);
  PutU16(q, 1);
  PutU16(q, 9);
  q += "echo.echo";
  PutU16(q, 2);
  q += "/1";
  PutU32(q, amf3.size());
  q += amf3;
  std::string target;
  std::string value = OnlyBodyValue(rig.Amf(q, nullptr).body, &target);
  CHECK(value == Hex("11 06 05 6869"));
}

namespace {

// An independent AMF3 writer for the expected Flex replies: U29, strings with
// the string reference table, nothing else the replies do not use.
class Amf3Writer {
 public:
  void U29(uint32_t v) {
    if (v < 0x80) {
      out += static_cast<char>(v);
    } else if (v < 0x4000) {
      out += static_cast<char>((v >> 7) | 0x80);
      out += static_cast<char>(v & 0x7F);
    } else if (v < 0x200000) {
      out += static_cast<char>((v >> 14) | 0x80);
      out += static_cast<char>(((v >> 7) & 0x7F) | 0x80);
      out += static_cast<char>(v & 0x7F);
    } else {
      out += static_cast<char>((v >> 22) | 0x80);
      out += static_cast<char>(((v >> 15) & 0x7F) | 0x80);
      out += static_cast<char>(((v >> 8) & 0x7F) | 0x80);
      out += static_cast<char>(v & 0xFF);
    }
  }
  void Name(const std::string& s) {
    if (s.empty()) {
      U29(1);
      return;
    }
    for (size_t i = 0; i < strings.size(); ++i) {
      if (strings[i] == s) {
        U29(static_cast<uint32_t>(i << 1));
        return;
      }
    }
    strings.push_back(s);
    U29(static_cast<uint32_t>(s.size() << 1 | 1));
    out += s;
  }
  void String(const std::string& s) {
    out += '\x06';
    Name(s);
  }
  void Null() { out += '\x01'; }
  void Integer(uint32_t v) {
    out += '\x04';
    U29(v);
  }
  void Double(double d) {
    out += '\x05';
    uint64_t bits;
    std::memcpy(&bits, &d, 8);
    for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((bits >> shift) & 0xFF);
  }
  void TypedObject(const std::string& cls, const std::vector<std::string>& sealed) {
    out += '\x0A';
    U29(static_cast<uint32_t>(sealed.size() << 4 | 0x3));
    Name(cls);
    for (const auto& n : sealed) Name(n);
  }
  void DsIdHeaders(const std::string& ds_id) {
    out += '\x0A';
    U29(0x0B);  // inline traits, dynamic, no sealed members
    Name("");
    Name("DSId");
    String(ds_id);
    Name("");
  }
  std::string out;
  std::vector<std::string> strings;
};

constexpr char kDsId[] = "0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F0";
constexpr double kWall = 1.7e12;

// The reply packet around one AMF3 message: version 3, no headers, one body.
std::string ReplyPacket(const std::string& target, const std::string& amf3) {
  std::string p;
  PutU16(p, 3);
  PutU16(p, 0);
  PutU16(p, 1);
  PutU16(p, target.size());
  p += target;
  PutU16(p, 4);
  p += "null";
  PutU32(p, amf3.size() + 1);
  p += '\x11';
  p += amf3;
  return p;
}

std::string ExpectedAck(const std::string& correlation, const std::function<void(Amf3Writer&)>& body,
                        size_t* message_id_at) {
  Amf3Writer w;
  w.TypedObject("flex.messaging.messages.AcknowledgeMessage",
                {"body", "clientId", "correlationId", "destination", "headers", "messageId", "timeToLive", "timestamp"});
  body(w);
  w.String(kDsId);
  w.String(correlation);
  w.Null();
  w.DsIdHeaders(kDsId);
  *message_id_at = w.out.size() + 2;  // marker, one-byte length
  w.String(std::string(36, '?'));
  w.Integer(0);
  w.Double(kWall);
  return w.out;
}

std::string ExpectedError(const std::string& correlation, const std::string& code, const std::string& text,
                          size_t* message_id_at) {
  Amf3Writer w;
  w.TypedObject("flex.messaging.messages.ErrorMessage",
                {"body", "clientId", "correlationId", "destination", "extendedData", "faultCode", "faultDetail",
                 "faultString", "headers", "messageId", "rootCause", "timeToLive", "timestamp"});
  w.Null();
  w.String(kDsId);
  w.String(correlation);
  w.Null();
  w.Null();
  w.String(code);
  w.String("");
  w.String(text);
  w.DsIdHeaders(kDsId);
  *message_id_at = w.out.size() + 2;
  w.String(std::string(36, '?'));
  w.Null();
  w.Integer(0);
  w.Double(kWall);
  return w.out;
}

// Sends one Flex message (built with the project's encoder) and checks the
// reply against `expected` except the server's fresh messageId, which must be
// an upper-case UUID.
void ExpectFlex(Rig& rig, Browser& client, const amf::Value& message, const std::string& target,
                const std::string& expected_amf3, size_t message_id_at) {
  Arena arena;
  amf::Body body;
  body.target = "null";
  body.response = "/1";
  amf::Value args[] = {message};
  body.value = amf::MakeArray(arena, args, amf::Format::kAmf0);
  amf::Packet p;
  p.version = 3;
  p.bodies = std::span<amf::Body>(&body, 1);
  std::string bytes;
  REQUIRE(amf::EncodePacket(p, arena, &bytes).ok());
  Reply r = rig.Amf(bytes, &client);
  REQUIRE(r.status == 200);
  std::string expected = ReplyPacket(target, expected_amf3);
  size_t offset = expected.size() - expected_amf3.size() + message_id_at;
  REQUIRE(r.body.size() == expected.size());
  std::string id = r.body.substr(offset, 36);
  for (size_t i = 0; i < 36; ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    CHECK(dash == (id[i] == '-'));
    if (!dash) CHECK(((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'A' && id[i] <= 'F')));
  }
  std::string masked = r.body;
  masked.replace(offset, 36, std::string(36, '?'));
  CHECK(masked == expected);
}

amf::Value Command(Arena& arena, int32_t op, const std::string& message_id, amf::Value body = amf::Value()) {
  amf::CommandMessage m;
  m.common.message_id = arena.CopyString(message_id);
  m.common.ds_id = kDsId;
  m.common.body = body;
  m.operation = op;
  return amf::EncodeCommandMessage(arena, m);
}

amf::Value Remoting(Arena& arena, const std::string& destination, const std::string& operation,
                    const std::string& message_id, std::vector<amf::Value> args) {
  amf::RemotingMessage m;
  m.common.message_id = arena.CopyString(message_id);
  m.common.destination = arena.CopyString(destination);
  m.common.ds_id = kDsId;
  m.operation = arena.CopyString(operation);
  m.common.body = amf::MakeArray(arena, args, amf::Format::kAmf3);
  return amf::EncodeRemotingMessage(arena, m);
}

}  // namespace

TEST_CASE("a Flex client exchange (ping, remoting call, login, logout) matches the expected AMF3 bytes") {
  Rig rig(PasswordConfig(true));
  Browser client;
  Arena arena;
  size_t at = 0;
  const std::string id1 = "11111111-2222-4333-8444-555555555555";
  std::string ack = ExpectedAck(id1, [](Amf3Writer& w) { w.Null(); }, &at);
  ExpectFlex(rig, client, Command(arena, 5, id1), "/1/onResult", ack, at);

  const std::string id2 = "A1A1A1A1-2222-4333-8444-555555555555";
  ack = ExpectedAck(id2, [](Amf3Writer& w) { w.String("hello"); }, &at);
  ExpectFlex(rig, client, Remoting(arena, "echo", "echo", id2, {amf::Value::String("hello", amf::Format::kAmf3)}),
             "/1/onResult", ack, at);

  const std::string id3 = "B2B2B2B2-2222-4333-8444-555555555555";
  std::string error = ExpectedError(id3, "Auth.Required", "This call needs a logged-in session.", &at);
  ExpectFlex(rig, client, Remoting(arena, "auth", "whoami", id3, {}), "/1/onStatus", error, at);

  const std::string id4 = "C3C3C3C3-2222-4333-8444-555555555555";
  std::string credentials = Base64Encode("demo:" + rig.password());
  ack = ExpectedAck(id4, [](Amf3Writer& w) { w.String("success"); }, &at);
  ExpectFlex(rig, client, Command(arena, 8, id4, amf::Value::String(arena.CopyString(credentials), amf::Format::kAmf3)),
             "/1/onResult", ack, at);
  REQUIRE(client.Get("__Host-gsid").has_value());

  const std::string id5 = "D4D4D4D4-2222-4333-8444-555555555555";
  ack = ExpectedAck(id5, [](Amf3Writer& w) { w.String("demo"); }, &at);
  ExpectFlex(rig, client, Remoting(arena, "auth", "whoami", id5, {}), "/1/onResult", ack, at);

  const std::string id6 = "E5E5E5E5-2222-4333-8444-555555555555";
  ack = ExpectedAck(id6, [](Amf3Writer& w) { w.Null(); }, &at);
  ExpectFlex(rig, client, Command(arena, 9, id6), "/1/onResult", ack, at);
  CHECK_FALSE(client.Get("__Host-gsid").has_value());

  const std::string id7 = "F6F6F6F6-2222-4333-8444-555555555555";
  error = ExpectedError(id7, "Auth.Required", "This call needs a logged-in session.", &at);
  ExpectFlex(rig, client, Remoting(arena, "auth", "whoami", id7, {}), "/1/onStatus", error, at);
  CHECK(rig.handoff().store().Counts().page_sessions == 0);  // the password session's hidden parent ended too
}

TEST_CASE("password login through the gateway exists only when configured") {
  {
    Rig rig(PasswordConfig(false));
    Browser client;
    auto d = Decode(rig.Amf(BuildPacket({{"auth.login", {amf::Value::String("demo"), amf::Value::String(rig.password())}}}), &client));
    CHECK(d->FaultCode(0) == "Server.ResourceUnavailable");
    CHECK_FALSE(client.Get("__Host-gsid").has_value());
    // The Credentials header is not understood then.
    Arena arena;
    amf::Member m[] = {{"userid", amf::Value::String("demo")}, {"password", amf::Value::String(rig.password())}};
    amf::Header creds;
    creds.name = "Credentials";
    creds.must_understand = true;
    creds.value = amf::MakeObject(arena, m, amf::Format::kAmf0);
    auto e = Decode(rig.Amf(BuildPacket({{"auth.whoami", {}}}, 0, {creds}), &client));
    CHECK(e->FaultCode(0) == "Server.MustUnderstand");
  }
  {
    Rig rig(PasswordConfig(true));
    Browser client;
    auto bad = Decode(rig.Amf(BuildPacket({{"auth.login", {amf::Value::String("demo"), amf::Value::String("wrong")}}}), &client));
    CHECK(bad->FaultCode(0) == "Auth.LoginFailed");
    auto unknown = Decode(rig.Amf(BuildPacket({{"auth.login", {amf::Value::String("nobody"), amf::Value::String("wrong")}}}), &client));
    CHECK(unknown->FaultCode(0) == "Auth.LoginFailed");
    CHECK(unknown->bytes == bad->bytes);
    auto good = Decode(rig.Amf(BuildPacket({{"auth.login", {amf::Value::String("demo"), amf::Value::String(rig.password())}},
                                            {"auth.whoami", {}}}),
                               &client));
    CHECK(good->IsResult(0));
    CHECK(good->StringResult(1) == "demo");
    auto out = Decode(rig.Amf(BuildPacket({{"auth.logout", {}}, {"auth.whoami", {}}}), &client));
    CHECK(out->IsResult(0));
    CHECK(out->FaultCode(1) == "Auth.Required");

    Arena arena;
    amf::Member m[] = {{"userid", amf::Value::String("demo")}, {"password", amf::Value::String(rig.password())}};
    amf::Header creds;
    creds.name = "Credentials";
    creds.value = amf::MakeObject(arena, m, amf::Format::kAmf0);
    Browser other;
    auto h = Decode(rig.Amf(BuildPacket({{"auth.whoami", {}}}, 0, {creds}), &other));
    CHECK(h->StringResult(0) == "demo");
  }
}

TEST_CASE("password attempts on the gateway are rate-limited per address") {
  Config c = PasswordConfig(true);
  c.login_rate_per_address = {0.001, 3};
  Rig rig(c);
  Browser client;
  std::string attempt = BuildPacket({{"auth.login", {amf::Value::String("demo"), amf::Value::String("wrong")}}});
  for (int i = 0; i < 3; ++i) CHECK(Decode(rig.Amf(attempt, &client))->FaultCode(0) == "Auth.LoginFailed");
  CHECK(Decode(rig.Amf(attempt, &client))->FaultCode(0) == "Server.Busy");
  // Even the right password waits: the limit is on attempts, not failures.
  auto d = Decode(rig.Amf(BuildPacket({{"auth.login", {amf::Value::String("demo"), amf::Value::String(rig.password())}}}), &client));
  CHECK(d->FaultCode(0) == "Server.Busy");
}
