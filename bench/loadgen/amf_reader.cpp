#include "amf_reader.h"

#include <bit>
#include <cstring>
#include <string>

namespace amfgate::bench {
namespace {

constexpr int kMaxDepth = 64;

class Reader {
 public:
  Reader(std::string_view bytes, ValueArena* arena) : p_(bytes), arena_(arena) {}

  size_t offset() const { return pos_; }
  size_t left() const { return p_.size() - pos_; }
  const char* reason() const { return reason_; }

  bool U8(uint8_t* v) {
    if (left() < 1) return Fail("truncated");
    *v = static_cast<uint8_t>(p_[pos_++]);
    return true;
  }
  bool U16(uint16_t* v) {
    if (left() < 2) return Fail("truncated");
    *v = static_cast<uint16_t>((Byte(0) << 8) | Byte(1));
    pos_ += 2;
    return true;
  }
  bool U32(uint32_t* v) {
    if (left() < 4) return Fail("truncated");
    *v = (static_cast<uint32_t>(Byte(0)) << 24) | (Byte(1) << 16) | (Byte(2) << 8) | Byte(3);
    pos_ += 4;
    return true;
  }
  bool Double(double* v) {
    uint32_t hi, lo;
    if (!U32(&hi) || !U32(&lo)) return false;
    *v = std::bit_cast<double>((static_cast<uint64_t>(hi) << 32) | lo);
    return true;
  }
  bool Bytes(size_t n, std::string_view* out) {
    if (left() < n) return Fail("length beyond the end");
    *out = p_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool Utf8(uint16_t n, std::string_view* out) { return Bytes(n, out); }

  // Starts a new message (header or body): fresh reference tables.
  void ResetTables() {
    amf0_objects_.clear();
    strings_.clear();
    objects_.clear();
    traits_.clear();
  }

  bool Amf0(const Value** out, int depth);
  bool Fail(const char* why) {
    if (reason_[0] == '\0') reason_ = why;
    return false;
  }

 private:
  struct Traits {
    std::string class_name;
    bool dynamic = false;
    std::vector<std::string> sealed;
  };

  uint32_t Byte(size_t i) const { return static_cast<uint8_t>(p_[pos_ + i]); }
  bool Amf0Members(Value* v, int depth);
  bool Amf3(const Value** out, int depth);
  bool U29(uint32_t* v);
  bool Amf3String(std::string* out);

  std::string_view p_;
  size_t pos_ = 0;
  ValueArena* arena_;
  const char* reason_ = "";
  std::vector<const Value*> amf0_objects_;
  std::vector<std::string> strings_;
  std::vector<const Value*> objects_;
  std::vector<Traits> traits_;
};

bool Reader::Amf0Members(Value* v, int depth) {
  for (;;) {
    uint16_t n;
    std::string_view key;
    if (!U16(&n) || !Utf8(n, &key)) return false;
    if (n == 0) {
      uint8_t end;
      if (!U8(&end)) return false;
      if (end != 0x09) return Fail("AMF0 object: empty key without end marker");
      return true;
    }
    const Value* member;
    if (!Amf0(&member, depth + 1)) return false;
    v->members.emplace_back(std::string(key), member);
  }
}

bool Reader::Amf0(const Value** out, int depth) {
  if (depth > kMaxDepth) return Fail("nesting too deep");
  uint8_t marker;
  if (!U8(&marker)) return false;
  switch (marker) {
    case 0x00: {
      Value* v = arena_->New(Kind::kDouble);
      *out = v;
      return Double(&v->number);
    }
    case 0x01: {
      uint8_t b;
      if (!U8(&b)) return false;
      *out = arena_->Bool(b != 0);
      return true;
    }
    case 0x02:
    case 0x0C:
    case 0x0F: {
      uint32_t n;
      if (marker == 0x02) {
        uint16_t n16;
        if (!U16(&n16)) return false;
        n = n16;
      } else if (!U32(&n)) {
        return false;
      }
      std::string_view s;
      if (!Bytes(n, &s)) return false;
      Value* v = arena_->New(marker == 0x0F ? Kind::kXml : Kind::kString);
      v->text.assign(s);
      *out = v;
      return true;
    }
    case 0x03:
    case 0x10: {
      Value* v = arena_->New(Kind::kObject);
      if (marker == 0x10) {
        uint16_t n;
        std::string_view name;
        if (!U16(&n) || !Utf8(n, &name)) return false;
        v->class_name.assign(name);
      }
      amf0_objects_.push_back(v);
      *out = v;
      return Amf0Members(v, depth);
    }
    case 0x05:
      *out = arena_->New(Kind::kNull);
      return true;
    case 0x06:
      *out = arena_->New(Kind::kUndefined);
      return true;
    case 0x07: {
      uint16_t index;
      if (!U16(&index)) return false;
      if (index >= amf0_objects_.size()) return Fail("AMF0 reference out of range");
      *out = amf0_objects_[index];
      return true;
    }
    case 0x08: {
      uint32_t count_hint;  // advisory only: members are read up to the end marker
      if (!U32(&count_hint)) return false;
      Value* v = arena_->New(Kind::kArray);
      amf0_objects_.push_back(v);
      *out = v;
      return Amf0Members(v, depth);
    }
    case 0x0A: {
      uint32_t count;
      if (!U32(&count)) return false;
      if (count > left()) return Fail("strict array count beyond the end");
      Value* v = arena_->New(Kind::kArray);
      amf0_objects_.push_back(v);
      *out = v;
      v->items.reserve(count);
      for (uint32_t i = 0; i < count; ++i) {
        const Value* item;
        if (!Amf0(&item, depth + 1)) return false;
        v->items.push_back(item);
      }
      return true;
    }
    case 0x0B: {
      Value* v = arena_->New(Kind::kDate);
      uint16_t tz;
      *out = v;
      return Double(&v->number) && U16(&tz);
    }
    case 0x11:
      return Amf3(out, depth);
    default:
      return Fail("unknown or unsupported AMF0 marker");
  }
}

bool Reader::U29(uint32_t* v) {
  uint32_t result = 0;
  for (int i = 0; i < 4; ++i) {
    uint8_t b;
    if (!U8(&b)) return false;
    if (i == 3) {
      *v = (result << 8) | b;
      return true;
    }
    result = (result << 7) | (b & 0x7F);
    if ((b & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

bool Reader::Amf3String(std::string* out) {
  uint32_t u;
  if (!U29(&u)) return false;
  if ((u & 1) == 0) {
    if ((u >> 1) >= strings_.size()) return Fail("AMF3 string reference out of range");
    *out = strings_[u >> 1];
    return true;
  }
  std::string_view s;
  if (!Bytes(u >> 1, &s)) return false;
  out->assign(s);
  if (!s.empty()) strings_.emplace_back(s);
  return true;
}

bool Reader::Amf3(const Value** out, int depth) {
  if (depth > kMaxDepth) return Fail("nesting too deep");
  uint8_t marker;
  if (!U8(&marker)) return false;
  switch (marker) {
    case 0x00:
      *out = arena_->New(Kind::kUndefined);
      return true;
    case 0x01:
      *out = arena_->New(Kind::kNull);
      return true;
    case 0x02:
    case 0x03:
      *out = arena_->Bool(marker == 0x03);
      return true;
    case 0x04: {
      uint32_t u;
      if (!U29(&u)) return false;
      // Sign-extend the 29-bit value.
      int32_t i = (u & 0x10000000) ? static_cast<int32_t>(u | 0xE0000000) : static_cast<int32_t>(u);
      *out = arena_->Int(i);
      return true;
    }
    case 0x05: {
      Value* v = arena_->New(Kind::kDouble);
      *out = v;
      return Double(&v->number);
    }
    case 0x06: {
      Value* v = arena_->New(Kind::kString);
      *out = v;
      return Amf3String(&v->text);
    }
    case 0x07:
    case 0x0B:
    case 0x0C:
    case 0x08:
    case 0x09:
    case 0x0A: {
      uint32_t u;
      if (!U29(&u)) return false;
      if ((u & 1) == 0) {
        if ((u >> 1) >= objects_.size()) return Fail("AMF3 object reference out of range");
        *out = objects_[u >> 1];
        return true;
      }
      if (marker == 0x08) {
        Value* v = arena_->New(Kind::kDate);
        objects_.push_back(v);
        *out = v;
        return Double(&v->number);
      }
      if (marker == 0x07 || marker == 0x0B || marker == 0x0C) {
        std::string_view s;
        if (!Bytes(u >> 1, &s)) return false;
        Value* v = arena_->New(marker == 0x0C ? Kind::kByteArray : Kind::kXml);
        v->text.assign(s);
        objects_.push_back(v);
        *out = v;
        return true;
      }
      if (marker == 0x09) {
        const uint32_t dense = u >> 1;
        Value* v = arena_->New(Kind::kArray);
        objects_.push_back(v);
        *out = v;
        for (;;) {
          std::string key;
          if (!Amf3String(&key)) return false;
          if (key.empty()) break;
          const Value* member;
          if (!Amf3(&member, depth + 1)) return false;
          v->members.emplace_back(std::move(key), member);
        }
        if (dense > left()) return Fail("AMF3 array count beyond the end");
        v->items.reserve(dense);
        for (uint32_t i = 0; i < dense; ++i) {
          const Value* item;
          if (!Amf3(&item, depth + 1)) return false;
          v->items.push_back(item);
        }
        return true;
      }
      // Object: traits inline or by reference.
      Value* v = arena_->New(Kind::kObject);
      objects_.push_back(v);
      *out = v;
      const Traits* traits;
      if ((u & 2) == 0) {
        if ((u >> 2) >= traits_.size()) return Fail("AMF3 traits reference out of range");
        traits = &traits_[u >> 2];
      } else {
        if (u & 4) return Fail("externalizable objects are not supported by the bench reader");
        Traits t;
        t.dynamic = (u & 8) != 0;
        const uint32_t sealed = u >> 4;
        if (sealed > left()) return Fail("AMF3 sealed count beyond the end");
        if (!Amf3String(&t.class_name)) return false;
        for (uint32_t i = 0; i < sealed; ++i) {
          std::string name;
          if (!Amf3String(&name)) return false;
          t.sealed.push_back(std::move(name));
        }
        traits_.push_back(std::move(t));
        traits = &traits_.back();
      }
      // Copy what we need: a nested object may grow traits_ and move it.
      v->class_name = traits->class_name;
      const bool dynamic = traits->dynamic;
      const std::vector<std::string> sealed_names = traits->sealed;
      for (const std::string& name : sealed_names) {
        const Value* member;
        if (!Amf3(&member, depth + 1)) return false;
        v->members.emplace_back(name, member);
      }
      while (dynamic) {
        std::string key;
        if (!Amf3String(&key)) return false;
        if (key.empty()) break;
        const Value* member;
        if (!Amf3(&member, depth + 1)) return false;
        v->members.emplace_back(std::move(key), member);
      }
      return true;
    }
    default:
      return Fail("AMF3 vector, dictionary or unknown marker: not supported by the bench reader");
  }
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

Code ReadPacket(std::string_view bytes, ValueArena* arena, Packet* out, const char** reason) {
  Reader r(bytes, arena);
  out->bodies.clear();
  uint16_t header_count, body_count;
  if (!r.U16(&out->version) || !r.U16(&header_count)) {
    *reason = r.reason();
    return Code::kMalformed;
  }
  if (out->version != 0 && out->version != 3) {
    *reason = "packet version is neither 0 nor 3";
    return Code::kMalformed;
  }
  out->header_count = header_count;
  for (uint16_t i = 0; i < header_count; ++i) {
    uint16_t n;
    std::string_view name;
    uint8_t must_understand;
    uint32_t length;
    const Value* value;
    r.ResetTables();
    if (!r.U16(&n) || !r.Utf8(n, &name) || !r.U8(&must_understand) || !r.U32(&length) ||
        !r.Amf0(&value, 0)) {
      *reason = r.reason();
      return Code::kMalformed;
    }
  }
  if (!r.U16(&body_count)) {
    *reason = r.reason();
    return Code::kMalformed;
  }
  for (uint16_t i = 0; i < body_count; ++i) {
    Body body;
    uint16_t n;
    uint32_t length;
    r.ResetTables();
    if (!r.U16(&n) || !r.Utf8(n, &body.target) || !r.U16(&n) || !r.Utf8(n, &body.response) ||
        !r.U32(&length)) {
      *reason = r.reason();
      return Code::kMalformed;
    }
    const size_t start = r.offset();
    if (!r.Amf0(&body.value, 0)) {
      *reason = r.reason();
      return Code::kMalformed;
    }
    body.raw = bytes.substr(start, r.offset() - start);
    out->bodies.push_back(body);
  }
  if (r.left() != 0) {
    *reason = "bytes after the last body";
    return Code::kMalformed;
  }
  return Code::kOk;
}

bool IsFault(const Body& body) { return EndsWith(body.target, "/onStatus"); }

std::string_view FaultCode(const Body& body) {
  if (body.value == nullptr) return {};
  for (const char* key : {"code", "faultCode"}) {
    const Value* v = Member(*body.value, key);
    if (v != nullptr && v->kind == Kind::kString) return v->text;
  }
  return {};
}

}  // namespace amfgate::bench
