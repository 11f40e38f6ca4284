// Decoder: the bounded reader behind every AMF decode (internal to src/amf).
//
// One Decoder walks one input buffer. It owns the reference tables of the
// current message (AMF0 objects; AMF3 strings, objects, traits), which live in
// the arena and are emptied by BeginMessage(), and the count of values decoded
// so far, which spans the whole input (DecodeLimits::max_nodes is per packet).
//
// Every read is checked against the bytes that remain; a count or length is
// checked against them (count x the smallest encoding of one element) before
// anything is allocated from it. Running out of input is kAgain, unless the
// bytes announced could never fit in DecodeLimits::max_input_bytes, which is
// kTooLarge. The first failure is kept (code, static reason, offset) and every
// Read* returns false from then on; nothing throws.
//
// Recursion: container values recurse with depth + 1 and fail past
// max_depth (itself at most kMaxDepthCap), so the C++ stack is bounded.
// References are not followed, so a reference bomb costs one Value each.
//
// AMF0 lives in amf0_decode.cpp, AMF3 (with the externalizable Flex forms) in
// amf3_decode.cpp.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "amf/arena.h"
#include "amf/limits.h"
#include "amf/value.h"
#include "core/status.h"

namespace amfgate::amf {

inline uint16_t LoadU16(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint16_t>((b[0] << 8) | b[1]);
}
inline uint32_t LoadU32(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
}
inline double LoadDouble(const char* p) {
  uint64_t bits = (uint64_t{LoadU32(p)} << 32) | LoadU32(p + 4);
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

class Decoder {
 public:
  Decoder(std::string_view input, Arena& arena, const DecodeLimits& limits);
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // Empties the reference tables: a new header or body (or single value).
  void BeginMessage();

  // One value at the cursor. `depth` is the number of enclosing containers.
  bool ReadAmf0(Value* out, uint32_t depth);
  bool ReadAmf3(Value* out, uint32_t depth);

  // Envelope primitives; inline because every value starts with them.
  bool ReadU8(uint8_t* v) {
    if (!Need(1)) return false;
    *v = static_cast<uint8_t>(data_[pos_++]);
    return true;
  }
  bool ReadU16(uint16_t* v) {
    if (!Need(2)) return false;
    *v = LoadU16(data_ + pos_);
    pos_ += 2;
    return true;
  }
  bool ReadU32(uint32_t* v) {
    if (!Need(4)) return false;
    *v = LoadU32(data_ + pos_);
    pos_ += 4;
    return true;
  }
  // AMF0 UTF-8: U16 length, then that many bytes of valid UTF-8.
  bool ReadUtf8(std::string_view* s);
  // Fails with kAgain/kTooLarge unless `count` elements of at least
  // `min_bytes` each can still follow. Both factors are below 2^32 * 8, so
  // the product cannot overflow.
  bool CheckCount(uint64_t count, uint64_t min_bytes) {
    return (!failed_ && count * min_bytes <= size_ - pos_) || CheckCountSlow(count * min_bytes);
  }

  bool Fail(Code code, const char* reason) { return FailAt(code, reason, pos_); }
  bool FailAt(Code code, const char* reason, size_t offset);

  size_t pos() const { return pos_; }
  size_t remaining() const { return size_ - pos_; }
  bool failed() const { return failed_; }
  const Failure& failure() const { return failure_; }
  Arena& arena() { return *arena_; }
  const DecodeLimits& limits() const { return limits_; }

 private:
  bool Need(size_t n) { return (!failed_ && n <= size_ - pos_) || NeedSlow(n); }
  bool NeedSlow(size_t n);
  bool CheckCountSlow(uint64_t need);
  bool CountNode() {
    return ++nodes_ <= limits_.max_nodes || Fail(Code::kTooLarge, "too many values");
  }
  bool EnterContainer(uint32_t depth) {
    return depth + 1 <= limits_.max_depth || Fail(Code::kTooLarge, "nesting too deep");
  }

  // AMF0 pieces (amf0_decode.cpp).
  bool ReadAmf0Members(std::span<Member>* out, uint32_t depth);
  bool AddAmf0Ref(Value v) {
    if (amf0_refs_.size() >= limits_.max_object_refs) {
      return Fail(Code::kTooLarge, "too many AMF0 objects");
    }
    amf0_refs_.push_back(v);
    return true;
  }

  // AMF3 pieces (amf3_decode.cpp).
  bool ReadU29(uint32_t* v) {
    if (!failed_ && pos_ < size_ && (data_[pos_] & 0x80) == 0) {
      *v = static_cast<uint8_t>(data_[pos_++]);
      return true;
    }
    return ReadU29Slow(v);
  }
  bool ReadU29Slow(uint32_t* v);
  bool ReadString3(std::string_view* s);
  bool AddObject3(Value v);
  bool ObjectRef3(uint32_t index, Type type, Value* out);
  bool ReadBlob3(Type type, Value* out);
  bool ReadDate3(Value* out);
  bool ReadArray3(Value* out, uint32_t depth);
  bool ReadObject3(Value* out, uint32_t depth);
  bool ReadTraits3(uint32_t header, const Traits** out);
  bool ReadExternal3(const Traits& traits, Object* obj, uint32_t depth);
  bool ReadVector3(Type type, Value* out, uint32_t depth);
  bool ReadDictionary3(Value* out, uint32_t depth);
  bool ReadMembers3(std::span<Member>* out, uint32_t depth);
  bool ReadValues3(size_t count, std::span<Value>* out, uint32_t depth);

  const char* data_;
  size_t size_;
  size_t pos_ = 0;
  Arena* arena_;
  DecodeLimits limits_;
  uint64_t nodes_ = 0;
  bool failed_ = false;
  Failure failure_;

  // A request's argument array is its one AMF0 object: the first few
  // references fit here without an arena allocation.
  Value amf0_first_refs_[4];
  ArenaVector<Value> amf0_refs_;
  ArenaVector<std::string_view> strings_;
  ArenaVector<Value> objects_;
  ArenaVector<const Traits*> traits_;
  // Members of the objects being decoded, innermost on top; each object
  // copies its own out when it completes.
  ArenaVector<Member> member_stack_;
};

}  // namespace amfgate::amf
