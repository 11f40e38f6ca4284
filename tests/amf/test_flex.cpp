// Flex messages: full forms read by member name, the small externalizable
// forms DSA/DSK/DSC with BlazeDS's flag-byte layout, replies, credentials.
#include "amf/flex.h"
#include "amf_test_util.h"

using namespace amfgate;
using namespace amfgate::amf;
using namespace amfgate::amf::testing;

namespace {

const uint8_t kUuidBytes[16] = {0x6D, 0x0F, 0x4B, 0x2A, 0x1C, 0x2B, 0x4E, 0x6A,
                                0x9B, 0x1E, 0x2F, 0x0C, 0x6A, 0x7D, 0x8E, 0x9F};
constexpr std::string_view kUuid = "6D0F4B2A-1C2B-4E6A-9B1E-2F0C6A7D8E9F";

// The headers object {DSId: "nil"} in AMF3, first in its message.
std::string HeadersDSIdNil() {
  return Hex("0A 0B 01") + Utf8Vr("DSId") + Hex("06") + Utf8Vr("nil") + Hex("01");
}

}  // namespace

TEST_CASE("a RemotingMessage decodes by member name, whatever the member order and traits") {
  Arena arena;
  // Dynamic anonymous-order form, as some non-Flash clients write it.
  std::string bytes = Hex("0A 0B") + Utf8Vr("flex.messaging.messages.RemotingMessage") +
                      Utf8Vr("operation") + Hex("06") + Utf8Vr("loginByAlias") +
                      Utf8Vr("destination") + Hex("06") + Utf8Vr("auth") + Utf8Vr("messageId") +
                      Hex("06") + Utf8Vr(kUuid) + Utf8Vr("headers") + Hex("0A 0B 01") +
                      Utf8Vr("DSId") + Hex("06") + Utf8Vr("nil") + Utf8Vr("DSEndpoint") +
                      Hex("06") + Utf8Vr("my-amf") + Hex("01") + Utf8Vr("clientId") + Hex("01") +
                      Utf8Vr("body") + Hex("09 03 01 06") + Utf8Vr("alias") + Hex("01");
  Value v = RoundTrip3(arena, bytes);
  CHECK(ClassifyFlex(v) == FlexKind::kRemoting);
  auto m = DecodeRemotingMessage(v, arena);
  REQUIRE(m.ok());
  CHECK(m->operation == "loginByAlias");
  CHECK(m->common.destination == "auth");
  CHECK(m->common.message_id == kUuid);
  CHECK(m->common.client_id.empty());
  CHECK(m->common.ds_id == "nil");
  CHECK(m->common.ds_endpoint == "my-amf");
  REQUIRE(m->args.size() == 1);
  CHECK(m->args[0].AsString() == "alias");
}

TEST_CASE("a RemotingMessage built here decodes back, args from an ArrayCollection too") {
  Arena arena;
  RemotingMessage m;
  m.common.destination = "echo";
  m.common.message_id = kUuid;
  m.common.timestamp = 1700000000000.0;
  m.operation = "echo";
  Value arg = Value::Integer(42);
  m.args = {&arg, 1};
  Value v = EncodeRemotingMessage(arena, m);
  std::string out;
  REQUIRE(EncodeAmf3(v, arena, &out).ok());
  Value back = RoundTrip3(arena, out);
  auto d = DecodeRemotingMessage(back, arena);
  REQUIRE(d.ok());
  CHECK(d->operation == "echo");
  CHECK(d->common.timestamp == 1700000000000.0);
  REQUIRE(d->args.size() == 1);
  CHECK(d->args[0].AsInteger() == 42);

  std::string ac = Hex("0A 13") + Utf8Vr("flex.messaging.messages.RemotingMessage") +
                   Utf8Vr("body") + Hex("0A 07") + Utf8Vr("flex.messaging.io.ArrayCollection") +
                   Hex("09 05 01 04 01 04 02");
  auto d2 = DecodeRemotingMessage(RoundTrip3(arena, ac), arena);
  REQUIRE(d2.ok());
  CHECK(d2->args.size() == 2);
}

TEST_CASE("a RemotingMessage with a field of the wrong type is malformed") {
  Arena arena;
  std::string bytes = Hex("0A 13") + Utf8Vr("flex.messaging.messages.RemotingMessage") +
                      Utf8Vr("operation") + Hex("04 01");
  CHECK(DecodeRemotingMessage(RoundTrip3(arena, bytes), arena).code() == Code::kMalformed);
  CHECK(DecodeRemotingMessage(Value::Null(), arena).code() == Code::kMalformed);
}

TEST_CASE("the DSC small form: flag bytes, UUID bytes, operation; round-trips byte for byte") {
  Arena arena;
  // AbstractMessage flags 0x88 (headers; another byte) then 0x02
  // (messageIdBytes); AsyncMessage flags 0x00; CommandMessage flags 0x01
  // (operation = 5, client ping).
  std::string bytes = Hex("0A 07") + Utf8Vr("DSC") + Hex("88 02") + HeadersDSIdNil() +
                      Hex("0C 21") + std::string(reinterpret_cast<const char*>(kUuidBytes), 16) +
                      Hex("00 01 04 05");
  Value v = RoundTrip3(arena, bytes);
  CHECK(ClassifyFlex(v) == FlexKind::kCommand);
  const External* ext = v.AsObject()->external;
  REQUIRE(ext != nullptr);
  CHECK(ext->level_count == 3);
  CHECK(ext->levels[0].flags.size() == 2);
  auto m = DecodeCommandMessage(v, arena);
  REQUIRE(m.ok());
  CHECK(m->operation == static_cast<int32_t>(CommandOperation::kClientPing));
  CHECK(m->common.message_id == kUuid);
  CHECK(m->common.ds_id == "nil");
}

TEST_CASE("the DSK small form keeps values of reserved flag bits so the bytes round-trip") {
  Arena arena;
  // AbstractMessage 0x10 (messageId), AsyncMessage 0x01 (correlationId),
  // AcknowledgeMessage 0x01: a reserved bit whose value BlazeDS reads and
  // drops; we keep it.
  std::string bytes = Hex("0A 07") + Utf8Vr("DSK") + Hex("10 06") + Utf8Vr("abc") + Hex("01 06") +
                      Utf8Vr("req") + Hex("01 04 01");
  Value v = RoundTrip3(arena, bytes);
  auto m = DecodeAcknowledgeMessage(v, arena);
  REQUIRE(m.ok());
  CHECK(m->common.message_id == "abc");
  CHECK(m->correlation_id == "req");
  CHECK(v.AsObject()->external->levels[2].values.size() == 1);
}

TEST_CASE("a small form whose flags announce more values than follow needs more bytes") {
  CHECK(DecodeCode3(Hex("0A 07") + Utf8Vr("DSA") + Hex("03 01")) == Code::kAgain);
}

TEST_CASE("AcknowledgeMessage and ErrorMessage replies carry correlationId and DSId") {
  for (FlexForm form : {FlexForm::kFull, FlexForm::kSmall}) {
    Arena arena;
    AcknowledgeMessage ack;
    ack.common.message_id = kUuid;
    ack.common.client_id = "C1";
    ack.common.ds_id = "D1";
    ack.common.timestamp = 1700000000123.0;
    ack.common.body = Value::String("alice");
    ack.correlation_id = "REQ";
    Value v = EncodeAcknowledgeMessage(arena, ack, form);
    std::string out;
    REQUIRE(EncodeAmf3(v, arena, &out).ok());
    Value back = RoundTrip3(arena, out);
    CHECK(ClassifyFlex(back) == FlexKind::kAcknowledge);
    auto d = DecodeAcknowledgeMessage(back, arena);
    REQUIRE(d.ok());
    CHECK(d->correlation_id == "REQ");
    CHECK(d->common.message_id == kUuid);
    CHECK(d->common.client_id == "C1");
    CHECK(d->common.ds_id == "D1");
    CHECK(d->common.timestamp == 1700000000123.0);
    CHECK(d->common.body.AsString() == "alice");
  }
  Arena arena;
  ErrorMessage err;
  err.common.message_id = kUuid;
  err.common.ds_id = "D1";
  err.correlation_id = "REQ";
  err.fault_code = "Auth.AliasInvalid";
  err.fault_string = "The alias is not valid.";
  Value v = EncodeErrorMessage(arena, err);
  std::string out;
  REQUIRE(EncodeAmf3(v, arena, &out).ok());
  Value back = RoundTrip3(arena, out);
  CHECK(ClassifyFlex(back) == FlexKind::kError);
  auto d = DecodeErrorMessage(back, arena);
  REQUIRE(d.ok());
  CHECK(d->fault_code == "Auth.AliasInvalid");
  CHECK(d->fault_string == "The alias is not valid.");
  CHECK(d->fault_detail.empty());
  CHECK(d->correlation_id == "REQ");
  CHECK(d->common.ds_id == "D1");
  CHECK(d->root_cause.is_null());
}

TEST_CASE("CommandMessage full and small forms encode and decode the operation") {
  for (FlexForm form : {FlexForm::kFull, FlexForm::kSmall}) {
    Arena arena;
    CommandMessage c;
    c.common.message_id = kUuid;
    c.operation = static_cast<int32_t>(CommandOperation::kLogin);
    c.common.body = Value::String("dXNlcjpwYTpzcw==");
    std::string out;
    REQUIRE(EncodeAmf3(EncodeCommandMessage(arena, c, form), arena, &out).ok());
    auto d = DecodeCommandMessage(RoundTrip3(arena, out), arena);
    REQUIRE(d.ok());
    CHECK(d->operation == 8);
    auto cred = DecodeLoginCredentials(*d, arena);
    REQUIRE(cred.ok());
    CHECK(cred->user == "user");
    CHECK(cred->password == "pa:ss");
  }
}

TEST_CASE("a CommandMessage operation that is not an int32 is malformed") {
  Arena arena;
  for (const char* op :
       {"05 7F F8 00 00 00 00 00 00", "05 7E 37 E4 3C 88 00 75 9C", "05 40 04 00 00 00 00 00 00"}) {
    CAPTURE(op);  // NaN, 1e300, 2.5
    std::string full = Hex("0A 13") + Utf8Vr("flex.messaging.messages.CommandMessage") +
                       Utf8Vr("operation") + Hex(op);
    CHECK(DecodeCommandMessage(RoundTrip3(arena, full), arena).code() == Code::kMalformed);
    std::string small = Hex("0A 07") + Utf8Vr("DSC") + Hex("00 00 01") + Hex(op);
    CHECK(DecodeCommandMessage(RoundTrip3(arena, small), arena).code() == Code::kMalformed);
  }
}

TEST_CASE("login credentials must be base64 of user:password") {
  Arena arena;
  CommandMessage c;
  for (const char* bad : {"", "abc", "dXNlcg==", "d?Nl", "dX=l", "===="}) {
    c.common.body = Value::String(bad);
    CAPTURE(bad);
    CHECK(DecodeLoginCredentials(c, arena).code() == Code::kMalformed);
  }
  c.common.body = Value::String("dTpw");  // "u:p", no padding needed
  auto ok = DecodeLoginCredentials(c, arena);
  REQUIRE(ok.ok());
  CHECK(ok->user == "u");
}

TEST_CASE("login credentials are decoded as strictly as the users file's base64") {
  // The bits under the padding must be zero: "...yZB==" and "...dzF=" spell
  // "user:password" and "user:pw1" to a lenient decoder, with other bits set.
  Arena arena;
  CommandMessage c;
  for (const char* text : {"dXNlcjpwYXNzd29yZA==", "dXNlcjpwdzE="}) {
    c.common.body = Value::String(text);
    CAPTURE(text);
    auto ok = DecodeLoginCredentials(c, arena);
    REQUIRE(ok.ok());
    CHECK(ok->user == "user");
  }
  for (const char* bad : {"dXNlcjpwYXNzd29yZB==", "dXNlcjpwYXNzd29yZP==", "dXNlcjpwdzF=",
                          "dXNlcjpwdzH=", "dXNlcjpwYXNzd29yZA=A"}) {
    c.common.body = Value::String(bad);
    CAPTURE(bad);
    CHECK(DecodeLoginCredentials(c, arena).code() == Code::kMalformed);
  }
}

TEST_CASE("FormatUuid writes upper-case 8-4-4-4-12") {
  Arena arena;
  CHECK(FormatUuid(arena, std::span<const uint8_t, 16>(kUuidBytes)) == kUuid);
}
