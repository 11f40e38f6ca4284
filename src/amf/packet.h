// The AMF remoting packet (the body of POST /gateway).
//
//   packet  = version:U16 (0 or 3) header-count:U16 header* body-count:U16 body*
//   header  = name:UTF8 must-understand:U8 length:U32 value:AMF0
//   body    = target:UTF8 response:UTF8 length:U32 value:AMF0
//
// Each header and each body is one "message" in the AMF0 and AMF3
// specifications' sense: the AMF0 object reference table and the AMF3 string,
// object and traits tables start empty for every header and every body, and
// are shared by all the AMF3 values switched to (0x11) inside that message.
// (AMF0 spec 2.9: "object reference indices are local to each message body";
// AMF3 spec 4.1: the tables "are reset each time a new context header or
// message is processed".)
//
// Length fields: clients write the exact byte length, or 0, 1 or 0xFFFFFFFF
// for "unknown". The decoder parses the value from the bytes and never
// allocates from the length; it records whether the length matched, and keeps
// the field as sent when it did not (any other mismatching value is
// kMalformed). The encoder writes what was recorded unless asked for exact
// lengths; built headers and bodies get exact lengths.
//
// A decoded Packet's strings and values view into the input and live in the
// arena (see value.h). Decoding fails with kAgain on a truncated packet,
// kMalformed on broken bytes (including anything after the last body) and
// kTooLarge when a DecodeLimits cap is hit, each with the offset.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "amf/arena.h"
#include "amf/limits.h"
#include "amf/value.h"
#include "core/status.h"

namespace amfgate::amf {

inline constexpr uint32_t kUnknownLength = 0xFFFFFFFF;

// A header's or body's length field. exact: the field held (or is to hold)
// the value's byte length. Otherwise `recorded` is what was sent: 0, 1 or
// 0xFFFFFFFF.
struct LengthField {
  bool exact = true;
  uint32_t recorded = 0;
};

struct Header {
  std::string_view name;
  bool must_understand = false;
  Value value;
  LengthField length;
};

struct Body {
  std::string_view target;    // "auth.loginByAlias", "null" for Flex, "/1/onResult" in responses
  std::string_view response;  // "/1" in requests, "null" (or "") in responses
  Value value;                // requests: the argument array (strict, ECMA, or AMF3 switched)
  LengthField length;
};

struct Packet {
  uint16_t version = 0;  // 0, or 3 (AMF3-capable client)
  std::span<Header> headers;
  std::span<Body> bodies;

  bool Validate() const;
};

Result<Packet> DecodePacket(std::string_view input, Arena& arena,
                            const DecodeLimits& limits = DecodeLimits());

// Appends the packet to *out; returns the bytes appended. `scratch` holds
// the encoder's reference tables.
Result<size_t> EncodePacket(const Packet& packet, Arena& scratch, std::string* out,
                            const EncodeOptions& options = EncodeOptions());

// EncodePacket for a caller that encodes packet after packet (the gateway,
// one per request): the reference tables and their slots are kept from one
// call to the next instead of being built in a scratch arena each time,
// which saves regrowing and re-zeroing them per message (measured: ~260
// instructions per auth.loginByAlias request). They keep the capacity the
// largest reply so far needed.
struct Reply;

class PacketEncoder {
 public:
  PacketEncoder();
  ~PacketEncoder();
  PacketEncoder(const PacketEncoder&) = delete;
  PacketEncoder& operator=(const PacketEncoder&) = delete;

  // As EncodePacket.
  Result<size_t> Encode(const Packet& packet, std::string* out,
                        const EncodeOptions& options = EncodeOptions());
  // The response packet of `version` with no headers and one body per reply:
  // the same bytes as Encode of a Packet of ResultBody / StatusBody bodies,
  // without building the targets in an arena first.
  Result<size_t> EncodeReplies(uint16_t version, std::span<const Reply> replies, std::string* out);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// ---- Responses.

inline constexpr std::string_view kOnResult = "/onResult";
inline constexpr std::string_view kOnStatus = "/onStatus";

// The reply to a request body whose response URI was `request_response`
// (e.g. "/1"): target "/1/onResult" (or "/1/onStatus"), response "null",
// exact length. For an AMF3-capable client pass value.WithFormat(kAmf3) so
// it is written after the 0x11 switch.
Body ResultBody(Arena& arena, std::string_view request_response, Value value);
Body StatusBody(Arena& arena, std::string_view request_response, Value value);

// A reply body as PacketEncoder::EncodeReplies writes it: the target is
// request_response + "/onResult" (or "/onStatus" when `status`), written in
// two pieces, and the response URI the constant "null".
struct Reply {
  std::string_view request_response;
  bool status = false;
  Value value;
};

// The AMF0 fault object of an onStatus body: {level: "error", code, description}.
// Strings are not copied.
Value MakeStatusObject(Arena& arena, std::string_view code, std::string_view description,
                       Format f = Format::kAmf0);

// The argument list of a request body: the elements of a strict array (AMF0
// or AMF3 dense part), or of an ECMA array's members in order; empty for
// anything else.
struct Arguments {
  std::span<const Value> dense;
  std::span<const Member> members;  // ECMA / associative arguments
  size_t size() const { return dense.size() + members.size(); }
  // i-th argument: dense first, then members; undefined when out of range.
  Value at(size_t i) const;
};
Arguments BodyArguments(const Body& body);

}  // namespace amfgate::amf
