// AMF encoding for the load generator's requests.
//
// Writes what a Flash/Flex client sends: a remoting packet (version 3, no
// headers, one body) whose body value is an AMF0 strict array of arguments,
// strings as AMF0 strings and object graphs switched to AMF3 (marker 0x11).
// The AMF3 writer emits string, object and traits references the way Flash
// does (a repeated string, object or class layout is sent by index), and an
// integer in the 29-bit range as an AMF3 integer. Anonymous objects are sent
// with dynamic members, typed objects with sealed ones.
//
// All functions append to a std::string; nothing here fails (the inputs are
// the bench's own).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "amf_value.h"

namespace amfgate::bench {

void PutU8(std::string* out, uint8_t v);
void PutU16(std::string* out, uint16_t v);
void PutU32(std::string* out, uint32_t v);
void PutDouble(std::string* out, double v);

// AMF0 string (marker 0x02) or long string (0x0C) when it does not fit 16 bits.
void PutAmf0String(std::string* out, std::string_view s);

// A remoting request: version 3, no headers, one body with the given target
// and response URI (e.g. "/1") whose value is `body_value`, already encoded.
std::string EncodeRequestPacket(std::string_view target, std::string_view response_uri,
                                std::string_view body_value);

// One AMF3 value (no 0x11 marker) with its own reference tables.
class Amf3Writer {
 public:
  explicit Amf3Writer(std::string* out) : out_(out) {}
  void Write(const Value& v);

 private:
  void U29(uint32_t v);
  void StringBody(std::string_view s);   // a string without marker, by reference if seen
  bool ObjectReference(const Value& v);  // true when written as a reference

  std::string* out_;
  std::unordered_map<std::string, uint32_t> strings_;
  std::unordered_map<const Value*, uint32_t> objects_;
  uint32_t object_count_ = 0;
  std::map<std::vector<std::string>, uint32_t> traits_;  // class name then sealed names
};

}  // namespace amfgate::bench
