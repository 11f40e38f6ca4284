#include "amf/json.h"

#include <cmath>
#include <string>

#include "amf/codec.h"
#include "amf/json_tables.h"

namespace amfgate::amf {

namespace {

using json_internal::AsBytes;
using json_internal::DoubleToJson;
using json_internal::Hex;
using json_internal::kAmf0TableEntries;
using json_internal::MessageTables;

Status DumpError(const std::string& reason) {
  return Status::Error(Code::kInvalidArgument, "cannot dump: " + reason);
}

// ---------------------------------------------------------------------------
// Graph -> JSON

// Values the AMF0 encoder always writes after the 0x11 switch: the types
// AMF0 lacks, and externalizable objects.
bool HasNoAmf0Form(const Value& v) {
  switch (v.type()) {
    case amf::Type::kXml:
    case amf::Type::kByteArray:
    case amf::Type::kVectorInt:
    case amf::Type::kVectorUint:
    case amf::Type::kVectorDouble:
    case amf::Type::kVectorObject:
    case amf::Type::kDictionary:
      return true;
    case amf::Type::kObject:
      return v.AsObject()->traits->externalizable;
    default:
      return false;
  }
}

class Dumper {
 public:
  Status Message(const Value& v, Format top, json::Value* out) {
    t_.Clear();
    return top == Format::kAmf0 ? Amf0(v, 0, out) : Amf3(v, 0, out);
  }

 private:
  static constexpr uint32_t kMaxDepth = kMaxDepthCap;

  Status Text(std::string_view s, json::Value* out) {
    if (!json::IsValidUtf8(s)) return DumpError("a string is not valid UTF-8");
    *out = json::Value::String(s);
    return Status::Ok();
  }

  // Null and booleans are plain JSON in both encodings; true when `v` is one.
  static bool PlainJson(const Value& v, json::Value* out) {
    if (v.type() == amf::Type::kNull) {
      *out = json::Value::Null();
      return true;
    }
    if (v.type() == amf::Type::kBoolean) {
      *out = json::Value::Bool(v.AsBool());
      return true;
    }
    return false;
  }

  // A string in AMF3 string-table position (value, member name, class name).
  // Returns true when the encoder writes it as a reference (*index set).
  bool StringRef(std::string_view s, uint32_t* index) {
    if (s.empty()) return false;
    if (auto i = t_.strings.Find(s)) {
      *index = *i;
      return true;
    }
    t_.strings.Add(s);
    return false;
  }

  Status Amf0(const Value& v, uint32_t depth, json::Value* out) {
    if (depth > kMaxDepth) return DumpError("nesting too deep");
    if (v.format() == Format::kAmf3 || HasNoAmf0Form(v)) {
      *out = json::Value::Object();
      return Amf3(v, depth, &out->Add("amf3", json::Value()));
    }
    if (PlainJson(v, out)) return Status::Ok();
    *out = json::Value::Object();
    switch (v.type()) {
      case amf::Type::kUndefined:
        out->Add("undefined", json::Value::Null());
        return Status::Ok();
      case amf::Type::kUnsupported:
        out->Add("unsupported", json::Value::Null());
        return Status::Ok();
      case amf::Type::kInteger:
      case amf::Type::kDouble:
        out->Add("number", DoubleToJson(v.AsNumber()));
        return Status::Ok();
      case amf::Type::kString:
        if (v.long_string() || v.AsString().size() > 0xFFFF) {
          return Text(v.AsString(), &out->Add("long_string", json::Value()));
        }
        return Text(v.AsString(), out);
      case amf::Type::kDate:
        out->Add("date", DoubleToJson(v.AsDate()->millis));
        out->Add("timezone", json::Value::Int(v.AsDate()->timezone));
        return Status::Ok();
      case amf::Type::kXmlDocument:
        return Text(v.AsBlob()->bytes, &out->Add("xml_doc", json::Value()));
      case amf::Type::kArray:
      case amf::Type::kObject:
        break;
      default:
        return DumpError("unknown value type");
    }
    if (auto i = t_.amf0_objects.Find(v.node())) {
      out->Add("$ref", json::Value::Int(*i));
      return Status::Ok();
    }
    if (t_.amf0_objects.size() < kAmf0TableEntries) t_.amf0_objects.Add(v.node());
    if (v.type() == amf::Type::kArray) return Amf0Array(*v.AsArray(), depth, out);
    const Object& o = *v.AsObject();
    json::Value members = json::Value::Object();
    for (size_t i = 0; i < o.sealed.size(); ++i) {
      Status s = Amf0(o.sealed[i], depth + 1, &members.Add(o.traits->sealed_names[i], {}));
      if (!s.ok()) return s;
    }
    for (const Member& m : o.dynamic) {
      if (!json::IsValidUtf8(m.name)) return DumpError("a member name is not valid UTF-8");
      Status s = Amf0(m.value, depth + 1, &members.Add(m.name, {}));
      if (!s.ok()) return s;
    }
    if (o.traits->class_name.empty()) {
      out->Add("object", std::move(members));
    } else {
      out->Add("typed_object", std::move(members));
      Status s = Text(o.traits->class_name, &out->Add("class", {}));
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }

  Status Amf0Array(const Array& a, uint32_t depth, json::Value* out) {
    if (!a.ecma && a.assoc.empty()) {
      json::Value& dense = out->Add("strict_array", json::Value::Array());
      for (const Value& e : a.dense) {
        Status s = Amf0(e, depth + 1, &dense.Push({}));
        if (!s.ok()) return s;
      }
      return Status::Ok();
    }
    // An ECMA array on the wire: dense elements become members "0", "1", ...
    // ahead of the named ones; a built array's count is its dense length.
    json::Value& members = out->Add("ecma_array", json::Value::Object());
    for (size_t i = 0; i < a.dense.size(); ++i) {
      Status s = Amf0(a.dense[i], depth + 1, &members.Add(std::to_string(i), {}));
      if (!s.ok()) return s;
    }
    for (const Member& m : a.assoc) {
      if (!json::IsValidUtf8(m.name)) return DumpError("a member name is not valid UTF-8");
      Status s = Amf0(m.value, depth + 1, &members.Add(m.name, {}));
      if (!s.ok()) return s;
    }
    out->Add("count", json::Value::Int(a.ecma ? a.ecma_count : a.dense.size()));
    return Status::Ok();
  }

  Status Amf3(const Value& v, uint32_t depth, json::Value* out) {
    if (depth > kMaxDepth) return DumpError("nesting too deep");
    if (PlainJson(v, out)) return Status::Ok();
    *out = json::Value::Object();
    switch (v.type()) {
      case amf::Type::kUndefined:
      case amf::Type::kUnsupported:
        out->Add("undefined", json::Value::Null());
        return Status::Ok();
      case amf::Type::kInteger:
        if (v.AsInteger() >= kMinInteger && v.AsInteger() <= kMaxInteger) {
          out->Add("int", json::Value::Int(v.AsInteger()));
        } else {
          out->Add("double", DoubleToJson(v.AsInteger()));
        }
        return Status::Ok();
      case amf::Type::kDouble: {
        // A built number (not exact_double) is written as an integer when
        // Flash would: integral, in range, and not -0.
        double d = v.AsDouble();
        if (!v.exact_double() && d >= kMinInteger && d <= kMaxInteger && d == std::floor(d) &&
            !(d == 0 && std::signbit(d))) {
          out->Add("int", json::Value::Int(static_cast<int64_t>(d)));
        } else {
          out->Add("double", DoubleToJson(d));
        }
        return Status::Ok();
      }
      case amf::Type::kString: {
        uint32_t index;
        if (StringRef(v.AsString(), &index)) {
          out->Add("$sref", json::Value::Int(index));
          return Status::Ok();
        }
        return Text(v.AsString(), out);
      }
      default:
        break;
    }
    if (auto i = t_.objects.Find(v.node())) {
      out->Add("$ref", json::Value::Int(*i));
      return Status::Ok();
    }
    t_.objects.Add(v.node());
    switch (v.type()) {
      case amf::Type::kDate:
        out->Add("date", DoubleToJson(v.AsDate()->millis));
        return Status::Ok();
      case amf::Type::kXmlDocument:
        return Text(v.AsBlob()->bytes, &out->Add("xml_doc", {}));
      case amf::Type::kXml:
        return Text(v.AsBlob()->bytes, &out->Add("xml", {}));
      case amf::Type::kByteArray:
        out->Add("bytearray", json::Value::String(Hex(AsBytes(v.AsBlob()->bytes))));
        return Status::Ok();
      case amf::Type::kArray:
        return Amf3Array(*v.AsArray(), depth, out);
      case amf::Type::kObject:
        return Amf3Object(*v.AsObject(), depth, out);
      case amf::Type::kVectorInt:
      case amf::Type::kVectorUint:
      case amf::Type::kVectorDouble:
      case amf::Type::kVectorObject:
        return Amf3Vector(v.type(), *v.AsVector(), depth, out);
      case amf::Type::kDictionary:
        return Amf3Dictionary(*v.AsDictionary(), depth, out);
      default:
        return DumpError("unknown value type");
    }
  }

  // A member name in AMF3: written through the string table.
  Status Amf3Member(std::string_view name, const Value& value, uint32_t depth,
                    json::Value* members) {
    if (!json::IsValidUtf8(name)) return DumpError("a member name is not valid UTF-8");
    uint32_t unused;
    StringRef(name, &unused);
    return Amf3(value, depth + 1, &members->Add(name, {}));
  }

  Status Amf3Array(const Array& a, uint32_t depth, json::Value* out) {
    if (!a.assoc.empty()) {
      json::Value assoc = json::Value::Object();
      for (const Member& m : a.assoc) {
        if (m.name.empty()) return DumpError("an associative array member has an empty name");
        Status s = Amf3Member(m.name, m.value, depth, &assoc);
        if (!s.ok()) return s;
      }
      out->Add("assoc", std::move(assoc));
    }
    json::Value dense = json::Value::Array();
    for (const Value& e : a.dense) {
      Status s = Amf3(e, depth + 1, &dense.Push({}));
      if (!s.ok()) return s;
    }
    out->Add("array", std::move(dense));
    return Status::Ok();
  }

  Status Amf3Object(const Object& o, uint32_t depth, json::Value* out) {
    const Traits& t = *o.traits;
    if (auto i = t_.traits.Find(&t)) {
      out->Add("$tref", json::Value::Int(*i));
    } else {
      t_.traits.Add(&t);
      uint32_t unused;
      if (!t.class_name.empty()) {
        StringRef(t.class_name, &unused);
        Status s = Text(t.class_name, &out->Add("class", {}));
        if (!s.ok()) return s;
      }
      if (t.externalizable) out->Add("externalizable", json::Value::Bool(true));
      if (!t.sealed_names.empty()) {
        json::Value& names = out->Add("sealed", json::Value::Array());
        for (std::string_view n : t.sealed_names) {
          StringRef(n, &unused);
          Status s = Text(n, &names.Push({}));
          if (!s.ok()) return s;
        }
      }
      if (!t.dynamic && !t.externalizable) out->Add("dynamic", json::Value::Bool(false));
    }
    if (t.externalizable) return Amf3External(o, depth, out);
    json::Value members = json::Value::Object();
    for (size_t i = 0; i < o.sealed.size(); ++i) {
      Status s = Amf3(o.sealed[i], depth + 1, &members.Add(t.sealed_names[i], {}));
      if (!s.ok()) return s;
    }
    // The encoder writes dynamic members only for dynamic traits.
    for (const Member& m : t.dynamic ? o.dynamic : std::span<Member>()) {
      if (m.name.empty()) return DumpError("a dynamic member has an empty name");
      Status s = Amf3Member(m.name, m.value, depth, &members);
      if (!s.ok()) return s;
    }
    out->Add("object", std::move(members));
    return Status::Ok();
  }

  Status Amf3External(const Object& o, uint32_t depth, json::Value* out) {
    if (o.external == nullptr) return DumpError("an externalizable object without its payload");
    const External& e = *o.external;
    if (e.level_count == 0) return Amf3(e.value, depth + 1, &out->Add("external", {}));
    json::Value& levels = out->Add("levels", json::Value::Array());
    for (uint8_t l = 0; l < e.level_count && l < 3; ++l) {
      json::Value& level = levels.Push(json::Value::Object());
      level.Add("flags", json::Value::String(Hex(e.levels[l].flags)));
      json::Value& values = level.Add("values", json::Value::Array());
      for (const Value& v : e.levels[l].values) {
        Status s = Amf3(v, depth + 1, &values.Push({}));
        if (!s.ok()) return s;
      }
    }
    return Status::Ok();
  }

  Status Amf3Vector(amf::Type type, const Vector& vec, uint32_t depth, json::Value* out) {
    json::Value items = json::Value::Array();
    const char* tag = "vector_int";
    switch (type) {
      case amf::Type::kVectorInt:
        for (int32_t i : vec.ints) items.Push(json::Value::Int(i));
        break;
      case amf::Type::kVectorUint:
        tag = "vector_uint";
        for (uint32_t u : vec.uints) items.Push(json::Value::Int(u));
        break;
      case amf::Type::kVectorDouble:
        tag = "vector_double";
        for (double d : vec.doubles) items.Push(DoubleToJson(d));
        break;
      default: {
        tag = "vector_object";
        uint32_t unused;
        StringRef(vec.type_name, &unused);
        Status s = Text(vec.type_name, &out->Add("type_name", {}));
        if (!s.ok()) return s;
        for (const Value& v : vec.objects) {
          s = Amf3(v, depth + 1, &items.Push({}));
          if (!s.ok()) return s;
        }
        break;
      }
    }
    out->Add(tag, std::move(items));
    if (vec.fixed) out->Add("fixed", json::Value::Bool(true));
    return Status::Ok();
  }

  Status Amf3Dictionary(const Dictionary& d, uint32_t depth, json::Value* out) {
    json::Value entries = json::Value::Array();
    for (const DictionaryEntry& e : d.entries) {
      json::Value& pair = entries.Push(json::Value::Array());
      Status s = Amf3(e.key, depth + 1, &pair.Push({}));
      if (!s.ok()) return s;
      s = Amf3(e.value, depth + 1, &pair.Push({}));
      if (!s.ok()) return s;
    }
    out->Add("dictionary", std::move(entries));
    if (d.weak_keys) out->Add("weak_keys", json::Value::Bool(true));
    return Status::Ok();
  }

  MessageTables t_;
};

Status DecodeError(const char* what, const Failure& f) {
  const char* why = f.code == Code::kAgain      ? " (the input ends early)"
                    : f.code == Code::kTooLarge ? " (over a decode limit)"
                                                : "";
  return Status::Error(
      f.code, std::string(what) + " at byte " + std::to_string(f.offset) + ": " + f.reason + why);
}

// The value's encoded length, or the recorded field.
Status LengthToJson(const LengthField& length, const Value& value, json::Value* out) {
  if (!length.exact) {
    *out = json::Value::Int(length.recorded);
    return Status::Ok();
  }
  std::string bytes;
  Arena scratch;
  Result<size_t> n = EncodeAmf0(value, scratch, &bytes);
  if (!n.ok()) return DumpError(std::string("cannot encode a value: ") + n.failure().reason);
  *out = json::Value::Int(static_cast<int64_t>(*n));
  return Status::Ok();
}

}  // namespace

Status ValueToJson(const Value& value, Format top, json::Value* out) {
  Dumper d;
  json::Value v;
  Status s = d.Message(value, top, &v);
  if (!s.ok()) return s;
  *out = json::Value::Object();
  out->Add(top == Format::kAmf0 ? "amf0" : "amf3", std::move(v));
  return Status::Ok();
}

Status PacketToJson(const Packet& packet, json::Value* out) {
  Dumper d;
  *out = json::Value::Object();
  out->Add("version", json::Value::Int(packet.version));
  json::Value& headers = out->Add("headers", json::Value::Array());
  for (const Header& h : packet.headers) {
    json::Value& j = headers.Push(json::Value::Object());
    if (!json::IsValidUtf8(h.name)) return DumpError("a header name is not valid UTF-8");
    j.Add("name", json::Value::String(h.name));
    j.Add("must_understand", json::Value::Bool(h.must_understand));
    Status s = LengthToJson(h.length, h.value, &j.Add("length", {}));
    if (s.ok()) s = d.Message(h.value, Format::kAmf0, &j.Add("value", {}));
    if (!s.ok()) return s;
  }
  json::Value& bodies = out->Add("bodies", json::Value::Array());
  for (const Body& b : packet.bodies) {
    json::Value& j = bodies.Push(json::Value::Object());
    if (!json::IsValidUtf8(b.target) || !json::IsValidUtf8(b.response)) {
      return DumpError("a body URI is not valid UTF-8");
    }
    j.Add("target", json::Value::String(b.target));
    j.Add("response", json::Value::String(b.response));
    Status s = LengthToJson(b.length, b.value, &j.Add("length", {}));
    if (s.ok()) s = d.Message(b.value, Format::kAmf0, &j.Add("value", {}));
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Status DumpJson(std::string_view bytes, JsonDocumentKind kind, std::string* text,
                const DecodeLimits& limits) {
  Arena arena;
  json::Value doc;
  Status s;
  if (kind == JsonDocumentKind::kPacket) {
    Result<Packet> p = DecodePacket(bytes, arena, limits);
    if (!p.ok()) return DecodeError("malformed packet", p.failure());
    s = PacketToJson(*p, &doc);
  } else {
    bool amf0 = kind == JsonDocumentKind::kAmf0Value;
    Result<Value> v = amf0 ? DecodeAmf0(bytes, arena, limits) : DecodeAmf3(bytes, arena, limits);
    if (!v.ok())
      return DecodeError(amf0 ? "malformed AMF0 value" : "malformed AMF3 value", v.failure());
    s = ValueToJson(*v, amf0 ? Format::kAmf0 : Format::kAmf3, &doc);
  }
  if (!s.ok()) return s;
  *text = json::Serialize(doc, true);
  return Status::Ok();
}

Status EncodeJson(std::string_view text, std::string* bytes, JsonDocumentKind* kind,
                  const DecodeLimits& limits) {
  json::Value doc;
  Status s = json::Parse(text, &doc);
  if (!s.ok()) return s;
  Arena arena;
  JsonDocument d;
  s = JsonToDocument(doc, arena, &d, limits);
  if (!s.ok()) return s;
  if (kind != nullptr) *kind = d.kind;
  Arena scratch;
  bytes->clear();
  Result<size_t> n = d.kind == JsonDocumentKind::kPacket ? EncodePacket(d.packet, scratch, bytes)
                     : d.kind == JsonDocumentKind::kAmf0Value ? EncodeAmf0(d.value, scratch, bytes)
                                                              : EncodeAmf3(d.value, scratch, bytes);
  if (!n.ok()) {
    return Status::Error(n.failure().code, std::string("cannot encode: ") + n.failure().reason);
  }
  return Status::Ok();
}

}  // namespace amfgate::amf
