#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "amf/codec.h"
#include "amf/json.h"
#include "amf/json_tables.h"

namespace amfgate::amf {

namespace {

using JType = json::Type;
using json_internal::AsBytes;
using json_internal::MessageTables;

Status ErrorAt(const json::Value& at, const std::string& reason) {
  return Status::Error(Code::kMalformed, "line " + std::to_string(at.line()) + ", column " +
                                             std::to_string(at.column()) + ": " + reason);
}

bool ParseDouble(const json::Value& j, double* out) {
  if (j.is(JType::kNumber)) return json::TokenToDouble(j.text(), out);
  if (!j.is(JType::kString)) return false;
  std::string_view s = j.text();
  if (s == "NaN") {
    *out = std::nan("");
    uint64_t bits = 0x7FF8000000000000ull;
    std::memcpy(out, &bits, sizeof bits);
    return true;
  }
  if (s == "Infinity" || s == "-Infinity") {
    *out = s[0] == '-' ? -HUGE_VAL : HUGE_VAL;
    return true;
  }
  if (s.size() != 4 + 16 || s.substr(0, 4) != "NaN:") return false;
  uint64_t bits = 0;
  for (char c : s.substr(4)) {
    int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
    if (d < 0) return false;
    bits = bits << 4 | static_cast<uint64_t>(d);
  }
  std::memcpy(out, &bits, sizeof bits);
  return std::isnan(*out);
}

bool ParseInteger(const json::Value& j, int64_t min, int64_t max, int64_t* out) {
  return j.is(JType::kNumber) && json::TokenToInt64(j.text(), out) && *out >= min && *out <= max;
}

bool ParseHex(std::string_view s, std::string* out) {
  if (s.size() % 2 != 0) return false;
  out->clear();
  for (size_t i = 0; i < s.size(); i += 2) {
    int v = 0;
    for (size_t k = i; k < i + 2; ++k) {
      char c = s[k];
      int d = (c >= '0' && c <= '9')   ? c - '0'
              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                       : -1;
      if (d < 0) return false;
      v = v * 16 + d;
    }
    out->push_back(static_cast<char>(v));
  }
  return true;
}

// A tagged value's type member, and the other members that may go with it
// (space-separated).
struct TagSpec {
  std::string_view tag;
  std::string_view extras;

  bool Allows(std::string_view key) const {
    if (key == tag) return true;
    for (size_t at = 0; at < extras.size();) {
      size_t end = extras.find(' ', at);
      if (end == std::string_view::npos) end = extras.size();
      if (extras.substr(at, end - at) == key) return true;
      at = end + 1;
    }
    return false;
  }
};

class Builder {
 public:
  Builder(Arena& arena, const DecodeLimits& limits) : arena_(arena), limits_(limits) {}

  Status Document(const json::Value& doc, JsonDocument* out) {
    if (!doc.is(JType::kObject)) return ErrorAt(doc, "a document is a JSON object");
    const json::Value* v0 = doc.Find("amf0");
    const json::Value* v3 = doc.Find("amf3");
    if (v0 != nullptr || v3 != nullptr) {
      if (doc.members().size() != 1) {
        return ErrorAt(doc, "a value document has exactly one member, \"amf0\" or \"amf3\"");
      }
      t_.Clear();
      out->kind = v0 ? JsonDocumentKind::kAmf0Value : JsonDocumentKind::kAmf3Value;
      return v0 ? Amf0(*v0, 0, &out->value) : Amf3(*v3, 0, &out->value);
    }
    out->kind = JsonDocumentKind::kPacket;
    return BuildPacket(doc, &out->packet);
  }

 private:
  // Every key is in `allowed` (an empty list allows any) and none repeats.
  Status CheckKeys(const json::Value& j, std::initializer_list<std::string_view> allowed) {
    for (const json::Member& m : j.members()) {
      bool ok = allowed.size() == 0;
      for (std::string_view a : allowed) ok = ok || m.key == a;
      if (!ok) return ErrorAt(m.value, "unexpected member \"" + m.key + "\"");
      for (const json::Member& other : j.members()) {
        if (&other != &m && other.key == m.key) {
          return ErrorAt(other.value, "member \"" + m.key + "\" given twice");
        }
      }
    }
    return Status::Ok();
  }

  // Finds which of `specs` tags `j`; checks the other keys.
  Status Tag(const json::Value& j, const char* context, std::span<const TagSpec> specs,
             const TagSpec** spec, const json::Value** value) {
    *spec = nullptr;
    for (const json::Member& m : j.members()) {
      for (const TagSpec& s : specs) {
        if (m.key != s.tag) continue;
        if (*spec != nullptr) return ErrorAt(m.value, "a value has one type member");
        *spec = &s;
        *value = &m.value;
      }
    }
    if (*spec == nullptr) {
      std::string known;
      for (const TagSpec& s : specs) known += (known.empty() ? "" : ", ") + std::string(s.tag);
      return ErrorAt(j, std::string("no type member here (") + context + ": " + known + ")");
    }
    for (const json::Member& m : j.members()) {
      if (!(*spec)->Allows(m.key)) return ErrorAt(m.value, "unexpected member \"" + m.key + "\"");
    }
    return CheckKeys(j, {});
  }

  Status Count(const json::Value& at) {
    if (++nodes_ > limits_.max_nodes) return ErrorAt(at, "too many values");
    return Status::Ok();
  }

  Status Depth(const json::Value& at, uint32_t depth) {
    if (depth >= limits_.max_depth) return ErrorAt(at, "nesting deeper than the limit");
    return Status::Ok();
  }

  Status Str(const json::Value& j, std::string_view* out) {
    if (!j.is(JType::kString)) return ErrorAt(j, "expected a string");
    *out = arena_.CopyString(j.text());
    return Status::Ok();
  }

  // A string written through the AMF3 string table.
  void Register(std::string_view s) {
    if (!s.empty()) t_.strings.Add(s);
  }

  Status Dbl(const json::Value& j, double* out) {
    if (!ParseDouble(j, out)) {
      return ErrorAt(j,
                     "expected a number, \"NaN\", \"Infinity\", \"-Infinity\" or \"NaN:<16 hex>\"");
    }
    return Status::Ok();
  }

  // A number (or one of Dbl's spellings of the doubles JSON cannot hold) as
  // a Double the encoder keeps a double.
  Status DoubleValue(const json::Value& j, Format format, Value* out) {
    double d;
    Status s = Dbl(j, &d);
    if (s.ok()) *out = Value::Double(d, format);
    return s;
  }

  Status Index(const json::Value& j, size_t table_size, const char* table, size_t* out) {
    int64_t n;
    if (!ParseInteger(j, 0, INT64_MAX, &n) || static_cast<uint64_t>(n) >= table_size) {
      return ErrorAt(j, std::string("no such entry in the ") + table + " table");
    }
    *out = static_cast<size_t>(n);
    return Status::Ok();
  }

  // ---- AMF0

  Status Amf0(const json::Value& j, uint32_t depth, Value* out) {
    Status s = Count(j);
    if (!s.ok()) return s;
    switch (j.type()) {
      case JType::kNull:
        *out = Value::Null(Format::kAmf0);
        return Status::Ok();
      case JType::kBool:
        *out = Value::Boolean(j.boolean(), Format::kAmf0);
        return Status::Ok();
      case JType::kString: {
        std::string_view str = arena_.CopyString(j.text());
        *out = str.size() > 0xFFFF ? Value::LongString(str) : Value::String(str, Format::kAmf0);
        return Status::Ok();
      }
      case JType::kNumber:
        return DoubleValue(j, Format::kAmf0, out);
      case JType::kArray:
        return ErrorAt(j, "an AMF0 array is {\"strict_array\": [...]}");
      case JType::kObject:
        break;
    }
    static const TagSpec kSpecs[] = {
        {"number", ""},
        {"long_string", ""},
        {"undefined", ""},
        {"unsupported", ""},
        {"$ref", ""},
        {"object", ""},
        {"typed_object", "class"},
        {"ecma_array", "count"},
        {"strict_array", ""},
        {"date", "timezone"},
        {"xml_doc", ""},
        {"amf3", ""},
    };
    const TagSpec* spec;
    const json::Value* v;
    s = Tag(j, "AMF0", kSpecs, &spec, &v);
    if (!s.ok()) return s;
    std::string_view tag = spec->tag;
    if (tag == "number") return DoubleValue(*v, Format::kAmf0, out);
    if (tag == "long_string") {
      std::string_view str;
      s = Str(*v, &str);
      if (s.ok()) *out = Value::LongString(str);
      return s;
    }
    if (tag == "undefined" || tag == "unsupported") {
      if (!v->is(JType::kNull)) return ErrorAt(*v, "expected null");
      *out = tag == "undefined" ? Value::Undefined(Format::kAmf0) : Value::Unsupported();
      return Status::Ok();
    }
    if (tag == "$ref") {
      size_t i;
      s = Index(*v, t_.amf0_values.size(), "AMF0 object", &i);
      if (s.ok()) *out = t_.amf0_values[i];
      return s;
    }
    if (tag == "date") {
      Date* date = arena_.New<Date>();
      s = Dbl(*v, &date->millis);
      if (!s.ok()) return s;
      if (const json::Value* tz = j.Find("timezone")) {
        int64_t n;
        if (!ParseInteger(*tz, INT16_MIN, INT16_MAX, &n)) {
          return ErrorAt(*tz, "expected a 16-bit signed time zone");
        }
        date->timezone = static_cast<int16_t>(n);
      }
      *out = Value::Of(date, Format::kAmf0);
      return Status::Ok();
    }
    if (tag == "xml_doc") {
      std::string_view str;
      s = Str(*v, &str);
      if (s.ok()) *out = MakeBlob(arena_, amf::Type::kXmlDocument, str, Format::kAmf0);
      return s;
    }
    if (tag == "amf3") return Amf3(*v, depth, out);
    s = Depth(j, depth);
    if (!s.ok()) return s;
    if (tag == "strict_array" || tag == "ecma_array") return Amf0Array(j, tag, *v, depth, out);
    return Amf0Object(j, tag, *v, depth, out);
  }

  void RememberAmf0(const Value& v) {
    if (t_.amf0_values.size() < json_internal::kAmf0TableEntries) t_.amf0_values.push_back(v);
  }

  Status Amf0Members(const json::Value& j, uint32_t depth, std::vector<Member>* members) {
    if (!j.is(JType::kObject)) return ErrorAt(j, "expected an object of members");
    for (const json::Member& m : j.members()) {
      Member& member = members->emplace_back();
      member.name = arena_.CopyString(m.key);
      Status s = Amf0(m.value, depth + 1, &member.value);
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }

  Status Amf0Object(const json::Value& j, std::string_view tag, const json::Value& v,
                    uint32_t depth, Value* out) {
    Object* o = arena_.New<Object>();
    if (tag == "typed_object") {
      const json::Value* cls = j.Find("class");
      if (cls == nullptr) return ErrorAt(j, "a typed object needs \"class\"");
      Traits* t = arena_.New<Traits>();
      Status s = Str(*cls, &t->class_name);
      if (!s.ok()) return s;
      if (t->class_name.empty()) return ErrorAt(*cls, "a typed object's class is not empty");
      t->dynamic = true;
      o->traits = t;
    }
    *out = Value::Of(static_cast<const Object*>(o), Format::kAmf0);
    RememberAmf0(*out);
    std::vector<Member> members;
    Status s = Amf0Members(v, depth, &members);
    if (!s.ok()) return s;
    o->dynamic = arena_.CopySpan<Member>(members);
    return Status::Ok();
  }

  Status Amf0Array(const json::Value& j, std::string_view tag, const json::Value& v, uint32_t depth,
                   Value* out) {
    Array* a = arena_.New<Array>();
    *out = Value::Of(static_cast<const Array*>(a), Format::kAmf0);
    RememberAmf0(*out);
    if (tag == "strict_array") {
      if (!v.is(JType::kArray)) return ErrorAt(v, "expected an array");
      std::vector<Value> elements;
      for (const json::Value& e : v.items()) {
        Status s = Amf0(e, depth + 1, &elements.emplace_back());
        if (!s.ok()) return s;
      }
      a->dense = arena_.CopySpan<Value>(elements);
      return Status::Ok();
    }
    a->ecma = true;
    std::vector<Member> members;
    Status s = Amf0Members(v, depth, &members);
    if (!s.ok()) return s;
    a->assoc = arena_.CopySpan<Member>(members);
    a->ecma_count = static_cast<uint32_t>(members.size());
    if (const json::Value* count = j.Find("count")) {
      int64_t n;
      if (!ParseInteger(*count, 0, UINT32_MAX, &n))
        return ErrorAt(*count, "expected a 32-bit count");
      a->ecma_count = static_cast<uint32_t>(n);
    }
    return Status::Ok();
  }

  // ---- AMF3

  Status Amf3(const json::Value& j, uint32_t depth, Value* out) {
    Status s = Count(j);
    if (!s.ok()) return s;
    switch (j.type()) {
      case JType::kNull:
        *out = Value::Null(Format::kAmf3);
        return Status::Ok();
      case JType::kBool:
        *out = Value::Boolean(j.boolean(), Format::kAmf3);
        return Status::Ok();
      case JType::kString: {
        std::string_view str = arena_.CopyString(j.text());
        Register(str);
        *out = Value::String(str, Format::kAmf3);
        return Status::Ok();
      }
      case JType::kNumber: {
        // A bare number: the encoder picks integer or double, as Flash does.
        double d;
        s = Dbl(j, &d);
        if (s.ok()) *out = Value::Number(d, Format::kAmf3);
        return s;
      }
      case JType::kArray:
        return ErrorAt(j, "an AMF3 array is {\"array\": [...]}");
      case JType::kObject:
        break;
    }
    static const TagSpec kSpecs[] = {
        {"undefined", ""},
        {"int", ""},
        {"double", ""},
        {"$sref", ""},
        {"$ref", ""},
        {"date", ""},
        {"xml_doc", ""},
        {"xml", ""},
        {"bytearray", ""},
        {"array", "assoc"},
        {"object", "class sealed dynamic externalizable $tref"},
        {"external", "class sealed dynamic externalizable $tref"},
        {"levels", "class sealed dynamic externalizable $tref"},
        {"vector_int", "fixed"},
        {"vector_uint", "fixed"},
        {"vector_double", "fixed"},
        {"vector_object", "fixed type_name"},
        {"dictionary", "weak_keys"},
    };
    const TagSpec* spec;
    const json::Value* v;
    s = Tag(j, "AMF3", kSpecs, &spec, &v);
    if (!s.ok()) return s;
    std::string_view tag = spec->tag;
    if (tag == "undefined") {
      if (!v->is(JType::kNull)) return ErrorAt(*v, "expected null");
      *out = Value::Undefined(Format::kAmf3);
      return Status::Ok();
    }
    if (tag == "int") {
      int64_t n;
      if (!ParseInteger(*v, kMinInteger, kMaxInteger, &n)) {
        return ErrorAt(*v, "expected an integer from -268435456 to 268435455");
      }
      *out = Value::Integer(static_cast<int32_t>(n), Format::kAmf3);
      return Status::Ok();
    }
    if (tag == "double") return DoubleValue(*v, Format::kAmf3, out);
    if (tag == "$sref") {
      size_t i;
      s = Index(*v, t_.strings.size(), "string", &i);
      if (s.ok()) *out = Value::String(t_.strings.at(i), Format::kAmf3);
      return s;
    }
    if (tag == "$ref") {
      size_t i;
      s = Index(*v, t_.amf3_values.size(), "object", &i);
      if (s.ok()) *out = t_.amf3_values[i];
      return s;
    }
    if (tag == "date") {
      Date* date = arena_.New<Date>();
      s = Dbl(*v, &date->millis);
      if (s.ok()) Remember(*out = Value::Of(date, Format::kAmf3));
      return s;
    }
    if (tag == "xml_doc" || tag == "xml" || tag == "bytearray") {
      std::string_view bytes;
      if (tag == "bytearray") {
        std::string raw;
        if (!v->is(JType::kString) || !ParseHex(v->text(), &raw)) {
          return ErrorAt(*v, "expected the bytes as a string of hex digits");
        }
        bytes = arena_.CopyString(raw);
      } else {
        s = Str(*v, &bytes);
        if (!s.ok()) return s;
      }
      amf::Type type = tag == "xml_doc" ? amf::Type::kXmlDocument
                       : tag == "xml"   ? amf::Type::kXml
                                        : amf::Type::kByteArray;
      Remember(*out = MakeBlob(arena_, type, bytes, Format::kAmf3));
      return Status::Ok();
    }
    s = Depth(j, depth);
    if (!s.ok()) return s;
    if (tag == "array") return Amf3Array(j, *v, depth, out);
    if (tag == "object" || tag == "external" || tag == "levels") {
      return Amf3Object(j, tag, *v, depth, out);
    }
    if (tag == "dictionary") return Amf3Dictionary(j, *v, depth, out);
    return Amf3Vector(j, tag, *v, depth, out);
  }

  void Remember(const Value& v) {
    t_.objects.Add(v.node());
    t_.amf3_values.push_back(v);
  }

  Status Amf3Array(const json::Value& j, const json::Value& v, uint32_t depth, Value* out) {
    Array* a = arena_.New<Array>();
    Remember(*out = Value::Of(static_cast<const Array*>(a), Format::kAmf3));
    if (const json::Value* assoc = j.Find("assoc")) {
      if (!assoc->is(JType::kObject)) return ErrorAt(*assoc, "expected an object of members");
      std::vector<Member> members;
      for (const json::Member& m : assoc->members()) {
        if (m.key.empty()) return ErrorAt(m.value, "an associative member needs a name");
        Member& member = members.emplace_back();
        member.name = arena_.CopyString(m.key);
        Register(member.name);
        Status s = Amf3(m.value, depth + 1, &member.value);
        if (!s.ok()) return s;
      }
      a->assoc = arena_.CopySpan<Member>(members);
    }
    if (!v.is(JType::kArray)) return ErrorAt(v, "expected an array");
    std::vector<Value> elements;
    for (const json::Value& e : v.items()) {
      Status s = Amf3(e, depth + 1, &elements.emplace_back());
      if (!s.ok()) return s;
    }
    a->dense = arena_.CopySpan<Value>(elements);
    return Status::Ok();
  }

  Status Traits3(const json::Value& j, const Traits** out) {
    if (const json::Value* ref = j.Find("$tref")) {
      for (std::string_view k : {"class", "sealed", "dynamic", "externalizable"}) {
        if (j.Find(k) != nullptr) return ErrorAt(*ref, "\"$tref\" stands for the whole traits");
      }
      size_t i;
      Status s = Index(*ref, t_.traits.size(), "traits", &i);
      if (s.ok()) *out = t_.traits.at(i);
      return s;
    }
    Traits* t = arena_.New<Traits>();
    if (const json::Value* cls = j.Find("class")) {
      Status s = Str(*cls, &t->class_name);
      if (!s.ok()) return s;
    }
    if (const json::Value* ext = j.Find("externalizable")) {
      if (!ext->is(JType::kBool)) return ErrorAt(*ext, "expected true or false");
      t->externalizable = ext->boolean();
    }
    t->dynamic = !t->externalizable;
    if (const json::Value* dyn = j.Find("dynamic")) {
      if (!dyn->is(JType::kBool)) return ErrorAt(*dyn, "expected true or false");
      t->dynamic = dyn->boolean();
    }
    if (const json::Value* sealed = j.Find("sealed")) {
      if (!sealed->is(JType::kArray)) return ErrorAt(*sealed, "expected an array of names");
      std::vector<std::string_view> names;
      for (const json::Value& n : sealed->items()) {
        Status s = Str(n, &names.emplace_back());
        if (!s.ok()) return s;
      }
      t->sealed_names = arena_.CopySpan<std::string_view>(names);
    }
    if (t->externalizable && (t->dynamic || !t->sealed_names.empty())) {
      return ErrorAt(j, "externalizable traits have no members");
    }
    if (auto i = t_.traits.Find(t)) {
      // The encoder writes equal traits as a reference: nothing is read into
      // the string table then.
      *out = t_.traits.at(*i);
      return Status::Ok();
    }
    t_.traits.Add(t);
    Register(t->class_name);
    for (std::string_view n : t->sealed_names) Register(n);
    *out = t;
    return Status::Ok();
  }

  Status Amf3Object(const json::Value& j, std::string_view tag, const json::Value& v,
                    uint32_t depth, Value* out) {
    Object* o = arena_.New<Object>();
    Remember(*out = Value::Of(static_cast<const Object*>(o), Format::kAmf3));
    Status s = Traits3(j, &o->traits);
    if (!s.ok()) return s;
    const Traits& t = *o->traits;
    if (t.externalizable != (tag != "object")) {
      return ErrorAt(v, t.externalizable
                            ? "an externalizable object has \"external\" or \"levels\""
                            : "\"external\" and \"levels\" need externalizable traits");
    }
    if (t.externalizable) return Amf3External(t, tag, v, depth, o);
    if (!v.is(JType::kObject)) return ErrorAt(v, "expected an object of members");
    size_t sealed = t.sealed_names.size();
    if (v.members().size() < sealed) return ErrorAt(v, "fewer members than sealed names");
    std::span<Value> values = arena_.NewSpan<Value>(sealed);
    std::vector<Member> dynamic;
    for (size_t i = 0; i < v.members().size(); ++i) {
      const json::Member& m = v.members()[i];
      if (i < sealed) {
        if (m.key != t.sealed_names[i]) {
          return ErrorAt(m.value, "sealed member " + std::to_string(i) + " is named \"" +
                                      std::string(t.sealed_names[i]) + "\" in the traits");
        }
        s = Amf3(m.value, depth + 1, &values[i]);
      } else {
        if (!t.dynamic) return ErrorAt(m.value, "a member beyond the sealed ones of sealed traits");
        if (m.key.empty()) return ErrorAt(m.value, "a dynamic member needs a name");
        Member& member = dynamic.emplace_back();
        member.name = arena_.CopyString(m.key);
        Register(member.name);
        s = Amf3(m.value, depth + 1, &member.value);
      }
      if (!s.ok()) return s;
    }
    o->sealed = values;
    o->dynamic = arena_.CopySpan<Member>(dynamic);
    return Status::Ok();
  }

  Status Amf3External(const Traits& t, std::string_view tag, const json::Value& v, uint32_t depth,
                      Object* o) {
    static const ExternalClass kClasses[] = {
        ExternalClass::kArrayCollection, ExternalClass::kObjectProxy,
        ExternalClass::kAsyncMessageSmall, ExternalClass::kAcknowledgeMessageSmall,
        ExternalClass::kCommandMessageSmall};
    External* e = arena_.New<External>();
    bool known = false;
    for (ExternalClass c : kClasses) {
      if (ExternalClassName(c) == t.class_name) {
        e->cls = c;
        known = true;
      }
    }
    if (!known)
      return ErrorAt(
          v, "no codec knows the externalizable class \"" + std::string(t.class_name) + "\"");
    bool one_value =
        e->cls == ExternalClass::kArrayCollection || e->cls == ExternalClass::kObjectProxy;
    if (one_value != (tag == "external")) {
      return ErrorAt(v, one_value ? "this class's payload is one value, \"external\""
                                  : "this class's payload is \"levels\"");
    }
    o->external = e;
    if (one_value) return Amf3(v, depth + 1, &e->value);
    size_t want = e->cls == ExternalClass::kAsyncMessageSmall ? 2 : 3;
    if (!v.is(JType::kArray) || v.items().size() != want) {
      return ErrorAt(v, "expected " + std::to_string(want) + " levels");
    }
    e->level_count = static_cast<uint8_t>(want);
    for (size_t l = 0; l < want; ++l) {
      const json::Value& level = v.items()[l];
      if (!level.is(JType::kObject)) return ErrorAt(level, "a level is {\"flags\", \"values\"}");
      Status s = CheckKeys(level, {"flags", "values"});
      if (!s.ok()) return s;
      const json::Value* flags = level.Find("flags");
      const json::Value* values = level.Find("values");
      std::string raw;
      if (flags == nullptr || !flags->is(JType::kString) || !ParseHex(flags->text(), &raw) ||
          raw.empty()) {
        return ErrorAt(flags ? *flags : level, "expected the flag bytes as hex digits");
      }
      if (values == nullptr || !values->is(JType::kArray)) {
        return ErrorAt(level, "expected \"values\": [...]");
      }
      e->levels[l].flags = arena_.CopySpan<uint8_t>(AsBytes(raw));
      e->levels[l].values = arena_.NewSpan<Value>(values->items().size());
      for (size_t i = 0; i < values->items().size(); ++i) {
        s = Amf3(values->items()[i], depth + 1, &e->levels[l].values[i]);
        if (!s.ok()) return s;
      }
    }
    if (!e->Validate()) return ErrorAt(v, "the flag bits do not announce these values");
    return Status::Ok();
  }

  Status Amf3Vector(const json::Value& j, std::string_view tag, const json::Value& v,
                    uint32_t depth, Value* out) {
    Vector* vec = arena_.New<Vector>();
    amf::Type type = tag == "vector_int"      ? amf::Type::kVectorInt
                     : tag == "vector_uint"   ? amf::Type::kVectorUint
                     : tag == "vector_double" ? amf::Type::kVectorDouble
                                              : amf::Type::kVectorObject;
    Remember(*out = Value::Of(type, static_cast<const Vector*>(vec), Format::kAmf3));
    if (const json::Value* fixed = j.Find("fixed")) {
      if (!fixed->is(JType::kBool)) return ErrorAt(*fixed, "expected true or false");
      vec->fixed = fixed->boolean();
    }
    if (!v.is(JType::kArray)) return ErrorAt(v, "expected an array");
    size_t n = v.items().size();
    for (size_t i = 0; i < n; ++i) {
      Status s = Count(v.items()[i]);
      if (!s.ok()) return s;
    }
    if (type == amf::Type::kVectorInt) {
      vec->ints = arena_.NewSpan<int32_t>(n);
      for (size_t i = 0; i < n; ++i) {
        int64_t x;
        if (!ParseInteger(v.items()[i], INT32_MIN, INT32_MAX, &x)) {
          return ErrorAt(v.items()[i], "expected a 32-bit signed integer");
        }
        vec->ints[i] = static_cast<int32_t>(x);
      }
    } else if (type == amf::Type::kVectorUint) {
      vec->uints = arena_.NewSpan<uint32_t>(n);
      for (size_t i = 0; i < n; ++i) {
        int64_t x;
        if (!ParseInteger(v.items()[i], 0, UINT32_MAX, &x)) {
          return ErrorAt(v.items()[i], "expected a 32-bit unsigned integer");
        }
        vec->uints[i] = static_cast<uint32_t>(x);
      }
    } else if (type == amf::Type::kVectorDouble) {
      vec->doubles = arena_.NewSpan<double>(n);
      for (size_t i = 0; i < n; ++i) {
        Status s = Dbl(v.items()[i], &vec->doubles[i]);
        if (!s.ok()) return s;
      }
    } else {
      if (const json::Value* name = j.Find("type_name")) {
        Status s = Str(*name, &vec->type_name);
        if (!s.ok()) return s;
      }
      Register(vec->type_name);
      vec->objects = arena_.NewSpan<Value>(n);
      for (size_t i = 0; i < n; ++i) {
        Status s = Amf3(v.items()[i], depth + 1, &vec->objects[i]);
        if (!s.ok()) return s;
      }
    }
    return Status::Ok();
  }

  Status Amf3Dictionary(const json::Value& j, const json::Value& v, uint32_t depth, Value* out) {
    Dictionary* d = arena_.New<Dictionary>();
    Remember(*out = Value::Of(static_cast<const Dictionary*>(d), Format::kAmf3));
    if (const json::Value* weak = j.Find("weak_keys")) {
      if (!weak->is(JType::kBool)) return ErrorAt(*weak, "expected true or false");
      d->weak_keys = weak->boolean();
    }
    if (!v.is(JType::kArray)) return ErrorAt(v, "expected an array of [key, value] pairs");
    d->entries = arena_.NewSpan<DictionaryEntry>(v.items().size());
    for (size_t i = 0; i < v.items().size(); ++i) {
      const json::Value& pair = v.items()[i];
      if (!pair.is(JType::kArray) || pair.items().size() != 2) {
        return ErrorAt(pair, "expected a [key, value] pair");
      }
      Status s = Amf3(pair.items()[0], depth + 1, &d->entries[i].key);
      if (s.ok()) s = Amf3(pair.items()[1], depth + 1, &d->entries[i].value);
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }

  // ---- Packet

  Status Length(const json::Value* j, const Value& value, LengthField* out) {
    out->exact = true;
    out->recorded = 0;
    if (j == nullptr) return Status::Ok();
    int64_t n;
    if (!ParseInteger(*j, 0, UINT32_MAX, &n)) return ErrorAt(*j, "expected a 32-bit length");
    std::string bytes;
    Arena scratch;
    Result<size_t> encoded = EncodeAmf0(value, scratch, &bytes);
    if (!encoded.ok())
      return ErrorAt(*j, std::string("the value cannot be encoded: ") + encoded.failure().reason);
    if (static_cast<uint64_t>(n) == *encoded) return Status::Ok();
    if (n != 0 && n != 1 && n != kUnknownLength) {
      return ErrorAt(*j, "the length is " + std::to_string(*encoded) +
                             " bytes; only 0, 1 and 4294967295 may stand for unknown");
    }
    out->exact = false;
    out->recorded = static_cast<uint32_t>(n);
    return Status::Ok();
  }

  Status BuildPacket(const json::Value& doc, Packet* out) {
    Status s = CheckKeys(doc, {"version", "headers", "bodies"});
    if (!s.ok()) return s;
    const json::Value* version = doc.Find("version");
    int64_t n = 0;
    if (version == nullptr || !ParseInteger(*version, 0, 3, &n) || (n != 0 && n != 3)) {
      return ErrorAt(version ? *version : doc, "a packet needs \"version\": 0 or 3");
    }
    out->version = static_cast<uint16_t>(n);
    const json::Value* headers = doc.Find("headers");
    const json::Value* bodies = doc.Find("bodies");
    if (headers && !headers->is(JType::kArray)) return ErrorAt(*headers, "expected an array");
    if (bodies && !bodies->is(JType::kArray)) return ErrorAt(*bodies, "expected an array");
    if (headers && headers->items().size() > limits_.max_headers) {
      return ErrorAt(*headers, "more headers than the limit");
    }
    if (bodies && bodies->items().size() > limits_.max_bodies) {
      return ErrorAt(*bodies, "more bodies than the limit");
    }
    out->headers = arena_.NewSpan<Header>(headers ? headers->items().size() : 0);
    for (size_t i = 0; i < out->headers.size(); ++i) {
      const json::Value& h = headers->items()[i];
      if (!h.is(JType::kObject)) return ErrorAt(h, "a header is an object");
      s = CheckKeys(h, {"name", "must_understand", "length", "value"});
      if (!s.ok()) return s;
      Header& header = out->headers[i];
      const json::Value* name = h.Find("name");
      const json::Value* must = h.Find("must_understand");
      const json::Value* value = h.Find("value");
      if (name == nullptr || value == nullptr)
        return ErrorAt(h, "a header needs \"name\" and \"value\"");
      s = Str(*name, &header.name);
      if (!s.ok()) return s;
      if (must) {
        if (!must->is(JType::kBool)) return ErrorAt(*must, "expected true or false");
        header.must_understand = must->boolean();
      }
      t_.Clear();
      s = Amf0(*value, 0, &header.value);
      if (s.ok()) s = Length(h.Find("length"), header.value, &header.length);
      if (!s.ok()) return s;
    }
    out->bodies = arena_.NewSpan<Body>(bodies ? bodies->items().size() : 0);
    for (size_t i = 0; i < out->bodies.size(); ++i) {
      const json::Value& b = bodies->items()[i];
      if (!b.is(JType::kObject)) return ErrorAt(b, "a body is an object");
      s = CheckKeys(b, {"target", "response", "length", "value"});
      if (!s.ok()) return s;
      Body& body = out->bodies[i];
      const json::Value* target = b.Find("target");
      const json::Value* response = b.Find("response");
      const json::Value* value = b.Find("value");
      if (target == nullptr || response == nullptr || value == nullptr) {
        return ErrorAt(b, "a body needs \"target\", \"response\" and \"value\"");
      }
      s = Str(*target, &body.target);
      if (s.ok()) s = Str(*response, &body.response);
      if (!s.ok()) return s;
      t_.Clear();
      s = Amf0(*value, 0, &body.value);
      if (s.ok()) s = Length(b.Find("length"), body.value, &body.length);
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }

  Arena& arena_;
  DecodeLimits limits_;
  MessageTables t_;
  size_t nodes_ = 0;
};

}  // namespace

Status JsonToDocument(const json::Value& doc, Arena& arena, JsonDocument* out,
                      const DecodeLimits& limits) {
  return Builder(arena, limits).Document(doc, out);
}

}  // namespace amfgate::amf
