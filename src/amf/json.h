// AMF as JSON: the lossless text form behind `amfgate amf-dump` and
// `amfgate amf-encode` (README, "Inspecting AMF traffic", has the format with
// an example).
//
// A dump says everything the encoder needs to write the same bytes again:
// the type of every value (AMF0 number vs AMF3 int vs AMF3 double, strict vs
// ECMA array and the ECMA count as sent, short vs long string, XML vs
// XMLDocument, undefined vs null), which values were switched to AMF3 (0x11)
// inside an AMF0 stream, every object's traits (class name, sealed member
// names, dynamic and externalizable flags), externalizable payloads, the
// header and body length fields as sent, and the references: each reference
// the encoder writes appears as {"$ref": n} (object table), {"$sref": n}
// (AMF3 string table) or "$tref": n (AMF3 traits table), n being the table
// index on the wire.
//
// The dump derives those references by replaying the encoder's tables
// (value.h: identity is meaning; equal non-empty AMF3 strings and equal
// traits share one entry; every header and body is a fresh message; AMF0
// tables hold anonymous and typed objects and both kinds of array). For
// bytes written by Flash or PyAMF, whose encoders make the same choices, the
// indices are the ones on the wire and amf-encode reproduces the input byte
// for byte.
//
// Parsing a document is decoding untrusted input: JSON nesting is bounded
// (json_text.h), AMF nesting follows DecodeLimits, references must point at
// entries already defined, and every error is a Status naming the line and
// column of the offending JSON value. Dumping walks a Value graph with the
// same tables, so shared and cyclic graphs terminate.
//
// Costs: linear in the size of the graph (dump) or of the text (parse), with
// hash tables for the references. Cold path: tools and tests only.
#pragma once

#include <string>
#include <string_view>

#include "amf/arena.h"
#include "amf/json_text.h"
#include "amf/limits.h"
#include "amf/packet.h"
#include "amf/value.h"
#include "core/status.h"

namespace amfgate::amf {

// What a JSON document holds: a remoting packet, or one bare value in an
// AMF0 or AMF3 stream ({"amf0": ...} / {"amf3": ...}).
enum class JsonDocumentKind : uint8_t { kPacket, kAmf0Value, kAmf3Value };

// Graph -> JSON tree. `top` is the stream the value is written in.
Status PacketToJson(const Packet& packet, json::Value* out);
Status ValueToJson(const Value& value, Format top, json::Value* out);

// JSON tree -> graph in `arena` (strings are copied into it).
struct JsonDocument {
  JsonDocumentKind kind = JsonDocumentKind::kPacket;
  Packet packet;  // kPacket
  Value value;    // kAmf0Value, kAmf3Value
};
Status JsonToDocument(const json::Value& doc, Arena& arena, JsonDocument* out,
                      const DecodeLimits& limits = DecodeLimits());

// The tools' whole path: bytes -> pretty JSON text, and JSON text -> bytes.
Status DumpJson(std::string_view bytes, JsonDocumentKind kind, std::string* text,
                const DecodeLimits& limits = DecodeLimits());
// `kind`, when given, receives what the document was.
Status EncodeJson(std::string_view text, std::string* bytes, JsonDocumentKind* kind = nullptr,
                  const DecodeLimits& limits = DecodeLimits());

}  // namespace amfgate::amf
