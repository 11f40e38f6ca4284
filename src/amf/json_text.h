// JSON text: the syntax layer under `amf-dump` and `amf-encode`.
//
// json::Value is a small ordered document tree. It keeps what the AMF layer
// (amf/json.h) needs to be lossless and nothing more: object members stay in
// the order they were written and may repeat (AMF member lists are ordered,
// and the JSON mirrors the wire), and a number keeps its source text, so the
// AMF layer decides whether a token is an integer (an AMF3 int, a length
// field) or a double and converts it exactly.
//
// Parse() is a decoder of untrusted input: it bounds nesting depth, rejects
// everything RFC 8259 rejects (trailing commas, leading zeros, raw control
// characters, lone surrogates, invalid UTF-8, trailing bytes) and reports the
// first error as "line L, column C: reason" (columns count bytes, from 1). It
// never throws; memory is linear in the input size (each node costs one or
// more input bytes). Serialize() writes ASCII only: every code point above
// U+007E and every control character becomes a \u escape (a surrogate pair
// above the BMP), so a dump is safe to print on any terminal and survives any
// transport that is not 8-bit clean.
//
// Doubles are written in the shortest form that reads back to the same bits
// (std::to_chars), always with a '.' or an exponent so that a reader can see
// it is a double; NaN and the infinities are not JSON numbers and are the AMF
// layer's business.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace amfgate::json {

enum class Type : unsigned char { kNull, kBool, kNumber, kString, kArray, kObject };

const char* TypeName(Type type);

struct Member;

class Value {
 public:
  Value() = default;
  static Value Null();
  static Value Bool(bool b);
  static Value Int(int64_t n);
  static Value Double(double d);           // finite values only; see FormatDouble
  static Value Number(std::string token);  // a JSON number token, already valid
  static Value String(std::string_view utf8);
  static Value Array();
  static Value Object();

  Type type() const { return type_; }
  bool is(Type t) const { return type_ == t; }
  bool boolean() const { return boolean_; }
  // String contents (UTF-8) or the number's token.
  const std::string& text() const { return text_; }
  const std::vector<Value>& items() const { return items_; }
  const std::vector<Member>& members() const { return members_; }

  // Appends to an array / an object; returns the new element.
  Value& Push(Value v);
  Value& Add(std::string_view key, Value v);
  // The first member with this key, or nullptr.
  const Value* Find(std::string_view key) const;

  // Where the value started in the parsed text (0 for built values).
  size_t line() const { return line_; }
  size_t column() const { return column_; }

  // Structural equality (member order matters; positions do not).
  bool operator==(const Value& other) const;

 private:
  friend class Parser;
  explicit Value(Type t);

  Type type_ = Type::kNull;
  bool boolean_ = false;
  std::string text_;
  std::vector<Value> items_;
  std::vector<Member> members_;
  size_t line_ = 0;
  size_t column_ = 0;
};

struct Member {
  std::string key;
  Value value;
  bool operator==(const Member& other) const = default;
};

// Defined here, where Member is complete (a Value's destructor needs it).
inline Value::Value(Type t) : type_(t) {}
inline Value Value::Null() { return Value(Type::kNull); }
inline Value Value::Array() { return Value(Type::kArray); }
inline Value Value::Object() { return Value(Type::kObject); }

constexpr size_t kDefaultMaxDepth = 256;

// Parses one JSON text (surrounding whitespace allowed, nothing else).
Status Parse(std::string_view text, Value* out, size_t max_depth = kDefaultMaxDepth);

// Pretty-printed (two-space indent; an array or object whose elements are all
// scalars and that fits in a short line stays on one line) or compact.
std::string Serialize(const Value& value, bool pretty = true);

// Shortest round-trip text of a finite double, always with '.' or 'e'
// ("1.0", "0.1", "1e+300", "-0.0", "5e-324").
std::string FormatDouble(double d);
// Exact conversions of a number token; false if it does not fit.
bool TokenToDouble(std::string_view token, double* out);
bool TokenToInt64(std::string_view token, int64_t* out);  // integer tokens only

bool IsValidUtf8(std::string_view s);

}  // namespace amfgate::json
