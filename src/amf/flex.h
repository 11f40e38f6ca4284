// Flex messaging (BlazeDS / LiveCycle Data Services) on top of AMF3 values.
//
// A Flex client (RemoteObject over an AMFChannel) sends one AMF0 body per
// message with target "null", whose argument array holds one AMF3 object of
// class flex.messaging.messages.RemotingMessage or CommandMessage, or, once
// the server has announced small-message support, the externalizable small
// form "DSC" (CommandMessageExt). Replies are AcknowledgeMessage (or its
// small form "DSK") and ErrorMessage in an onResult / onStatus body.
//
// These functions translate between those AMF values and typed structs. Both
// the full form (a typed object read by member name, so sealed or dynamic and
// any member order are accepted) and the small forms decode. String fields
// view into the value graph (and so into the packet's input) or into the
// arena (UUIDs sent as 16-byte ByteArrays in small forms are formatted there);
// a missing or null field is "". Unknown members are ignored.
//
// Encoders take everything as parameters: the fresh messageId (a UUID string,
// see FormatUuid) and the timestamp (milliseconds since the epoch, wall
// clock) come from the caller, so the codec holds no RNG and reads no clock.
// Built values are AMF3 (Format::kAmf3) and live in the arena; strings are
// not copied.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "amf/arena.h"
#include "amf/value.h"
#include "core/status.h"

namespace amfgate::amf {

inline constexpr std::string_view kRemotingMessageClass = "flex.messaging.messages.RemotingMessage";
inline constexpr std::string_view kCommandMessageClass = "flex.messaging.messages.CommandMessage";
inline constexpr std::string_view kAcknowledgeMessageClass =
    "flex.messaging.messages.AcknowledgeMessage";
inline constexpr std::string_view kErrorMessageClass = "flex.messaging.messages.ErrorMessage";
inline constexpr std::string_view kAsyncMessageClass = "flex.messaging.messages.AsyncMessage";
inline constexpr std::string_view kArrayCollectionClass = "flex.messaging.io.ArrayCollection";
inline constexpr std::string_view kObjectProxyClass = "flex.messaging.io.ObjectProxy";
inline constexpr std::string_view kAcknowledgeMessageSmallClass = "DSK";
inline constexpr std::string_view kAsyncMessageSmallClass = "DSA";
inline constexpr std::string_view kCommandMessageSmallClass = "DSC";

// Message header names (the `headers` object of a message).
inline constexpr std::string_view kDSIdHeader = "DSId";
inline constexpr std::string_view kDSEndpointHeader = "DSEndpoint";
inline constexpr std::string_view kDSMessagingVersionHeader = "DSMessagingVersion";

enum class FlexKind : uint8_t { kNone, kRemoting, kCommand, kAcknowledge, kError, kAsync };

// What a value is, by class name (full or small form); kNone for anything
// that is not a Flex message object.
FlexKind ClassifyFlex(const Value& value);

// CommandMessage.operation codes (mx.messaging.messages.CommandMessage).
enum class CommandOperation : int32_t {
  kSubscribe = 0,
  kUnsubscribe = 1,
  kPoll = 2,
  kClientSync = 4,
  kClientPing = 5,
  kClusterRequest = 7,
  kLogin = 8,
  kLogout = 9,
  kSubscriptionInvalidate = 10,
  kMultiSubscribe = 11,
  kDisconnect = 12,
  kTriggerConnect = 13,
  kUnknown = 10000,
};

// The fields every message has (AbstractMessage), plus the headers the
// gateway reads.
struct FlexCommon {
  std::string_view message_id;
  std::string_view client_id;
  std::string_view destination;
  double timestamp = 0;     // ms since the epoch
  double time_to_live = 0;  // ms
  Value body;
  const Object* headers = nullptr;  // the whole headers object, if any
  std::string_view ds_id;           // headers.DSId
  std::string_view ds_endpoint;     // headers.DSEndpoint
};

struct RemotingMessage {
  FlexCommon common;
  std::string_view operation;  // the method name
  std::string_view source;     // deprecated in Flex, kept for logs
  // The call's arguments: the elements of `body` (an array, or an
  // ArrayCollection's array).
  std::span<const Value> args;
};

struct CommandMessage {
  FlexCommon common;
  std::string_view correlation_id;
  int32_t operation = static_cast<int32_t>(CommandOperation::kUnknown);
};

struct AcknowledgeMessage {
  FlexCommon common;                // body: the call's result
  std::string_view correlation_id;  // the request's messageId
};

struct ErrorMessage {
  FlexCommon common;
  std::string_view correlation_id;
  std::string_view fault_code;    // e.g. "Auth.AliasInvalid"
  std::string_view fault_string;  // human text; never internal detail
  std::string_view fault_detail;  // "" from amfgate
  Value root_cause = Value::Null(Format::kAmf3);
  Value extended_data = Value::Null(Format::kAmf3);
};

// Decoders fail with kMalformed when the value is not of the class asked for
// or a field has the wrong type (e.g. operation not a number).
Result<RemotingMessage> DecodeRemotingMessage(const Value& value, Arena& arena);
Result<CommandMessage> DecodeCommandMessage(const Value& value, Arena& arena);
Result<AcknowledgeMessage> DecodeAcknowledgeMessage(const Value& value, Arena& arena);
Result<ErrorMessage> DecodeErrorMessage(const Value& value, Arena& arena);

// kFull: a typed object of the flex.messaging.messages class with sealed
// members in alphabetical order (what BlazeDS sends to clients that have not
// negotiated small messages). kSmall: the externalizable small form (DSK for
// acknowledgements, DSC for commands); UUID strings are sent as strings.
enum class FlexForm : uint8_t { kFull, kSmall };

Value EncodeAcknowledgeMessage(Arena& arena, const AcknowledgeMessage& m,
                               FlexForm form = FlexForm::kFull);
// ErrorMessage has no small form.
Value EncodeErrorMessage(Arena& arena, const ErrorMessage& m);
// Request encoders, for tests and client tools.
Value EncodeRemotingMessage(Arena& arena, const RemotingMessage& m);
Value EncodeCommandMessage(Arena& arena, const CommandMessage& m, FlexForm form = FlexForm::kFull);

// A headers object {DSId: ds_id} (or an empty object when ds_id is "").
const Object* MakeFlexHeaders(Arena& arena, std::string_view ds_id);

struct Credentials {
  std::string_view user;
  std::string_view password;
};
// The login command's body: base64 of "user:password" (split at the first
// ':'). Decoded into the arena with the users file's strict decoder
// (core/base64.h). kMalformed if not strict base64 or no ':'.
Result<Credentials> DecodeLoginCredentials(const CommandMessage& m, Arena& arena);

// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (upper-case hex, as Flex writes
// UUIDs) in the arena. The caller supplies the 16 random bytes.
std::string_view FormatUuid(Arena& arena, std::span<const uint8_t, 16> bytes);

}  // namespace amfgate::amf
