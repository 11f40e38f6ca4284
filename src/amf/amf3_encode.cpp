// The Encoder's AMF3 half.
#include <cmath>

#include "amf/encoder.h"

namespace amfgate::amf {
namespace {

constexpr uint32_t kMaxU29 = (1u << 29) - 1;
// Inline lengths and counts are U29 shifted left by one.
constexpr size_t kMaxInline = (1u << 28) - 1;

// A built number goes out as an AMF3 integer when it is integral, in the
// 29-bit range and not -0 (which an integer cannot carry), as Flash does.
bool FitsInteger(double d, int32_t* i) {
  if (!(d >= kMinInteger && d <= kMaxInteger)) return false;  // also rejects NaN
  int32_t t = static_cast<int32_t>(d);
  if (static_cast<double>(t) != d || (t == 0 && std::signbit(d))) return false;
  *i = t;
  return true;
}

}  // namespace

bool Encoder::PutU29Long(uint32_t v) {
  if (v > kMaxU29) return Fail(Code::kTooLarge, "value does not fit in U29");
  Reserve(4);
  char* b = pos_;
  size_t n;
  if (v < 0x4000) {
    b[0] = static_cast<char>((v >> 7) | 0x80);
    b[1] = static_cast<char>(v & 0x7F);
    n = 2;
  } else if (v < 0x200000) {
    b[0] = static_cast<char>((v >> 14) | 0x80);
    b[1] = static_cast<char>(((v >> 7) & 0x7F) | 0x80);
    b[2] = static_cast<char>(v & 0x7F);
    n = 3;
  } else {
    b[0] = static_cast<char>((v >> 22) | 0x80);
    b[1] = static_cast<char>(((v >> 15) & 0x7F) | 0x80);
    b[2] = static_cast<char>(((v >> 8) & 0x7F) | 0x80);
    b[3] = static_cast<char>(v & 0xFF);
    n = 4;
  }
  pos_ += n;
  return true;
}

bool Encoder::PutInline3(size_t count) {
  if (count > kMaxInline) return Fail(Code::kTooLarge, "length does not fit in U29");
  return PutU29(static_cast<uint32_t>(count << 1 | 1));
}

bool Encoder::PutString3(std::string_view s) {
  if (s.empty()) {
    PutU8(0x01);
    return true;
  }
  if (s.size() > kMaxInline) return Fail(Code::kTooLarge, "length does not fit in U29");
  uint32_t index = strings_.FindOrInsert(s);
  if (index != strings_.kNotFound) return PutU29(index << 1);
  PutU29(static_cast<uint32_t>(s.size() << 1 | 1));
  PutBytes(s);
  return true;
}

void Encoder::ObjectReference3(const void* node, bool* written) {
  uint32_t index = objects_.FindOrInsert(node);
  if (index != objects_.kNotFound) {
    // Object table indices stay below max U29 >> 1: every entry took at
    // least one output byte, and outputs that large fail elsewhere first.
    PutU29(index << 1);
    *written = true;
    return;
  }
  *written = false;
}

bool Encoder::WriteMember3(const Member& m, uint32_t depth) {
  if (m.name.empty()) return Fail(Code::kInvalidArgument, "empty member name");
  return PutString3(m.name) && WriteAmf3(m.value, depth + 1);
}

bool Encoder::WriteObject3(const Object& obj, const void* node, uint32_t depth) {
  bool written;
  ObjectReference3(node, &written);
  if (written) return true;
  const Traits& t = *obj.traits;
  // The same Traits node is usually shared by many objects: look it up by
  // address first, by content (hashing every name) only on a miss.
  uint32_t index = traits_by_node_.Find(&t);
  if (index == traits_by_node_.kNotFound) {
    index = traits_.Find(&t);
    if (index != traits_.kNotFound) traits_by_node_.InsertAt(&t, index);
  }
  if (index != traits_.kNotFound) {
    if (!PutU29(index << 2 | 1)) return false;
  } else {
    if (t.sealed_names.size() > (kMaxU29 >> 4))
      return Fail(Code::kTooLarge, "too many sealed members");
    uint32_t header = static_cast<uint32_t>(t.sealed_names.size()) << 4 | (t.dynamic ? 8 : 0) |
                      (t.externalizable ? 4 : 0) | 3;
    if (!PutU29(header) || !PutString3(t.class_name)) return false;
    for (std::string_view name : t.sealed_names) {
      if (name.empty()) return Fail(Code::kInvalidArgument, "empty member name");
      if (!PutString3(name)) return false;
    }
    traits_by_node_.InsertAt(&t, traits_.size());
    traits_.Insert(&t);
  }
  if (t.externalizable) {
    if (obj.external == nullptr)
      return Fail(Code::kInvalidArgument, "externalizable without payload");
    return WriteExternal3(*obj.external, depth);
  }
  if (obj.sealed.size() != t.sealed_names.size()) {
    return Fail(Code::kInvalidArgument, "sealed values do not match traits");
  }
  for (const Value& v : obj.sealed) {
    if (!WriteAmf3(v, depth + 1)) return false;
  }
  if (t.dynamic) {
    for (const Member& m : obj.dynamic) {
      if (!WriteMember3(m, depth)) return false;
    }
    PutU8(0x01);
  } else if (!obj.dynamic.empty()) {
    return Fail(Code::kInvalidArgument, "dynamic members on sealed traits");
  }
  return true;
}

bool Encoder::WriteExternal3(const External& ext, uint32_t depth) {
  if (ext.level_count == 0) return WriteAmf3(ext.value, depth + 1);
  if (!ext.Validate())
    return Fail(Code::kInvalidArgument, "small message flags do not match values");
  for (uint8_t l = 0; l < ext.level_count; ++l) {
    const ExternalLevel& level = ext.levels[l];
    PutBytes({reinterpret_cast<const char*>(level.flags.data()), level.flags.size()});
    for (const Value& v : level.values) {
      if (!WriteAmf3(v, depth + 1)) return false;
    }
  }
  return true;
}

bool Encoder::WriteArray3(const Array& arr, const void* node, uint32_t depth) {
  bool written;
  ObjectReference3(node, &written);
  if (written) return true;
  if (!PutInline3(arr.dense.size())) return false;
  for (const Member& m : arr.assoc) {
    if (!WriteMember3(m, depth)) return false;
  }
  PutU8(0x01);
  for (const Value& v : arr.dense) {
    if (!WriteAmf3(v, depth + 1)) return false;
  }
  return true;
}

bool Encoder::WriteVector3(Type type, const Vector& vec, const void* node, uint32_t depth) {
  bool written;
  ObjectReference3(node, &written);
  if (written) return true;
  size_t count = type == Type::kVectorInt      ? vec.ints.size()
                 : type == Type::kVectorUint   ? vec.uints.size()
                 : type == Type::kVectorDouble ? vec.doubles.size()
                                               : vec.objects.size();
  if (!PutInline3(count)) return false;
  PutU8(vec.fixed ? 1 : 0);
  switch (type) {
    case Type::kVectorInt:
      for (int32_t i : vec.ints) PutU32(static_cast<uint32_t>(i));
      return true;
    case Type::kVectorUint:
      for (uint32_t u : vec.uints) PutU32(u);
      return true;
    case Type::kVectorDouble:
      for (double d : vec.doubles) PutDouble(d);
      return true;
    default:
      if (!PutString3(vec.type_name)) return false;
      for (const Value& v : vec.objects) {
        if (!WriteAmf3(v, depth + 1)) return false;
      }
      return true;
  }
}

bool Encoder::WriteAmf3(const Value& v, uint32_t depth) {
  if (failed_) return false;
  switch (v.type()) {
    case Type::kUndefined:
    case Type::kUnsupported:
      PutU8(0x00);
      return true;
    case Type::kNull:
      PutU8(0x01);
      return true;
    case Type::kBoolean:
      PutU8(v.AsBool() ? 0x03 : 0x02);
      return true;
    case Type::kInteger:
    case Type::kDouble: {
      int32_t i = v.AsInteger();
      bool as_integer = v.type() == Type::kInteger
                            ? (i >= kMinInteger && i <= kMaxInteger)
                            : !v.exact_double() && FitsInteger(v.AsDouble(), &i);
      if (as_integer) {
        PutU8(0x04);
        return PutU29(static_cast<uint32_t>(i) & kMaxU29);
      }
      PutU8(0x05);
      PutDouble(v.AsNumber());
      return true;
    }
    case Type::kString:
      PutU8(0x06);
      return PutString3(v.AsString());
    case Type::kXmlDocument:
    case Type::kXml:
    case Type::kByteArray: {
      PutU8(v.type() == Type::kXmlDocument ? 0x07 : v.type() == Type::kXml ? 0x0B : 0x0C);
      bool written;
      ObjectReference3(v.node(), &written);
      if (written) return true;
      std::string_view bytes = v.AsBlob()->bytes;
      if (!PutInline3(bytes.size())) return false;
      PutBytes(bytes);
      return true;
    }
    case Type::kDate: {
      PutU8(0x08);
      bool written;
      ObjectReference3(v.node(), &written);
      if (written) return true;
      PutU8(0x01);
      PutDouble(v.AsDate()->millis);
      return true;
    }
    case Type::kArray:
      PutU8(0x09);
      return EnterContainer(depth) && WriteArray3(*v.AsArray(), v.node(), depth);
    case Type::kObject:
      PutU8(0x0A);
      return EnterContainer(depth) && WriteObject3(*v.AsObject(), v.node(), depth);
    case Type::kVectorInt:
    case Type::kVectorUint:
    case Type::kVectorDouble:
    case Type::kVectorObject:
      PutU8(static_cast<uint8_t>(
          0x0D + (static_cast<int>(v.type()) - static_cast<int>(Type::kVectorInt))));
      return EnterContainer(depth) && WriteVector3(v.type(), *v.AsVector(), v.node(), depth);
    case Type::kDictionary: {
      PutU8(0x11);
      if (!EnterContainer(depth)) return false;
      bool written;
      ObjectReference3(v.node(), &written);
      if (written) return true;
      const Dictionary& dict = *v.AsDictionary();
      if (!PutInline3(dict.entries.size())) return false;
      PutU8(dict.weak_keys ? 1 : 0);
      for (const DictionaryEntry& e : dict.entries) {
        if (!WriteAmf3(e.key, depth + 1) || !WriteAmf3(e.value, depth + 1)) return false;
      }
      return true;
    }
  }
  return Fail(Code::kInternal, "unhandled AMF3 type");
}

}  // namespace amfgate::amf
