// The Decoder's AMF3 half (AMF3 specification, January 2013), with the
// externalizable classes Flex sends: ArrayCollection, ObjectProxy and the
// small message forms DSA, DSK and DSC (BlazeDS AbstractMessage,
// AsyncMessage, AcknowledgeMessage and CommandMessage readExternal).
#include "amf/decoder.h"
#include "amf/utf8.h"

namespace amfgate::amf {
namespace {

enum Amf3Marker : uint8_t {
  kUndefined = 0x00,
  kNull = 0x01,
  kFalse = 0x02,
  kTrue = 0x03,
  kInteger = 0x04,
  kDouble = 0x05,
  kString = 0x06,
  kXmlDocument = 0x07,
  kDate = 0x08,
  kArray = 0x09,
  kObject = 0x0A,
  kXml = 0x0B,
  kByteArray = 0x0C,
  kVectorInt = 0x0D,
  kVectorUint = 0x0E,
  kVectorDouble = 0x0F,
  kVectorObject = 0x10,
  kDictionary = 0x11,
};

bool ExternalClassFor(std::string_view name, ExternalClass* out) {
  for (ExternalClass c :
       {ExternalClass::kArrayCollection, ExternalClass::kObjectProxy,
        ExternalClass::kAsyncMessageSmall, ExternalClass::kAcknowledgeMessageSmall,
        ExternalClass::kCommandMessageSmall}) {
    if (ExternalClassName(c) == name) {
      *out = c;
      return true;
    }
  }
  return false;
}

}  // namespace

// U29: up to three bytes of 7 bits with a continuation bit, then one byte of
// 8 bits. Non-minimal forms are accepted (the specification does not forbid
// them) and re-encode minimally.
bool Decoder::ReadU29Slow(uint32_t* v) {
  uint32_t result = 0;
  for (int i = 0; i < 3; ++i) {
    uint8_t b;
    if (!ReadU8(&b)) return false;
    if ((b & 0x80) == 0) {
      *v = (result << 7) | b;
      return true;
    }
    result = (result << 7) | (b & 0x7F);
  }
  uint8_t b;
  if (!ReadU8(&b)) return false;
  *v = (result << 8) | b;
  return true;
}

// UTF-8-vr: a reference into the string table, or an inline string that
// enters the table unless it is empty.
bool Decoder::ReadString3(std::string_view* s) {
  size_t at = pos_;
  uint32_t header;
  if (!ReadU29(&header)) return false;
  if ((header & 1) == 0) {
    uint32_t index = header >> 1;
    if (index >= strings_.size())
      return FailAt(Code::kMalformed, "string reference out of range", at);
    *s = strings_[index];
    return true;
  }
  uint32_t len = header >> 1;
  if (!Need(len)) return false;
  std::string_view view(data_ + pos_, len);
  if (!IsValidUtf8(view)) return Fail(Code::kMalformed, "invalid UTF-8");
  pos_ += len;
  if (len > 0) {
    if (strings_.size() >= limits_.max_string_refs)
      return Fail(Code::kTooLarge, "too many strings");
    strings_.push_back(view);
  }
  *s = view;
  return true;
}

bool Decoder::AddObject3(Value v) {
  if (objects_.size() >= limits_.max_object_refs) return Fail(Code::kTooLarge, "too many objects");
  objects_.push_back(v);
  return true;
}

// A reference must point at an entry already in the table (possibly one
// still being decoded: that is how AMF3 writes cycles) of the marker's type.
bool Decoder::ObjectRef3(uint32_t index, Type type, Value* out) {
  if (index >= objects_.size()) return Fail(Code::kMalformed, "object reference out of range");
  Value v = objects_[index];
  if (v.type() != type) return Fail(Code::kMalformed, "reference to a value of another type");
  *out = v;
  return true;
}

bool Decoder::ReadBlob3(Type type, Value* out) {
  uint32_t header;
  if (!ReadU29(&header)) return false;
  if ((header & 1) == 0) return ObjectRef3(header >> 1, type, out);
  uint32_t len = header >> 1;
  if (!Need(len)) return false;
  std::string_view bytes(data_ + pos_, len);
  if (type != Type::kByteArray && !IsValidUtf8(bytes)) {
    return Fail(Code::kMalformed, "invalid UTF-8");
  }
  pos_ += len;
  *out = MakeBlob(*arena_, type, bytes, Format::kAmf3);
  return AddObject3(*out);
}

bool Decoder::ReadDate3(Value* out) {
  uint32_t header;
  if (!ReadU29(&header)) return false;
  if ((header & 1) == 0) return ObjectRef3(header >> 1, Type::kDate, out);
  if (!Need(8)) return false;
  Date* d = arena_->New<Date>();
  d->millis = LoadDouble(data_ + pos_);
  pos_ += 8;
  *out = Value::Of(d, Format::kAmf3);
  return AddObject3(*out);
}

bool Decoder::ReadValues3(size_t count, std::span<Value>* out, uint32_t depth) {
  if (!CheckCount(count, 1)) return false;
  Value* values = arena_->AllocateArray<Value>(count);
  for (size_t i = 0; i < count; ++i) {
    if (!ReadAmf3(&values[i], depth + 1)) return false;
  }
  *out = {values, count};
  return true;
}

// (UTF-8-vr value)* UTF-8-empty: the associative part of an array and the
// dynamic members of an object.
bool Decoder::ReadMembers3(std::span<Member>* out, uint32_t depth) {
  size_t base = member_stack_.size();
  for (;;) {
    std::string_view name;
    if (!ReadString3(&name)) return false;
    if (name.empty()) break;
    Value v;
    if (!ReadAmf3(&v, depth + 1)) return false;
    member_stack_.push_back(Member{name, v});
  }
  *out = member_stack_.CopyTail(base);
  member_stack_.resize_down(base);
  return true;
}

bool Decoder::ReadArray3(Value* out, uint32_t depth) {
  uint32_t header;
  if (!ReadU29(&header)) return false;
  if ((header & 1) == 0) return ObjectRef3(header >> 1, Type::kArray, out);
  // The dense count is checked before the associative part is read, so a
  // length bomb fails before any work.
  if (!CheckCount(header >> 1, 1)) return false;
  Array* arr = arena_->New<Array>();
  *out = Value::Of(arr, Format::kAmf3);
  return AddObject3(*out) && ReadMembers3(&arr->assoc, depth) &&
         ReadValues3(header >> 1, &arr->dense, depth);
}

// U29O-traits-ref, or inline traits: bit 2 externalizable, bit 3 dynamic,
// bits 4.. the sealed member count; class name and sealed names follow.
bool Decoder::ReadTraits3(uint32_t header, const Traits** out) {
  size_t at = pos_;
  if ((header & 2) == 0) {
    uint32_t index = header >> 2;
    if (index >= traits_.size())
      return FailAt(Code::kMalformed, "traits reference out of range", at);
    *out = traits_[index];
    return true;
  }
  Traits* t = arena_->New<Traits>();
  t->externalizable = (header & 4) != 0;
  t->dynamic = (header & 8) != 0;
  uint32_t sealed = header >> 4;
  if (!ReadString3(&t->class_name)) return false;
  if (t->externalizable) {
    // AMF3 spec 3.12: for U29O-traits-ext the bits above the third "are not
    // significant" (the class defines its own layout). They are accepted and
    // dropped; Flash writes 0x07, which is what the encoder writes back.
    t->dynamic = false;
    sealed = 0;
    if (t->class_name.empty()) {
      return FailAt(Code::kMalformed, "anonymous externalizable object", at);
    }
  }
  if (!CheckCount(sealed, 1)) return false;
  std::string_view* names = arena_->AllocateArray<std::string_view>(sealed);
  for (uint32_t i = 0; i < sealed; ++i) {
    size_t name_at = pos_;
    if (!ReadString3(&names[i])) return false;
    if (names[i].empty()) return FailAt(Code::kMalformed, "empty sealed member name", name_at);
  }
  t->sealed_names = {names, sealed};
  if (traits_.size() >= limits_.max_traits_refs) return Fail(Code::kTooLarge, "too many traits");
  traits_.push_back(t);
  *out = t;
  return true;
}

bool Decoder::ReadObject3(Value* out, uint32_t depth) {
  uint32_t header;
  if (!ReadU29(&header)) return false;
  if ((header & 1) == 0) return ObjectRef3(header >> 1, Type::kObject, out);
  Object* obj = arena_->New<Object>();
  *out = Value::Of(obj, Format::kAmf3);
  // In the table before its traits and members: a member may refer back to
  // the object being decoded (a cycle), which is legal AMF3.
  if (!AddObject3(*out)) return false;
  const Traits* traits;
  if (!ReadTraits3(header, &traits)) return false;
  obj->traits = traits;
  if (traits->externalizable) return ReadExternal3(*traits, obj, depth);
  if (!ReadValues3(traits->sealed_names.size(), &obj->sealed, depth)) return false;
  if (traits->dynamic) return ReadMembers3(&obj->dynamic, depth);
  return true;
}

// The payload of an externalizable object. Its length is not on the wire, so
// only classes whose layout is known can be read at all.
bool Decoder::ReadExternal3(const Traits& traits, Object* obj, uint32_t depth) {
  External* ext = arena_->New<External>();
  if (!ExternalClassFor(traits.class_name, &ext->cls)) {
    return Fail(Code::kMalformed, "unknown externalizable class");
  }
  obj->external = ext;
  switch (ext->cls) {
    case ExternalClass::kArrayCollection:
    case ExternalClass::kObjectProxy:
      return ReadAmf3(&ext->value, depth + 1);
    case ExternalClass::kAsyncMessageSmall:
      ext->level_count = 2;
      break;
    case ExternalClass::kAcknowledgeMessageSmall:
    case ExternalClass::kCommandMessageSmall:
      ext->level_count = 3;
      break;
  }
  // Each class level (AbstractMessage, AsyncMessage, then Acknowledge- or
  // CommandMessage) writes flag bytes, 0x80 meaning "another byte follows",
  // then one value per announced bit. AbstractMessage's first byte uses
  // bits 0-6; every other byte is read for bits 0-5 (bit 6 is skipped by
  // BlazeDS's forward-compatibility loop, so it announces nothing).
  for (uint8_t l = 0; l < ext->level_count; ++l) {
    size_t flags_at = pos_;
    size_t announced = 0;
    for (size_t i = 0;; ++i) {
      uint8_t flags;
      if (!ReadU8(&flags)) return false;
      uint8_t mask = (l == 0 && i == 0) ? 0x7F : 0x3F;
      announced += __builtin_popcount(flags & mask);
      if ((flags & 0x80) == 0) break;
    }
    ExternalLevel& level = ext->levels[l];
    level.flags = {reinterpret_cast<const uint8_t*>(data_ + flags_at), pos_ - flags_at};
    if (!ReadValues3(announced, &level.values, depth)) return false;
  }
  return true;
}

bool Decoder::ReadVector3(Type type, Value* out, uint32_t depth) {
  uint32_t header;
  if (!ReadU29(&header)) return false;
  if ((header & 1) == 0) return ObjectRef3(header >> 1, type, out);
  uint32_t count = header >> 1;
  uint8_t fixed;
  if (!ReadU8(&fixed)) return false;
  if (fixed > 1) return Fail(Code::kMalformed, "vector fixed flag not 0 or 1");
  Vector* vec = arena_->New<Vector>();
  vec->fixed = fixed != 0;
  *out = Value::Of(type, vec, Format::kAmf3);
  if (!AddObject3(*out)) return false;
  switch (type) {
    case Type::kVectorInt:
    case Type::kVectorUint: {
      if (!CheckCount(count, 4)) return false;
      uint32_t* items = arena_->AllocateArray<uint32_t>(count);
      for (uint32_t i = 0; i < count; ++i) items[i] = LoadU32(data_ + pos_ + 4 * i);
      pos_ += 4 * size_t{count};
      if (type == Type::kVectorUint) {
        vec->uints = {items, count};
      } else {
        vec->ints = {reinterpret_cast<int32_t*>(items), count};
      }
      return true;
    }
    case Type::kVectorDouble: {
      if (!CheckCount(count, 8)) return false;
      double* items = arena_->AllocateArray<double>(count);
      for (uint32_t i = 0; i < count; ++i) items[i] = LoadDouble(data_ + pos_ + 8 * i);
      pos_ += 8 * size_t{count};
      vec->doubles = {items, count};
      return true;
    }
    default:
      return CheckCount(count, 1) && ReadString3(&vec->type_name) &&
             ReadValues3(count, &vec->objects, depth);
  }
}

bool Decoder::ReadDictionary3(Value* out, uint32_t depth) {
  uint32_t header;
  if (!ReadU29(&header)) return false;
  if ((header & 1) == 0) return ObjectRef3(header >> 1, Type::kDictionary, out);
  uint32_t count = header >> 1;
  uint8_t weak;
  if (!ReadU8(&weak)) return false;
  if (weak > 1) return Fail(Code::kMalformed, "dictionary weak-keys flag not 0 or 1");
  Dictionary* dict = arena_->New<Dictionary>();
  dict->weak_keys = weak != 0;
  *out = Value::Of(dict, Format::kAmf3);
  if (!AddObject3(*out) || !CheckCount(count, 2)) return false;
  DictionaryEntry* entries = arena_->AllocateArray<DictionaryEntry>(count);
  for (uint32_t i = 0; i < count; ++i) {
    if (!ReadAmf3(&entries[i].key, depth + 1) || !ReadAmf3(&entries[i].value, depth + 1)) {
      return false;
    }
  }
  dict->entries = {entries, count};
  return true;
}

bool Decoder::ReadAmf3(Value* out, uint32_t depth) {
  size_t at = pos_;
  uint8_t marker;
  if (!ReadU8(&marker) || !CountNode()) return false;
  switch (marker) {
    case kUndefined:
      *out = Value::Undefined(Format::kAmf3);
      return true;
    case kNull:
      *out = Value::Null(Format::kAmf3);
      return true;
    case kFalse:
      *out = Value::Boolean(false, Format::kAmf3);
      return true;
    case kTrue:
      *out = Value::Boolean(true, Format::kAmf3);
      return true;
    case kInteger: {
      uint32_t u;
      if (!ReadU29(&u)) return false;
      // Sign-extend the 29-bit two's complement value.
      int32_t i = (u & 0x10000000) ? static_cast<int32_t>(u) - (1 << 29) : static_cast<int32_t>(u);
      *out = Value::Integer(i, Format::kAmf3);
      return true;
    }
    case kDouble:
      if (!Need(8)) return false;
      *out = Value::Double(LoadDouble(data_ + pos_), Format::kAmf3);
      pos_ += 8;
      return true;
    case kString: {
      std::string_view s;
      if (!ReadString3(&s)) return false;
      *out = Value::String(s, Format::kAmf3);
      return true;
    }
    case kXmlDocument:
      return ReadBlob3(Type::kXmlDocument, out);
    case kXml:
      return ReadBlob3(Type::kXml, out);
    case kByteArray:
      return ReadBlob3(Type::kByteArray, out);
    case kDate:
      return ReadDate3(out);
    case kArray:
      return EnterContainer(depth) && ReadArray3(out, depth);
    case kObject:
      return EnterContainer(depth) && ReadObject3(out, depth);
    case kVectorInt:
      return EnterContainer(depth) && ReadVector3(Type::kVectorInt, out, depth);
    case kVectorUint:
      return EnterContainer(depth) && ReadVector3(Type::kVectorUint, out, depth);
    case kVectorDouble:
      return EnterContainer(depth) && ReadVector3(Type::kVectorDouble, out, depth);
    case kVectorObject:
      return EnterContainer(depth) && ReadVector3(Type::kVectorObject, out, depth);
    case kDictionary:
      return EnterContainer(depth) && ReadDictionary3(out, depth);
    default:
      return FailAt(Code::kMalformed, "unknown AMF3 marker", at);
  }
}

}  // namespace amfgate::amf
