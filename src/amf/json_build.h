// Internal to amf/json_build*.cpp: the parse side of json.h, a JSON tree
// turned into a Value graph in an arena. Not a public API (json.h's
// JsonToDocument is).
//
// One Builder builds one document. It is split by what it builds:
//   json_build.cpp        the document and the packet (headers, bodies, length
//                         fields), and the checks both value formats share:
//                         keys, type tags, numbers, nesting, node count, and
//                         the members and elements of containers
//   json_build_amf0.cpp   AMF0 values
//   json_build_amf3.cpp   AMF3 values, traits, externalizable payloads,
//                         vectors and dictionaries
//
// The builder replays the encoders' reference tables (json_tables.h) as it
// goes, so {"$ref"}, {"$sref"} and {"$tref"} name entries already defined
// and an inline string or traits equal to an earlier one becomes what the
// encoder will write: a reference. Every error is a Status naming the line
// and column of the offending JSON value; nothing past it is built.
//
// Bounds: AMF nesting stops at DecodeLimits::max_depth, the values built at
// max_nodes, headers and bodies at max_headers / max_bodies. Allocation is in
// the arena, in proportion to the JSON text. Cold path: tools and tests.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "amf/arena.h"
#include "amf/json.h"
#include "amf/json_tables.h"
#include "amf/json_text.h"
#include "amf/limits.h"
#include "amf/packet.h"
#include "amf/value.h"
#include "core/status.h"

namespace amfgate::amf::json_internal {

Status ErrorAt(const json::Value& at, const std::string& reason);

// A number token, or "NaN", "Infinity", "-Infinity", "NaN:<16 hex>".
bool ParseDouble(const json::Value& j, double* out);
bool ParseInteger(const json::Value& j, int64_t min, int64_t max, int64_t* out);
// Pairs of hex digits, either case.
bool ParseHex(std::string_view s, std::string* out);

// A tagged value's type member, and the other members that may go with it
// (space-separated).
struct TagSpec {
  std::string_view tag;
  std::string_view extras;

  bool Allows(std::string_view key) const;
};

class Builder {
 public:
  Builder(Arena& arena, const DecodeLimits& limits) : arena_(arena), limits_(limits) {}

  Status Document(const json::Value& doc, JsonDocument* out);

 private:
  // ---- json_build.cpp: the leaves and containers both formats share.

  // Every key is in `allowed` (an empty list allows any) and none repeats.
  Status CheckKeys(const json::Value& j, std::initializer_list<std::string_view> allowed);
  // Finds which of `specs` tags `j` (`context` names the format in the
  // error); checks the other keys.
  Status Tag(const json::Value& j, const char* context, std::span<const TagSpec> specs,
             const TagSpec** spec, const json::Value** value);
  Status Count(const json::Value& at);
  Status Depth(const json::Value& at, uint32_t depth);

  Status Str(const json::Value& j, std::string_view* out);
  Status Dbl(const json::Value& j, double* out);
  // A JSON number from min to max; the error says "expected " + `expected`.
  Status Integer(const json::Value& j, int64_t min, int64_t max, const char* expected,
                 int64_t* out);
  // An optional true/false member: left as it is when absent.
  Status OptionalBool(const json::Value* j, bool* out);
  Status Index(const json::Value& j, size_t table_size, const char* table, size_t* out);

  // null, true and false: the JSON values that mean the same in both formats.
  static bool Constant(const json::Value& j, Format format, Value* out);
  // A number (or one of Dbl's spellings) as a Double the encoder keeps one.
  Status DoubleValue(const json::Value& j, Format format, Value* out);
  Status UndefinedValue(const json::Value& j, Value undefined, Value* out);
  // {"$ref": n} into `table` (AMF0 or AMF3 objects of this message).
  Status Reference(const json::Value& j, const std::vector<Value>& table, const char* name,
                   Value* out);
  Status DateValue(const json::Value& millis, Format format, Date** date, Value* out);
  // XML or XMLDocument text.
  Status TextBlob(const json::Value& j, amf::Type type, Format format, Value* out);

  // A value of either format; containers call it for what they hold.
  Status Element(const json::Value& j, Format format, uint32_t depth, Value* out);
  // A JSON array of values, one level deeper.
  Status Elements(const json::Value& j, Format format, uint32_t depth, std::span<Value>* out);
  // A JSON object of named values, one level deeper. AMF3 names are not
  // empty (`unnamed` is the error) and go through the string table.
  Status Members(const json::Value& j, Format format, uint32_t depth, std::span<Member>* out);
  Status NamedMember(const json::Member& m, Format format, uint32_t depth, const char* unnamed,
                     Member* out);

  Status Length(const json::Value* j, const Value& value, LengthField* out);
  // A header's or body's value with its table reset, and its length field.
  Status MessageValue(const json::Value& message, Value* value, LengthField* length);
  // A packet's "headers" or "bodies": absent, or an array of at most `max`.
  Status MessageList(const json::Value* list, size_t max, const char* too_many);
  Status BuildHeader(const json::Value& h, Header* header);
  Status BuildBody(const json::Value& b, Body* body);
  Status BuildPacket(const json::Value& doc, Packet* out);

  // ---- json_build_amf0.cpp

  Status Amf0(const json::Value& j, uint32_t depth, Value* out);
  void RememberAmf0(const Value& v);
  Status Amf0Object(const json::Value& j, std::string_view tag, const json::Value& v,
                    uint32_t depth, Value* out);
  Status Amf0Array(const json::Value& j, std::string_view tag, const json::Value& v, uint32_t depth,
                   Value* out);

  // ---- json_build_amf3.cpp

  Status Amf3(const json::Value& j, uint32_t depth, Value* out);
  // A string written through the AMF3 string table.
  void Register(std::string_view s);
  // A complex value entering the AMF3 object table.
  void Remember(const Value& v);
  Status Amf3Array(const json::Value& j, const json::Value& v, uint32_t depth, Value* out);
  Status Traits3(const json::Value& j, const Traits** out);
  Status Amf3Object(const json::Value& j, std::string_view tag, const json::Value& v,
                    uint32_t depth, Value* out);
  Status Amf3External(const Traits& t, std::string_view tag, const json::Value& v, uint32_t depth,
                      Object* o);
  Status Amf3Vector(const json::Value& j, std::string_view tag, const json::Value& v,
                    uint32_t depth, Value* out);
  Status Amf3Dictionary(const json::Value& j, const json::Value& v, uint32_t depth, Value* out);

  Arena& arena_;
  DecodeLimits limits_;
  MessageTables t_;
  size_t nodes_ = 0;
};

}  // namespace amfgate::amf::json_internal
