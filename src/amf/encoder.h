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
//
// Bytes are stored through a raw cursor: the output string is sized ahead
// (see Grow) and trimmed to what was written when the Encoder is destroyed.
// A byte then costs a store and a bump instead of push_back's capacity check
// and terminator (~10 instructions); measured by callgrind, ~250 fewer
// instructions per auth.loginByAlias request. Until the Encoder is gone the
// string holds the written bytes then filler, so callers read size() and
// patch through PatchU32(), never the string itself.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>

#include "amf/arena.h"
#include "amf/limits.h"
#include "amf/ref_table.h"
#include "amf/value.h"
#include "core/status.h"

namespace amfgate::amf {

// The encoder's reference tables, with their slots in `arena`: built for
// one call (EncodeAmf0/3, EncodePacket over a scratch arena) or kept by a
// PacketEncoder from call to call, so the slots are not regrown and
// re-zeroed for every message.
struct EncoderTables {
  explicit EncoderTables(Arena& arena)
      : amf0_objects(arena), strings(arena), objects(arena), traits(arena), traits_by_node(arena) {}

  RefTable<const void*, NodeKeyOps> amf0_objects;
  RefTable<std::string_view, StringKeyOps> strings;
  RefTable<const void*, NodeKeyOps> objects;
  RefTable<const Traits*, TraitsKeyOps> traits;
  RefTable<const void*, NodeKeyOps> traits_by_node;  // cache: Traits node -> traits index
};

class Encoder {
 public:
  Encoder(EncoderTables& tables, std::string* out, const EncodeOptions& options);
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;
  ~Encoder() { out_->resize(size()); }

  void BeginMessage();
  bool WriteAmf0(const Value& v, uint32_t depth);
  bool WriteAmf3(const Value& v, uint32_t depth);

  bool Fail(Code code, const char* reason);
  bool failed() const { return failed_; }
  const Failure& failure() const { return failure_; }
  // Bytes in the output so far, including what was there before.
  size_t size() const { return static_cast<size_t>(pos_ - out_->data()); }
  // Overwrites four written bytes at `offset` with `v`, big-endian.
  void PatchU32(size_t offset, uint32_t v) { StoreU32(out_->data() + offset, v); }

  void PutU8(uint8_t v) {
    Reserve(1);
    *pos_++ = static_cast<char>(v);
  }
  void PutU16(uint16_t v) {
    Reserve(2);
    pos_[0] = static_cast<char>(v >> 8);
    pos_[1] = static_cast<char>(v);
    pos_ += 2;
  }
  void PutU32(uint32_t v) {
    Reserve(4);
    StoreU32(pos_, v);
    pos_ += 4;
  }
  void PutDouble(double d);
  // Inline, with short strings (names, URIs, user names) copied by two
  // overlapping loads and stores instead of a call to memcpy.
  void PutBytes(std::string_view s) {
    size_t n = s.size();
    Reserve(n);
    const char* from = s.data();
    if (n >= 8 && n <= 16) {
      Copy8(pos_, from);
      Copy8(pos_ + n - 8, from + n - 8);
    } else if (n >= 4 && n < 8) {
      Copy4(pos_, from);
      Copy4(pos_ + n - 4, from + n - 4);
    } else if (n > 0 && n < 4) {
      pos_[0] = from[0];
      pos_[n / 2] = from[n / 2];
      pos_[n - 1] = from[n - 1];
    } else if (n > 16) {
      std::memcpy(pos_, from, n);
    }
    pos_ += n;
  }
  // AMF0 UTF-8: U16 length then bytes (fails past 65535 bytes).
  bool PutUtf8(std::string_view s);

 private:
  static void StoreU32(char* p, uint32_t v) {
    p[0] = static_cast<char>(v >> 24);
    p[1] = static_cast<char>(v >> 16);
    p[2] = static_cast<char>(v >> 8);
    p[3] = static_cast<char>(v);
  }
  static void Copy8(char* to, const char* from) {
    uint64_t w;
    std::memcpy(&w, from, 8);
    std::memcpy(to, &w, 8);
  }
  static void Copy4(char* to, const char* from) {
    uint32_t w;
    std::memcpy(&w, from, 4);
    std::memcpy(to, &w, 4);
  }
  void Reserve(size_t n) {
    if (static_cast<size_t>(end_ - pos_) < n) Grow(n);
  }
  void Grow(size_t n);

  bool EnterContainer(uint32_t depth) {
    return depth + 1 <= options_.max_depth || Fail(Code::kTooLarge, "nesting too deep to encode");
  }

  // AMF0 (amf0_encode.cpp).
  bool WriteAmf0Members(const Object& obj, uint32_t depth);
  bool WriteAmf0Array(const Value& v, uint32_t depth);
  bool WriteAmf0Object(const Value& v, uint32_t depth);
  bool Amf0Reference(const void* node, bool* written);

  // AMF3 (amf3_encode.cpp).
  bool PutU29(uint32_t v) {
    if (v >= 0x80) return PutU29Long(v);
    PutU8(static_cast<uint8_t>(v));
    return true;
  }
  bool PutU29Long(uint32_t v);  // two to four bytes
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
  size_t start_;  // out_'s size before this Encoder wrote
  char* pos_;     // next byte to write, within out_
  char* end_;     // end of out_'s sized storage
  EncodeOptions options_;
  bool failed_ = false;
  Failure failure_;

  RefTable<const void*, NodeKeyOps>& amf0_objects_;
  RefTable<std::string_view, StringKeyOps>& strings_;
  RefTable<const void*, NodeKeyOps>& objects_;
  RefTable<const Traits*, TraitsKeyOps>& traits_;
  RefTable<const void*, NodeKeyOps>& traits_by_node_;
};

}  // namespace amfgate::amf
