// Encoder: writes Values as AMF0 or AMF3 (internal to src/amf).
//
// One Encoder appends to one output string. Like the Decoder it keeps the
// reference tables of the current message, emptied by BeginMessage(): AMF0
// objects and arrays by node identity; AMF3 strings by content, objects
// (and arrays, dates, XML, ByteArrays, vectors, dictionaries) by node
// identity, traits by content. A node met again in the same message is
// written as a reference, which is what Flash does, so that a Flash-written
// message round-trips byte for byte, shared nodes stay shared and cyclic
// graphs terminate (a node enters its table before its children are written).
//
// Representation choices follow the Value's own record: a decoded double
// stays a double, a built number becomes an AMF3 integer when integral and in
// range; an AMF3-format value inside AMF0 is written after the 0x11 switch,
// as is any value AMF0 cannot express (vectors, dictionaries, ByteArray, E4X
// XML, externalizable objects).
//
// Failures (kTooLarge past max_depth or a length the format cannot carry,
// kInvalidArgument for an unwritable value such as an empty member name) are
// kept with the output offset; the output is then partial and to be
// discarded.
#pragma once

#include <cstdint>
#include <string>

#include "amf/arena.h"
#include "amf/limits.h"
#include "amf/ref_table.h"
#include "amf/value.h"
#include "core/status.h"

namespace amfgate::amf {

class Encoder {
 public:
  Encoder(Arena& scratch, std::string* out, const EncodeOptions& options);
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;

  void BeginMessage();
  bool WriteAmf0(const Value& v, uint32_t depth);
  bool WriteAmf3(const Value& v, uint32_t depth);

  bool Fail(Code code, const char* reason);
  bool failed() const { return failed_; }
  const Failure& failure() const { return failure_; }
  std::string& out() { return *out_; }

  void PutU8(uint8_t v) { out_->push_back(static_cast<char>(v)); }
  void PutU16(uint16_t v);
  void PutU32(uint32_t v);
  void PutDouble(double d);
  // AMF0 UTF-8: U16 length then bytes (fails past 65535 bytes).
  bool PutUtf8(std::string_view s);

 private:
  bool EnterContainer(uint32_t depth);

  // AMF0 (amf0_encode.cpp).
  bool WriteAmf0Members(const Object& obj, uint32_t depth);
  bool WriteAmf0Array(const Value& v, uint32_t depth);
  bool WriteAmf0Object(const Value& v, uint32_t depth);
  bool Amf0Reference(const void* node, bool* written);

  // AMF3 (amf3_encode.cpp).
  bool PutU29(uint32_t v);
  bool PutString3(std::string_view s);
  // Writes a reference and sets *written if the node is already in the
  // object table; otherwise adds it.
  void ObjectReference3(const void* node, bool* written);
  bool PutInline3(size_t count);  // U29 (count << 1 | 1)
  bool WriteObject3(const Object& obj, const void* node, uint32_t depth);
  bool WriteExternal3(const External& ext, uint32_t depth);
  bool WriteArray3(const Array& arr, const void* node, uint32_t depth);
  bool WriteVector3(Type type, const Vector& vec, const void* node, uint32_t depth);
  bool WriteMember3(const Member& m, uint32_t depth);

  std::string* out_;
  EncodeOptions options_;
  bool failed_ = false;
  Failure failure_;

  RefTable<const void*, NodeKeyOps> amf0_objects_;
  RefTable<std::string_view, StringKeyOps> strings_;
  RefTable<const void*, NodeKeyOps> objects_;
  RefTable<const Traits*, TraitsKeyOps> traits_;
  RefTable<const void*, NodeKeyOps> traits_by_node_;  // cache: Traits node -> traits_ index
};

}  // namespace amfgate::amf
