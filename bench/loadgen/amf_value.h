// The load generator's own model of an AMF value, for building requests and
// checking responses.
//
// The bench deliberately does not use the server's AMF code (src/amf/): it
// encodes what it sends and decodes what it receives with this separate,
// smaller implementation, so an encoder and a decoder that agree with each
// other but not with the format cannot make a broken server look correct.
// The model covers what the bench sends and what a gateway answers with:
// the AMF0 and AMF3 scalars, strings, dates, XML, ByteArray, arrays (dense
// and associative) and objects (typed or anonymous, sealed and dynamic
// members). AMF3 vectors and dictionaries are not modelled; a response that
// holds one is reported as unsupported rather than guessed at.
//
// Values live in a ValueArena and point at each other with raw pointers;
// an AMF reference decodes to a pointer to the node already decoded (shared,
// never copied). The arena owns every node until it is destroyed or cleared.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace amfgate::bench {

enum class Kind : uint8_t {
  kUndefined,
  kNull,
  kBool,
  kInt,     // AMF3 integer (29-bit signed)
  kDouble,  // AMF0 number, AMF3 double
  kString,
  kXml,
  kDate,  // milliseconds since the epoch, in `number`
  kByteArray,
  kArray,   // dense part in `items`, associative part in `members`
  kObject,  // `class_name` empty for anonymous objects
};

struct Value {
  Kind kind = Kind::kUndefined;
  bool boolean = false;
  int32_t integer = 0;
  double number = 0;
  std::string text;  // string, XML, ByteArray bytes
  std::string class_name;
  std::vector<const Value*> items;
  std::vector<std::pair<std::string, const Value*>> members;
};

class ValueArena {
 public:
  Value* New(Kind kind);
  Value* String(std::string_view s);
  Value* Int(int32_t i);
  Value* Double(double d);
  Value* Bool(bool b);
  void Clear() { nodes_.clear(); }

 private:
  std::deque<Value> nodes_;  // stable addresses as it grows
};

// The member `name` of an object or associative array, or nullptr.
const Value* Member(const Value& v, std::string_view name);

// Structural equality: same kinds (an integer is not a double), same scalar
// values (NaN equals NaN: the bench compares bytes it sent), same class name,
// same members regardless of order, same dense items in order. Depth-capped.
bool Equal(const Value& a, const Value& b);

// A one-line rendering for error messages, truncated to about `limit` bytes.
std::string Describe(const Value& v, size_t limit = 160);

}  // namespace amfgate::bench
