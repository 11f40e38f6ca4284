// JSON -> AMF0 values (README, "AMF0 values", has the forms). AMF0's
// reference table holds anonymous and typed objects and both kinds of array,
// up to the U16 indices a reference can name.
#include <string>

#include "amf/json_build.h"

namespace amfgate::amf::json_internal {

namespace {

using JType = json::Type;

constexpr TagSpec kAmf0Tags[] = {
    {"number", ""},       {"long_string", ""},  {"undefined", ""},         {"unsupported", ""},
    {"$ref", ""},         {"object", ""},       {"typed_object", "class"}, {"ecma_array", "count"},
    {"strict_array", ""}, {"date", "timezone"}, {"xml_doc", ""},           {"amf3", ""},
};

}  // namespace

Status Builder::Amf0(const json::Value& j, uint32_t depth, Value* out) {
  Status s = Count(j);
  if (!s.ok() || Constant(j, Format::kAmf0, out)) return s;
  if (j.is(JType::kString)) {
    std::string_view str = arena_.CopyString(j.text());
    *out = str.size() > 0xFFFF ? Value::LongString(str) : Value::String(str, Format::kAmf0);
    return Status::Ok();
  }
  if (j.is(JType::kNumber)) return DoubleValue(j, Format::kAmf0, out);
  if (j.is(JType::kArray)) return ErrorAt(j, "an AMF0 array is {\"strict_array\": [...]}");

  const TagSpec* spec;
  const json::Value* v;
  s = Tag(j, "AMF0", kAmf0Tags, &spec, &v);
  if (!s.ok()) return s;
  std::string_view tag = spec->tag;
  if (tag == "number") return DoubleValue(*v, Format::kAmf0, out);
  if (tag == "long_string") {
    std::string_view str;
    s = Str(*v, &str);
    if (s.ok()) *out = Value::LongString(str);
    return s;
  }
  if (tag == "undefined") return UndefinedValue(*v, Value::Undefined(Format::kAmf0), out);
  if (tag == "unsupported") return UndefinedValue(*v, Value::Unsupported(), out);
  if (tag == "$ref") return Reference(*v, t_.amf0_values, "AMF0 object", out);
  if (tag == "date") {
    Date* date;
    s = DateValue(*v, Format::kAmf0, &date, out);
    const json::Value* tz = j.Find("timezone");
    if (!s.ok() || tz == nullptr) return s;
    int64_t n;
    s = Integer(*tz, INT16_MIN, INT16_MAX, "a 16-bit signed time zone", &n);
    if (s.ok()) date->timezone = static_cast<int16_t>(n);
    return s;
  }
  if (tag == "xml_doc") return TextBlob(*v, amf::Type::kXmlDocument, Format::kAmf0, out);
  if (tag == "amf3") return Amf3(*v, depth, out);
  s = Depth(j, depth);
  if (!s.ok()) return s;
  if (tag == "strict_array" || tag == "ecma_array") return Amf0Array(j, tag, *v, depth, out);
  return Amf0Object(j, tag, *v, depth, out);
}

void Builder::RememberAmf0(const Value& v) {
  if (t_.amf0_values.size() < kAmf0TableEntries) t_.amf0_values.push_back(v);
}

Status Builder::Amf0Object(const json::Value& j, std::string_view tag, const json::Value& v,
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
  // In the table before its members, which may refer back to it.
  *out = Value::Of(static_cast<const Object*>(o), Format::kAmf0);
  RememberAmf0(*out);
  return Members(v, Format::kAmf0, depth, &o->dynamic);
}

Status Builder::Amf0Array(const json::Value& j, std::string_view tag, const json::Value& v,
                          uint32_t depth, Value* out) {
  Array* a = arena_.New<Array>();
  *out = Value::Of(static_cast<const Array*>(a), Format::kAmf0);
  RememberAmf0(*out);
  if (tag == "strict_array") return Elements(v, Format::kAmf0, depth, &a->dense);
  a->ecma = true;
  Status s = Members(v, Format::kAmf0, depth, &a->assoc);
  if (!s.ok()) return s;
  // The count field as sent; without one, the encoder writes the real count.
  a->ecma_count = static_cast<uint32_t>(a->assoc.size());
  const json::Value* count = j.Find("count");
  if (count == nullptr) return Status::Ok();
  int64_t n;
  s = Integer(*count, 0, UINT32_MAX, "a 32-bit count", &n);
  if (s.ok()) a->ecma_count = static_cast<uint32_t>(n);
  return s;
}

}  // namespace amfgate::amf::json_internal
