// JSON -> AMF3 values (README, "AMF3 values", has the forms): scalars,
// arrays, objects with their traits, the externalizable payloads a codec
// knows, vectors and dictionaries. Strings, traits and complex values enter
// the message's three AMF3 tables in the order the encoder writes them.
#include <string>

#include "amf/json_build.h"

namespace amfgate::amf::json_internal {

namespace {

using JType = json::Type;

constexpr std::string_view kObjectExtras = "class sealed dynamic externalizable $tref";

constexpr TagSpec kAmf3Tags[] = {
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
    {"object", kObjectExtras},
    {"external", kObjectExtras},
    {"levels", kObjectExtras},
    {"vector_int", "fixed"},
    {"vector_uint", "fixed"},
    {"vector_double", "fixed"},
    {"vector_object", "fixed type_name"},
    {"dictionary", "weak_keys"},
};

// Each integer of a JSON array, from min to max, into `out`.
template <typename T>
Status IntegerItems(const json::Value& v, int64_t min, int64_t max, const char* expected,
                    std::span<T> out) {
  for (size_t i = 0; i < out.size(); ++i) {
    int64_t x;
    if (!ParseInteger(v.items()[i], min, max, &x)) {
      return ErrorAt(v.items()[i], std::string("expected ") + expected);
    }
    out[i] = static_cast<T>(x);
  }
  return Status::Ok();
}

}  // namespace

Status Builder::Amf3(const json::Value& j, uint32_t depth, Value* out) {
  Status s = Count(j);
  if (!s.ok() || Constant(j, Format::kAmf3, out)) return s;
  if (j.is(JType::kString)) {
    std::string_view str = arena_.CopyString(j.text());
    Register(str);
    *out = Value::String(str, Format::kAmf3);
    return Status::Ok();
  }
  if (j.is(JType::kNumber)) {
    // A bare number: the encoder picks integer or double, as Flash does.
    double d;
    s = Dbl(j, &d);
    if (s.ok()) *out = Value::Number(d, Format::kAmf3);
    return s;
  }
  if (j.is(JType::kArray)) return ErrorAt(j, "an AMF3 array is {\"array\": [...]}");

  const TagSpec* spec;
  const json::Value* v;
  s = Tag(j, "AMF3", kAmf3Tags, &spec, &v);
  if (!s.ok()) return s;
  std::string_view tag = spec->tag;
  if (tag == "undefined") return UndefinedValue(*v, Value::Undefined(Format::kAmf3), out);
  if (tag == "int") {
    int64_t n;
    s = Integer(*v, kMinInteger, kMaxInteger, "an integer from -268435456 to 268435455", &n);
    if (s.ok()) *out = Value::Integer(static_cast<int32_t>(n), Format::kAmf3);
    return s;
  }
  if (tag == "double") return DoubleValue(*v, Format::kAmf3, out);
  if (tag == "$sref") {
    size_t i;
    s = Index(*v, t_.strings.size(), "string", &i);
    if (s.ok()) *out = Value::String(t_.strings.at(i), Format::kAmf3);
    return s;
  }
  if (tag == "$ref") return Reference(*v, t_.amf3_values, "object", out);
  if (tag == "date") {
    Date* date;
    s = DateValue(*v, Format::kAmf3, &date, out);
    if (s.ok()) Remember(*out);
    return s;
  }
  if (tag == "xml_doc" || tag == "xml") {
    s = TextBlob(*v, tag == "xml" ? amf::Type::kXml : amf::Type::kXmlDocument, Format::kAmf3, out);
    if (s.ok()) Remember(*out);
    return s;
  }
  if (tag == "bytearray") {
    std::string raw;
    if (!v->is(JType::kString) || !ParseHex(v->text(), &raw)) {
      return ErrorAt(*v, "expected the bytes as a string of hex digits");
    }
    Remember(*out = MakeBlob(arena_, amf::Type::kByteArray, arena_.CopyString(raw), Format::kAmf3));
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

void Builder::Register(std::string_view s) {
  if (!s.empty()) t_.strings.Add(s);
}

void Builder::Remember(const Value& v) {
  t_.objects.Add(v.node());
  t_.amf3_values.push_back(v);
}

Status Builder::Amf3Array(const json::Value& j, const json::Value& v, uint32_t depth, Value* out) {
  Array* a = arena_.New<Array>();
  Remember(*out = Value::Of(static_cast<const Array*>(a), Format::kAmf3));
  // The encoder writes the associative part first.
  if (const json::Value* assoc = j.Find("assoc")) {
    Status s = Members(*assoc, Format::kAmf3, depth, &a->assoc);
    if (!s.ok()) return s;
  }
  return Elements(v, Format::kAmf3, depth, &a->dense);
}

Status Builder::Traits3(const json::Value& j, const Traits** out) {
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
  Status s = OptionalBool(j.Find("externalizable"), &t->externalizable);
  if (!s.ok()) return s;
  t->dynamic = !t->externalizable;
  s = OptionalBool(j.Find("dynamic"), &t->dynamic);
  if (!s.ok()) return s;
  if (const json::Value* sealed = j.Find("sealed")) {
    if (!sealed->is(JType::kArray)) return ErrorAt(*sealed, "expected an array of names");
    std::span<std::string_view> names = arena_.NewSpan<std::string_view>(sealed->items().size());
    for (size_t i = 0; i < names.size(); ++i) {
      s = Str(sealed->items()[i], &names[i]);
      if (!s.ok()) return s;
    }
    t->sealed_names = names;
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

Status Builder::Amf3Object(const json::Value& j, std::string_view tag, const json::Value& v,
                           uint32_t depth, Value* out) {
  Object* o = arena_.New<Object>();
  Remember(*out = Value::Of(static_cast<const Object*>(o), Format::kAmf3));
  Status s = Traits3(j, &o->traits);
  if (!s.ok()) return s;
  const Traits& t = *o->traits;
  if (t.externalizable != (tag != "object")) {
    return ErrorAt(v, t.externalizable ? "an externalizable object has \"external\" or \"levels\""
                                       : "\"external\" and \"levels\" need externalizable traits");
  }
  if (t.externalizable) return Amf3External(t, tag, v, depth, o);
  if (!v.is(JType::kObject)) return ErrorAt(v, "expected an object of members");
  size_t sealed = t.sealed_names.size();
  if (v.members().size() < sealed) return ErrorAt(v, "fewer members than sealed names");
  o->sealed = arena_.NewSpan<Value>(sealed);
  o->dynamic = arena_.NewSpan<Member>(v.members().size() - sealed);
  for (size_t i = 0; i < v.members().size(); ++i) {
    const json::Member& m = v.members()[i];
    if (i < sealed) {
      if (m.key != t.sealed_names[i]) {
        return ErrorAt(m.value, "sealed member " + std::to_string(i) + " is named \"" +
                                    std::string(t.sealed_names[i]) + "\" in the traits");
      }
      s = Amf3(m.value, depth + 1, &o->sealed[i]);
    } else {
      if (!t.dynamic) return ErrorAt(m.value, "a member beyond the sealed ones of sealed traits");
      s = NamedMember(m, Format::kAmf3, depth, "a dynamic member needs a name",
                      &o->dynamic[i - sealed]);
    }
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Status Builder::Amf3External(const Traits& t, std::string_view tag, const json::Value& v,
                             uint32_t depth, Object* o) {
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
  if (!known) {
    return ErrorAt(v,
                   "no codec knows the externalizable class \"" + std::string(t.class_name) + "\"");
  }
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
    s = Elements(*values, Format::kAmf3, depth, &e->levels[l].values);
    if (!s.ok()) return s;
  }
  if (!e->Validate()) return ErrorAt(v, "the flag bits do not announce these values");
  return Status::Ok();
}

Status Builder::Amf3Vector(const json::Value& j, std::string_view tag, const json::Value& v,
                           uint32_t depth, Value* out) {
  Vector* vec = arena_.New<Vector>();
  amf::Type type = tag == "vector_int"      ? amf::Type::kVectorInt
                   : tag == "vector_uint"   ? amf::Type::kVectorUint
                   : tag == "vector_double" ? amf::Type::kVectorDouble
                                            : amf::Type::kVectorObject;
  Remember(*out = Value::Of(type, static_cast<const Vector*>(vec), Format::kAmf3));
  Status s = OptionalBool(j.Find("fixed"), &vec->fixed);
  if (!s.ok()) return s;
  if (!v.is(JType::kArray)) return ErrorAt(v, "expected an array");
  // Every element counts against the node limit before anything is built.
  size_t n = v.items().size();
  for (size_t i = 0; i < n; ++i) {
    s = Count(v.items()[i]);
    if (!s.ok()) return s;
  }
  if (type == amf::Type::kVectorObject) {
    if (const json::Value* name = j.Find("type_name")) {
      s = Str(*name, &vec->type_name);
      if (!s.ok()) return s;
    }
    Register(vec->type_name);
    return Elements(v, Format::kAmf3, depth, &vec->objects);
  }
  if (type == amf::Type::kVectorInt) {
    vec->ints = arena_.NewSpan<int32_t>(n);
    return IntegerItems(v, INT32_MIN, INT32_MAX, "a 32-bit signed integer", vec->ints);
  }
  if (type == amf::Type::kVectorUint) {
    vec->uints = arena_.NewSpan<uint32_t>(n);
    return IntegerItems(v, 0, UINT32_MAX, "a 32-bit unsigned integer", vec->uints);
  }
  vec->doubles = arena_.NewSpan<double>(n);
  for (size_t i = 0; i < n && s.ok(); ++i) s = Dbl(v.items()[i], &vec->doubles[i]);
  return s;
}

Status Builder::Amf3Dictionary(const json::Value& j, const json::Value& v, uint32_t depth,
                               Value* out) {
  Dictionary* d = arena_.New<Dictionary>();
  Remember(*out = Value::Of(static_cast<const Dictionary*>(d), Format::kAmf3));
  Status s = OptionalBool(j.Find("weak_keys"), &d->weak_keys);
  if (!s.ok()) return s;
  if (!v.is(JType::kArray)) return ErrorAt(v, "expected an array of [key, value] pairs");
  d->entries = arena_.NewSpan<DictionaryEntry>(v.items().size());
  for (size_t i = 0; i < v.items().size(); ++i) {
    const json::Value& pair = v.items()[i];
    if (!pair.is(JType::kArray) || pair.items().size() != 2) {
      return ErrorAt(pair, "expected a [key, value] pair");
    }
    s = Amf3(pair.items()[0], depth + 1, &d->entries[i].key);
    if (s.ok()) s = Amf3(pair.items()[1], depth + 1, &d->entries[i].value);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace amfgate::amf::json_internal
