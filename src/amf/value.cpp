#include "amf/value.h"

#include <cstring>

#include "amf/limits.h"

namespace amfgate::amf {

const Traits kAnonymousTraits{{}, {}, /*dynamic=*/true, /*externalizable=*/false};

const char* TypeName(Type type) {
  switch (type) {
    case Type::kUndefined:
      return "undefined";
    case Type::kNull:
      return "null";
    case Type::kBoolean:
      return "boolean";
    case Type::kInteger:
      return "integer";
    case Type::kDouble:
      return "double";
    case Type::kString:
      return "string";
    case Type::kDate:
      return "date";
    case Type::kXmlDocument:
      return "xmldocument";
    case Type::kXml:
      return "xml";
    case Type::kByteArray:
      return "bytearray";
    case Type::kArray:
      return "array";
    case Type::kObject:
      return "object";
    case Type::kVectorInt:
      return "vector-int";
    case Type::kVectorUint:
      return "vector-uint";
    case Type::kVectorDouble:
      return "vector-double";
    case Type::kVectorObject:
      return "vector-object";
    case Type::kDictionary:
      return "dictionary";
    case Type::kUnsupported:
      return "unsupported";
  }
  return "?";
}

std::string_view ExternalClassName(ExternalClass c) {
  switch (c) {
    case ExternalClass::kArrayCollection:
      return "flex.messaging.io.ArrayCollection";
    case ExternalClass::kObjectProxy:
      return "flex.messaging.io.ObjectProxy";
    case ExternalClass::kAsyncMessageSmall:
      return "DSA";
    case ExternalClass::kAcknowledgeMessageSmall:
      return "DSK";
    case ExternalClass::kCommandMessageSmall:
      return "DSC";
  }
  return "";
}

bool Value::Validate() const {
  if (type_ > Type::kUnsupported) return false;
  if (format_ != Format::kAmf0 && format_ != Format::kAmf3) return false;
  if ((flags_ & kFlagExactDouble) && type_ != Type::kDouble) return false;
  if ((flags_ & kFlagLongString) && (type_ != Type::kString || format_ != Format::kAmf0)) {
    return false;
  }
  if (type_ == Type::kString) return size_ == 0 || u_.s != nullptr;
  if (type_ == Type::kUnsupported && format_ != Format::kAmf0) return false;
  if (!is_node()) return size_ == 0;
  if (u_.node == nullptr) return false;
  switch (type_) {
    case Type::kObject:
      return AsObject()->Validate();
    case Type::kArray:
      return AsArray()->Validate();
    case Type::kVectorInt:
    case Type::kVectorUint:
    case Type::kVectorDouble:
    case Type::kVectorObject: {
      const Vector* v = AsVector();
      size_t used = (type_ == Type::kVectorInt ? v->ints.size() : 0) +
                    (type_ == Type::kVectorUint ? v->uints.size() : 0) +
                    (type_ == Type::kVectorDouble ? v->doubles.size() : 0) +
                    (type_ == Type::kVectorObject ? v->objects.size() : 0);
      if (used != v->size()) return false;  // only the span of its own type is used
      return type_ == Type::kVectorObject || v->type_name.empty();
    }
    default:
      return true;
  }
}

bool Traits::Validate() const {
  if (externalizable && (dynamic || !sealed_names.empty() || class_name.empty())) return false;
  for (std::string_view name : sealed_names) {
    if (name.empty()) return false;
  }
  return true;
}

bool External::Validate() const {
  switch (cls) {
    case ExternalClass::kArrayCollection:
    case ExternalClass::kObjectProxy:
      return level_count == 0;
    case ExternalClass::kAsyncMessageSmall:
      if (level_count != 2) return false;
      break;
    case ExternalClass::kAcknowledgeMessageSmall:
    case ExternalClass::kCommandMessageSmall:
      if (level_count != 3) return false;
      break;
  }
  for (uint8_t l = 0; l < level_count; ++l) {
    const ExternalLevel& level = levels[l];
    if (level.flags.empty()) return false;
    size_t announced = 0;
    for (size_t i = 0; i < level.flags.size(); ++i) {
      bool last = i + 1 == level.flags.size();
      if (((level.flags[i] & 0x80) == 0) != last) return false;
      // Which bits announce a value: BlazeDS AbstractMessage reads bits 0-6
      // of its first flag byte; every other byte of every level is read for
      // bits 0-5 only.
      uint8_t mask = (l == 0 && i == 0) ? 0x7F : 0x3F;
      announced += __builtin_popcount(level.flags[i] & mask);
    }
    if (announced != level.values.size()) return false;
  }
  return true;
}

const Value* Object::Find(std::string_view name) const {
  for (size_t i = 0; i < sealed.size(); ++i) {
    if (traits->sealed_names[i] == name) return &sealed[i];
  }
  for (const Member& m : dynamic) {
    if (m.name == name) return &m.value;
  }
  return nullptr;
}

bool Object::Validate() const {
  if (traits == nullptr || !traits->Validate()) return false;
  if (sealed.size() != traits->sealed_names.size()) return false;
  if (!traits->dynamic && !dynamic.empty()) return false;
  if (traits->externalizable != (external != nullptr)) return false;
  if (external != nullptr &&
      (!external->Validate() || ExternalClassName(external->cls) != traits->class_name)) {
    return false;
  }
  for (const Member& m : dynamic) {
    if (m.name.empty()) return false;
  }
  return true;
}

bool Array::Validate() const {
  for (const Member& m : assoc) {
    if (m.name.empty()) return false;
  }
  return ecma || ecma_count == 0;
}

bool DecodeLimits::Validate() const {
  return max_depth >= 1 && max_depth <= kMaxDepthCap && max_nodes > 0 && max_string_refs > 0 &&
         max_object_refs > 0 && max_traits_refs > 0 && max_headers > 0 && max_bodies > 0 &&
         max_input_bytes > 0;
}

Value MakeObject(Arena& arena, std::span<const Member> members, Format f) {
  Object* o = arena.New<Object>();
  o->dynamic = arena.CopySpan(members);
  return Value::Of(o, f);
}

Value MakeTypedObject(Arena& arena, std::string_view class_name,
                      std::span<const std::string_view> names, std::span<const Value> values,
                      Format f) {
  Traits* t = arena.New<Traits>();
  t->class_name = class_name;
  t->sealed_names = names;
  Object* o = arena.New<Object>();
  o->traits = t;
  o->sealed = arena.CopySpan(values);
  return Value::Of(o, f);
}

Value MakeArray(Arena& arena, std::span<const Value> elements, Format f) {
  Array* a = arena.New<Array>();
  a->dense = arena.CopySpan(elements);
  return Value::Of(a, f);
}

Value MakeEcmaArray(Arena& arena, std::span<const Member> members, Format f) {
  Array* a = arena.New<Array>();
  a->assoc = arena.CopySpan(members);
  a->ecma = true;
  a->ecma_count = static_cast<uint32_t>(members.size());
  return Value::Of(a, f);
}

Value MakeDate(Arena& arena, double millis, Format f) {
  Date* d = arena.New<Date>();
  d->millis = millis;
  return Value::Of(d, f);
}

Value MakeBlob(Arena& arena, Type type, std::string_view bytes, Format f) {
  Blob* b = arena.New<Blob>();
  b->bytes = bytes;
  return Value::Of(type, b, f);
}

}  // namespace amfgate::amf
