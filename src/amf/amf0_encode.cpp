// The Encoder's common writes and its AMF0 half.
#include <algorithm>
#include <charconv>
#include <cstring>

#include "amf/encoder.h"

namespace amfgate::amf {
namespace {

// The least room one Grow adds: a typical gateway reply in one step.
constexpr size_t kMinGrowth = 256;

}  // namespace

Encoder::Encoder(EncoderTables& tables, std::string* out, const EncodeOptions& options)
    : out_(out),
      start_(out->size()),
      pos_(out->data() + start_),
      end_(pos_),
      options_(options),
      amf0_objects_(tables.amf0_objects),
      strings_(tables.strings),
      objects_(tables.objects),
      traits_(tables.traits),
      traits_by_node_(tables.traits_by_node) {
  if (options_.max_depth > kMaxDepthCap) options_.max_depth = kMaxDepthCap;
}

void Encoder::BeginMessage() {
  amf0_objects_.Clear();
  strings_.Clear();
  objects_.Clear();
  traits_.Clear();
  traits_by_node_.Clear();
}

bool Encoder::Fail(Code code, const char* reason) {
  if (!failed_) {
    failed_ = true;
    failure_ = Failure{code, reason, size()};
  }
  return false;
}

// Sizes the string ahead by what this Encoder has written so far (doubling
// its room), at least kMinGrowth bytes, since resize() fills the room it
// adds; but never past the capacity the string has unless it must: then
// by just what is needed, and the string's own growth doubles its capacity
// as push_back would, so no allocation is added.
void Encoder::Grow(size_t n) {
  size_t used = size();
  size_t want = used + std::max({n, used - start_, kMinGrowth});
  if (want > out_->capacity()) want = std::max(used + n, out_->capacity());
  out_->resize(want);
  pos_ = out_->data() + used;
  end_ = out_->data() + want;
}

void Encoder::PutDouble(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  PutU32(static_cast<uint32_t>(bits >> 32));
  PutU32(static_cast<uint32_t>(bits));
}

bool Encoder::PutUtf8(std::string_view s) {
  if (s.size() > 0xFFFF) return Fail(Code::kTooLarge, "string longer than 65535 bytes");
  PutU16(static_cast<uint16_t>(s.size()));
  PutBytes(s);
  return true;
}

// AMF0 references hold a U16: past 65535 entries a node is written inline
// again (the max_depth bound still stops a cycle there).
bool Encoder::Amf0Reference(const void* node, bool* written) {
  uint32_t index = amf0_objects_.Find(node);
  if (index != amf0_objects_.kNotFound) {
    PutU8(0x07);
    PutU16(static_cast<uint16_t>(index));
    *written = true;
    return true;
  }
  if (amf0_objects_.size() <= 0xFFFF) amf0_objects_.Insert(node);
  *written = false;
  return true;
}

bool Encoder::WriteAmf0Members(const Object& obj, uint32_t depth) {
  for (size_t i = 0; i < obj.sealed.size(); ++i) {
    std::string_view name = obj.traits->sealed_names[i];
    if (name.empty()) return Fail(Code::kInvalidArgument, "empty member name");
    if (!PutUtf8(name) || !WriteAmf0(obj.sealed[i], depth + 1)) return false;
  }
  for (const Member& m : obj.dynamic) {
    if (m.name.empty()) return Fail(Code::kInvalidArgument, "empty member name");
    if (!PutUtf8(m.name) || !WriteAmf0(m.value, depth + 1)) return false;
  }
  PutU16(0);
  PutU8(0x09);
  return true;
}

bool Encoder::WriteAmf0Object(const Value& v, uint32_t depth) {
  const Object& obj = *v.AsObject();
  bool written;
  if (!EnterContainer(depth) || !Amf0Reference(&obj, &written)) return false;
  if (written) return true;
  if (obj.traits->class_name.empty()) {
    PutU8(0x03);
  } else {
    PutU8(0x10);
    if (!PutUtf8(obj.traits->class_name)) return false;
  }
  return WriteAmf0Members(obj, depth);
}

bool Encoder::WriteAmf0Array(const Value& v, uint32_t depth) {
  const Array& arr = *v.AsArray();
  bool written;
  if (!EnterContainer(depth) || !Amf0Reference(&arr, &written)) return false;
  if (written) return true;
  if (!arr.ecma && arr.assoc.empty()) {
    PutU8(0x0A);
    PutU32(static_cast<uint32_t>(arr.dense.size()));
    for (const Value& e : arr.dense) {
      if (!WriteAmf0(e, depth + 1)) return false;
    }
    return true;
  }
  // ECMA array: the count as sent when decoded, else the dense length (what
  // Flash writes); dense elements become members "0", "1", ...
  PutU8(0x08);
  PutU32(arr.ecma ? arr.ecma_count : static_cast<uint32_t>(arr.dense.size()));
  for (size_t i = 0; i < arr.dense.size(); ++i) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, i);
    (void)ec;
    if (!PutUtf8(std::string_view(digits, end - digits)) || !WriteAmf0(arr.dense[i], depth + 1)) {
      return false;
    }
  }
  for (const Member& m : arr.assoc) {
    if (m.name.empty()) return Fail(Code::kInvalidArgument, "empty member name");
    if (!PutUtf8(m.name) || !WriteAmf0(m.value, depth + 1)) return false;
  }
  PutU16(0);
  PutU8(0x09);
  return true;
}

bool Encoder::WriteAmf0(const Value& v, uint32_t depth) {
  if (failed_) return false;
  bool switch_to_amf3 = v.format() == Format::kAmf3;
  switch (v.type()) {
    case Type::kXml:
    case Type::kByteArray:
    case Type::kVectorInt:
    case Type::kVectorUint:
    case Type::kVectorDouble:
    case Type::kVectorObject:
    case Type::kDictionary:
      switch_to_amf3 = true;
      break;
    case Type::kObject:
      switch_to_amf3 |= v.AsObject()->traits->externalizable;
      break;
    default:
      break;
  }
  if (switch_to_amf3) {
    PutU8(0x11);
    return WriteAmf3(v, depth);
  }
  switch (v.type()) {
    case Type::kUndefined:
      PutU8(0x06);
      return true;
    case Type::kNull:
      PutU8(0x05);
      return true;
    case Type::kUnsupported:
      PutU8(0x0D);
      return true;
    case Type::kBoolean:
      PutU8(0x01);
      PutU8(v.AsBool() ? 1 : 0);
      return true;
    case Type::kInteger:
    case Type::kDouble:
      PutU8(0x00);
      PutDouble(v.AsNumber());
      return true;
    case Type::kString: {
      std::string_view s = v.AsString();
      if (!v.long_string() && s.size() <= 0xFFFF) {
        PutU8(0x02);
        return PutUtf8(s);
      }
      if (s.size() > 0xFFFFFFFFu) return Fail(Code::kTooLarge, "string longer than 4 GiB");
      PutU8(0x0C);
      PutU32(static_cast<uint32_t>(s.size()));
      PutBytes(s);
      return true;
    }
    case Type::kXmlDocument: {
      std::string_view s = v.AsBlob()->bytes;
      if (s.size() > 0xFFFFFFFFu) return Fail(Code::kTooLarge, "XML longer than 4 GiB");
      PutU8(0x0F);
      PutU32(static_cast<uint32_t>(s.size()));
      PutBytes(s);
      return true;
    }
    case Type::kDate: {
      const Date& d = *v.AsDate();
      PutU8(0x0B);
      PutDouble(d.millis);
      PutU16(static_cast<uint16_t>(d.timezone));
      return true;
    }
    case Type::kArray:
      return WriteAmf0Array(v, depth);
    case Type::kObject:
      return WriteAmf0Object(v, depth);
    default:
      return Fail(Code::kInternal, "unhandled AMF0 type");
  }
}

}  // namespace amfgate::amf
