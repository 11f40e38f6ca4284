// The Decoder's common reads and its AMF0 half (AMF0 specification, 2007).
#include "amf/decoder.h"
#include "amf/utf8.h"

namespace amfgate::amf {
namespace {

enum Amf0Marker : uint8_t {
  kNumber = 0x00,
  kBoolean = 0x01,
  kString = 0x02,
  kObject = 0x03,
  kMovieClip = 0x04,
  kNull = 0x05,
  kUndefined = 0x06,
  kReference = 0x07,
  kEcmaArray = 0x08,
  kObjectEnd = 0x09,
  kStrictArray = 0x0A,
  kDate = 0x0B,
  kLongString = 0x0C,
  kUnsupported = 0x0D,
  kRecordSet = 0x0E,
  kXmlDocument = 0x0F,
  kTypedObject = 0x10,
  kAvmPlus = 0x11,
};

}  // namespace

Decoder::Decoder(std::string_view input, Arena& arena, const DecodeLimits& limits)
    : data_(input.data()),
      size_(input.size()),
      arena_(&arena),
      limits_(limits),
      amf0_refs_(arena, amf0_first_refs_),
      strings_(arena),
      objects_(arena),
      traits_(arena),
      member_stack_(arena) {
  if (limits_.max_depth > kMaxDepthCap) limits_.max_depth = kMaxDepthCap;
  if (size_ > limits_.max_input_bytes) FailAt(Code::kTooLarge, "input too large", 0);
}

void Decoder::BeginMessage() {
  amf0_refs_.clear();
  strings_.clear();
  objects_.clear();
  traits_.clear();
}

bool Decoder::FailAt(Code code, const char* reason, size_t offset) {
  if (!failed_) {
    failed_ = true;
    failure_ = Failure{code, reason, offset};
  }
  return false;
}

bool Decoder::NeedSlow(size_t n) {
  if (failed_) return false;
  if (pos_ + n > limits_.max_input_bytes || n > limits_.max_input_bytes) {
    return Fail(Code::kTooLarge, "length exceeds the input limit");
  }
  return Fail(Code::kAgain, "truncated");
}

bool Decoder::CheckCountSlow(uint64_t need) {
  if (failed_) return false;
  if (need > limits_.max_input_bytes) return Fail(Code::kTooLarge, "count exceeds the input limit");
  return Fail(Code::kAgain, "truncated: count exceeds the remaining bytes");
}

bool Decoder::ReadUtf8(std::string_view* s) {
  uint16_t len;
  if (!ReadU16(&len) || !Need(len)) return false;
  std::string_view view(data_ + pos_, len);
  if (!IsValidUtf8(view)) return Fail(Code::kMalformed, "invalid UTF-8");
  pos_ += len;
  *s = view;
  return true;
}

// object-property* object-end: (UTF-8 value)* UTF-8-empty 0x09. Members are
// collected on the shared stack so that nested objects need no separate
// growable buffer, then copied out exactly sized.
bool Decoder::ReadAmf0Members(std::span<Member>* out, uint32_t depth) {
  size_t base = member_stack_.size();
  for (;;) {
    size_t at = pos_;
    std::string_view name;
    if (!ReadUtf8(&name)) return false;
    if (name.empty()) {
      uint8_t end;
      if (!ReadU8(&end)) return false;
      if (end != kObjectEnd) return FailAt(Code::kMalformed, "empty member name", at);
      break;
    }
    Value v;
    if (!ReadAmf0(&v, depth + 1)) return false;
    member_stack_.push_back(Member{name, v});
  }
  *out = member_stack_.CopyTail(base);
  member_stack_.resize_down(base);
  return true;
}

bool Decoder::ReadAmf0(Value* out, uint32_t depth) {
  size_t at = pos_;
  uint8_t marker;
  if (!ReadU8(&marker) || !CountNode()) return false;
  switch (marker) {
    case kNumber:
      if (!Need(8)) return false;
      *out = Value::Double(LoadDouble(data_ + pos_));
      pos_ += 8;
      return true;
    case kBoolean: {
      uint8_t b;
      if (!ReadU8(&b)) return false;
      if (b > 1) return Fail(Code::kMalformed, "boolean not 0 or 1");
      *out = Value::Boolean(b != 0);
      return true;
    }
    case kString: {
      std::string_view s;
      if (!ReadUtf8(&s)) return false;
      *out = Value::String(s);
      return true;
    }
    case kLongString:
    case kXmlDocument: {
      uint32_t len;
      if (!ReadU32(&len) || !Need(len)) return false;
      std::string_view s(data_ + pos_, len);
      if (!IsValidUtf8(s)) return Fail(Code::kMalformed, "invalid UTF-8");
      pos_ += len;
      *out = marker == kLongString ? Value::LongString(s)
                                   : MakeBlob(*arena_, Type::kXmlDocument, s, Format::kAmf0);
      return true;
    }
    case kNull:
      *out = Value::Null();
      return true;
    case kUndefined:
      *out = Value::Undefined();
      return true;
    case kUnsupported:
      *out = Value::Unsupported();
      return true;
    case kReference: {
      uint16_t index;
      if (!ReadU16(&index)) return false;
      if (index >= amf0_refs_.size()) return FailAt(Code::kMalformed, "reference out of range", at);
      *out = amf0_refs_[index];
      return true;
    }
    case kObject:
    case kTypedObject: {
      if (!EnterContainer(depth)) return false;
      std::string_view class_name;
      if (marker == kTypedObject) {
        if (!ReadUtf8(&class_name)) return false;
        if (class_name.empty()) return FailAt(Code::kMalformed, "typed object without a class", at);
      }
      Object* obj = arena_->New<Object>();
      if (marker == kTypedObject) {
        Traits* traits = arena_->New<Traits>();
        traits->class_name = class_name;
        traits->dynamic = true;
        obj->traits = traits;
      }
      *out = Value::Of(obj, Format::kAmf0);
      // In the table before its members, so that a member may refer back to
      // the object itself (this.self = this).
      return AddAmf0Ref(*out) && ReadAmf0Members(&obj->dynamic, depth);
    }
    case kEcmaArray: {
      if (!EnterContainer(depth)) return false;
      uint32_t count;
      if (!ReadU32(&count)) return false;
      Array* arr = arena_->New<Array>();
      arr->ecma = true;
      arr->ecma_count = count;  // recorded, never trusted
      *out = Value::Of(arr, Format::kAmf0);
      return AddAmf0Ref(*out) && ReadAmf0Members(&arr->assoc, depth);
    }
    case kStrictArray: {
      if (!EnterContainer(depth)) return false;
      uint32_t count;
      if (!ReadU32(&count) || !CheckCount(count, 1)) return false;
      Array* arr = arena_->New<Array>();
      *out = Value::Of(arr, Format::kAmf0);
      if (!AddAmf0Ref(*out)) return false;
      Value* elems = arena_->AllocateArray<Value>(count);
      for (uint32_t i = 0; i < count; ++i) {
        if (!ReadAmf0(&elems[i], depth + 1)) return false;
      }
      arr->dense = {elems, count};
      return true;
    }
    case kDate: {
      if (!Need(10)) return false;
      Date* d = arena_->New<Date>();
      d->millis = LoadDouble(data_ + pos_);
      d->timezone = static_cast<int16_t>(LoadU16(data_ + pos_ + 8));
      pos_ += 10;
      *out = Value::Of(d, Format::kAmf0);
      return true;
    }
    case kAvmPlus: {
      if (!ReadAmf3(out, depth)) return false;
      // The switch itself is not a value: undo the extra node count.
      --nodes_;
      return true;
    }
    case kMovieClip:
    case kRecordSet:
      return FailAt(Code::kMalformed, "reserved AMF0 marker", at);
    case kObjectEnd:
      return FailAt(Code::kMalformed, "object end outside an object", at);
    default:
      return FailAt(Code::kMalformed, "unknown AMF0 marker", at);
  }
}

}  // namespace amfgate::amf
