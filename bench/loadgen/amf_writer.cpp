#include "amf_writer.h"

#include <bit>
#include <cstring>

namespace amfgate::bench {
namespace {

constexpr int32_t kAmf3IntMin = -(1 << 28);
constexpr int32_t kAmf3IntMax = (1 << 28) - 1;

}  // namespace

void PutU8(std::string* out, uint8_t v) { out->push_back(static_cast<char>(v)); }

void PutU16(std::string* out, uint16_t v) {
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v));
}

void PutU32(std::string* out, uint32_t v) {
  PutU16(out, static_cast<uint16_t>(v >> 16));
  PutU16(out, static_cast<uint16_t>(v));
}

void PutDouble(std::string* out, double v) {
  uint64_t bits = std::bit_cast<uint64_t>(v);
  PutU32(out, static_cast<uint32_t>(bits >> 32));
  PutU32(out, static_cast<uint32_t>(bits));
}

void PutAmf0String(std::string* out, std::string_view s) {
  if (s.size() <= 0xFFFF) {
    PutU8(out, 0x02);
    PutU16(out, static_cast<uint16_t>(s.size()));
  } else {
    PutU8(out, 0x0C);
    PutU32(out, static_cast<uint32_t>(s.size()));
  }
  out->append(s);
}

std::string EncodeRequestPacket(std::string_view target, std::string_view response_uri,
                                std::string_view body_value) {
  std::string out;
  out.reserve(16 + target.size() + response_uri.size() + body_value.size());
  PutU16(&out, 3);  // version: an AMF3-capable client
  PutU16(&out, 0);  // no headers
  PutU16(&out, 1);  // one body
  PutU16(&out, static_cast<uint16_t>(target.size()));
  out.append(target);
  PutU16(&out, static_cast<uint16_t>(response_uri.size()));
  out.append(response_uri);
  PutU32(&out, static_cast<uint32_t>(body_value.size()));
  out.append(body_value);
  return out;
}

void Amf3Writer::U29(uint32_t v) {
  v &= 0x1FFFFFFF;
  if (v < 0x80) {
    PutU8(out_, static_cast<uint8_t>(v));
  } else if (v < 0x4000) {
    PutU8(out_, static_cast<uint8_t>((v >> 7) | 0x80));
    PutU8(out_, static_cast<uint8_t>(v & 0x7F));
  } else if (v < 0x200000) {
    PutU8(out_, static_cast<uint8_t>((v >> 14) | 0x80));
    PutU8(out_, static_cast<uint8_t>(((v >> 7) & 0x7F) | 0x80));
    PutU8(out_, static_cast<uint8_t>(v & 0x7F));
  } else {
    PutU8(out_, static_cast<uint8_t>((v >> 22) | 0x80));
    PutU8(out_, static_cast<uint8_t>(((v >> 15) & 0x7F) | 0x80));
    PutU8(out_, static_cast<uint8_t>(((v >> 8) & 0x7F) | 0x80));
    PutU8(out_, static_cast<uint8_t>(v & 0xFF));
  }
}

void Amf3Writer::StringBody(std::string_view s) {
  if (s.empty()) {
    U29(1);  // the empty string is never sent by reference
    return;
  }
  auto it = strings_.find(std::string(s));
  if (it != strings_.end()) {
    U29(it->second << 1);
    return;
  }
  strings_.emplace(std::string(s), static_cast<uint32_t>(strings_.size()));
  U29((static_cast<uint32_t>(s.size()) << 1) | 1);
  out_->append(s);
}

bool Amf3Writer::ObjectReference(const Value& v) {
  auto it = objects_.find(&v);
  if (it != objects_.end()) {
    U29(it->second << 1);
    return true;
  }
  objects_.emplace(&v, object_count_++);
  return false;
}

void Amf3Writer::Write(const Value& v) {
  switch (v.kind) {
    case Kind::kUndefined:
      PutU8(out_, 0x00);
      return;
    case Kind::kNull:
      PutU8(out_, 0x01);
      return;
    case Kind::kBool:
      PutU8(out_, v.boolean ? 0x03 : 0x02);
      return;
    case Kind::kInt:
      if (v.integer >= kAmf3IntMin && v.integer <= kAmf3IntMax) {
        PutU8(out_, 0x04);
        U29(static_cast<uint32_t>(v.integer));
      } else {
        PutU8(out_, 0x05);
        PutDouble(out_, v.integer);
      }
      return;
    case Kind::kDouble:
      PutU8(out_, 0x05);
      PutDouble(out_, v.number);
      return;
    case Kind::kString:
      PutU8(out_, 0x06);
      StringBody(v.text);
      return;
    case Kind::kXml:
    case Kind::kByteArray:
      PutU8(out_, v.kind == Kind::kXml ? 0x0B : 0x0C);
      if (ObjectReference(v)) return;
      U29((static_cast<uint32_t>(v.text.size()) << 1) | 1);
      out_->append(v.text);
      return;
    case Kind::kDate:
      PutU8(out_, 0x08);
      if (ObjectReference(v)) return;
      U29(1);
      PutDouble(out_, v.number);
      return;
    case Kind::kArray:
      PutU8(out_, 0x09);
      if (ObjectReference(v)) return;
      U29((static_cast<uint32_t>(v.items.size()) << 1) | 1);
      for (const auto& [name, member] : v.members) {
        StringBody(name);
        Write(*member);
      }
      StringBody("");
      for (const Value* item : v.items) Write(*item);
      return;
    case Kind::kObject: {
      PutU8(out_, 0x0A);
      if (ObjectReference(v)) return;
      const bool dynamic = v.class_name.empty();
      std::vector<std::string> layout{v.class_name};
      if (!dynamic) {
        for (const auto& m : v.members) layout.push_back(m.first);
      }
      auto it = traits_.find(layout);
      if (it != traits_.end()) {
        U29((it->second << 2) | 1);  // object inline, traits by reference
      } else {
        const uint32_t sealed = dynamic ? 0 : static_cast<uint32_t>(v.members.size());
        U29((sealed << 4) | (dynamic ? 0x08 : 0) | 0x03);
        StringBody(v.class_name);
        if (!dynamic) {
          for (const auto& m : v.members) StringBody(m.first);
        }
        traits_.emplace(std::move(layout), static_cast<uint32_t>(traits_.size()));
      }
      for (const auto& [name, member] : v.members) {
        if (dynamic) StringBody(name);
        Write(*member);
      }
      if (dynamic) StringBody("");
      return;
    }
  }
}

}  // namespace amfgate::bench
