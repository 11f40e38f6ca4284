// JSON -> Value graph: the document, the packet, and the checks the AMF0 and
// AMF3 builders share (json_build.h says how the builder is split).
#include "amf/json_build.h"

#include <cmath>
#include <cstring>
#include <string>

#include "amf/codec.h"

namespace amfgate::amf {

namespace json_internal {

using JType = json::Type;

Status ErrorAt(const json::Value& at, const std::string& reason) {
  return Status::Error(Code::kMalformed, "line " + std::to_string(at.line()) + ", column " +
                                             std::to_string(at.column()) + ": " + reason);
}

bool ParseDouble(const json::Value& j, double* out) {
  if (j.is(JType::kNumber)) return json::TokenToDouble(j.text(), out);
  if (!j.is(JType::kString)) return false;
  std::string_view s = j.text();
  if (s == "NaN") {
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

bool TagSpec::Allows(std::string_view key) const {
  if (key == tag) return true;
  for (size_t at = 0; at < extras.size();) {
    size_t end = extras.find(' ', at);
    if (end == std::string_view::npos) end = extras.size();
    if (extras.substr(at, end - at) == key) return true;
    at = end + 1;
  }
  return false;
}

Status Builder::Document(const json::Value& doc, JsonDocument* out) {
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

// ---- Keys, tags and bounds

Status Builder::CheckKeys(const json::Value& j, std::initializer_list<std::string_view> allowed) {
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

Status Builder::Tag(const json::Value& j, const char* context, std::span<const TagSpec> specs,
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

Status Builder::Count(const json::Value& at) {
  if (++nodes_ > limits_.max_nodes) return ErrorAt(at, "too many values");
  return Status::Ok();
}

Status Builder::Depth(const json::Value& at, uint32_t depth) {
  if (depth >= limits_.max_depth) return ErrorAt(at, "nesting deeper than the limit");
  return Status::Ok();
}

// ---- Leaves

Status Builder::Str(const json::Value& j, std::string_view* out) {
  if (!j.is(JType::kString)) return ErrorAt(j, "expected a string");
  *out = arena_.CopyString(j.text());
  return Status::Ok();
}

Status Builder::Dbl(const json::Value& j, double* out) {
  if (!ParseDouble(j, out)) {
    return ErrorAt(j,
                   "expected a number, \"NaN\", \"Infinity\", \"-Infinity\" or \"NaN:<16 hex>\"");
  }
  return Status::Ok();
}

Status Builder::Integer(const json::Value& j, int64_t min, int64_t max, const char* expected,
                        int64_t* out) {
  if (!ParseInteger(j, min, max, out)) return ErrorAt(j, std::string("expected ") + expected);
  return Status::Ok();
}

Status Builder::OptionalBool(const json::Value* j, bool* out) {
  if (j == nullptr) return Status::Ok();
  if (!j->is(JType::kBool)) return ErrorAt(*j, "expected true or false");
  *out = j->boolean();
  return Status::Ok();
}

Status Builder::Index(const json::Value& j, size_t table_size, const char* table, size_t* out) {
  int64_t n;
  if (!ParseInteger(j, 0, INT64_MAX, &n) || static_cast<uint64_t>(n) >= table_size) {
    return ErrorAt(j, std::string("no such entry in the ") + table + " table");
  }
  *out = static_cast<size_t>(n);
  return Status::Ok();
}

bool Builder::Constant(const json::Value& j, Format format, Value* out) {
  if (j.is(JType::kNull)) {
    *out = Value::Null(format);
  } else if (j.is(JType::kBool)) {
    *out = Value::Boolean(j.boolean(), format);
  } else {
    return false;
  }
  return true;
}

Status Builder::DoubleValue(const json::Value& j, Format format, Value* out) {
  double d;
  Status s = Dbl(j, &d);
  if (s.ok()) *out = Value::Double(d, format);
  return s;
}

Status Builder::UndefinedValue(const json::Value& j, Value undefined, Value* out) {
  if (!j.is(JType::kNull)) return ErrorAt(j, "expected null");
  *out = undefined;
  return Status::Ok();
}

Status Builder::Reference(const json::Value& j, const std::vector<Value>& table, const char* name,
                          Value* out) {
  size_t i;
  Status s = Index(j, table.size(), name, &i);
  if (s.ok()) *out = table[i];
  return s;
}

Status Builder::DateValue(const json::Value& millis, Format format, Date** date, Value* out) {
  *date = arena_.New<Date>();
  Status s = Dbl(millis, &(*date)->millis);
  if (s.ok()) *out = Value::Of(static_cast<const Date*>(*date), format);
  return s;
}

Status Builder::TextBlob(const json::Value& j, amf::Type type, Format format, Value* out) {
  std::string_view text;
  Status s = Str(j, &text);
  if (s.ok()) *out = MakeBlob(arena_, type, text, format);
  return s;
}

// ---- Containers

Status Builder::Element(const json::Value& j, Format format, uint32_t depth, Value* out) {
  return format == Format::kAmf0 ? Amf0(j, depth, out) : Amf3(j, depth, out);
}

Status Builder::Elements(const json::Value& j, Format format, uint32_t depth,
                         std::span<Value>* out) {
  if (!j.is(JType::kArray)) return ErrorAt(j, "expected an array");
  *out = arena_.NewSpan<Value>(j.items().size());
  for (size_t i = 0; i < out->size(); ++i) {
    Status s = Element(j.items()[i], format, depth + 1, &(*out)[i]);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Status Builder::Members(const json::Value& j, Format format, uint32_t depth,
                        std::span<Member>* out) {
  if (!j.is(JType::kObject)) return ErrorAt(j, "expected an object of members");
  *out = arena_.NewSpan<Member>(j.members().size());
  for (size_t i = 0; i < out->size(); ++i) {
    Status s = NamedMember(j.members()[i], format, depth, "an associative member needs a name",
                           &(*out)[i]);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Status Builder::NamedMember(const json::Member& m, Format format, uint32_t depth,
                            const char* unnamed, Member* out) {
  if (format == Format::kAmf3 && m.key.empty()) return ErrorAt(m.value, unnamed);
  out->name = arena_.CopyString(m.key);
  if (format == Format::kAmf3) Register(out->name);
  return Element(m.value, format, depth + 1, &out->value);
}

// ---- Packet

Status Builder::Length(const json::Value* j, const Value& value, LengthField* out) {
  out->exact = true;
  out->recorded = 0;
  if (j == nullptr) return Status::Ok();
  int64_t n;
  Status s = Integer(*j, 0, UINT32_MAX, "a 32-bit length", &n);
  if (!s.ok()) return s;
  std::string bytes;
  Arena scratch;
  Result<size_t> encoded = EncodeAmf0(value, scratch, &bytes);
  if (!encoded.ok()) {
    return ErrorAt(*j, std::string("the value cannot be encoded: ") + encoded.failure().reason);
  }
  if (static_cast<uint64_t>(n) == *encoded) return Status::Ok();
  if (n != 0 && n != 1 && n != kUnknownLength) {
    return ErrorAt(*j, "the length is " + std::to_string(*encoded) +
                           " bytes; only 0, 1 and 4294967295 may stand for unknown");
  }
  out->exact = false;
  out->recorded = static_cast<uint32_t>(n);
  return Status::Ok();
}

Status Builder::MessageValue(const json::Value& message, Value* value, LengthField* length) {
  // Every header and body is a message of its own: its tables start empty.
  t_.Clear();
  Status s = Amf0(*message.Find("value"), 0, value);
  if (s.ok()) s = Length(message.Find("length"), *value, length);
  return s;
}

Status Builder::MessageList(const json::Value* list, size_t max, const char* too_many) {
  if (list == nullptr) return Status::Ok();
  if (!list->is(JType::kArray)) return ErrorAt(*list, "expected an array");
  if (list->items().size() > max) return ErrorAt(*list, too_many);
  return Status::Ok();
}

Status Builder::BuildHeader(const json::Value& h, Header* header) {
  if (!h.is(JType::kObject)) return ErrorAt(h, "a header is an object");
  Status s = CheckKeys(h, {"name", "must_understand", "length", "value"});
  if (!s.ok()) return s;
  const json::Value* name = h.Find("name");
  if (name == nullptr || h.Find("value") == nullptr) {
    return ErrorAt(h, "a header needs \"name\" and \"value\"");
  }
  s = Str(*name, &header->name);
  if (s.ok()) s = OptionalBool(h.Find("must_understand"), &header->must_understand);
  if (s.ok()) s = MessageValue(h, &header->value, &header->length);
  return s;
}

Status Builder::BuildBody(const json::Value& b, Body* body) {
  if (!b.is(JType::kObject)) return ErrorAt(b, "a body is an object");
  Status s = CheckKeys(b, {"target", "response", "length", "value"});
  if (!s.ok()) return s;
  const json::Value* target = b.Find("target");
  const json::Value* response = b.Find("response");
  if (target == nullptr || response == nullptr || b.Find("value") == nullptr) {
    return ErrorAt(b, "a body needs \"target\", \"response\" and \"value\"");
  }
  s = Str(*target, &body->target);
  if (s.ok()) s = Str(*response, &body->response);
  if (s.ok()) s = MessageValue(b, &body->value, &body->length);
  return s;
}

Status Builder::BuildPacket(const json::Value& doc, Packet* out) {
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
  s = MessageList(headers, limits_.max_headers, "more headers than the limit");
  if (s.ok()) s = MessageList(bodies, limits_.max_bodies, "more bodies than the limit");
  if (!s.ok()) return s;
  out->headers = arena_.NewSpan<Header>(headers ? headers->items().size() : 0);
  for (size_t i = 0; i < out->headers.size(); ++i) {
    s = BuildHeader(headers->items()[i], &out->headers[i]);
    if (!s.ok()) return s;
  }
  out->bodies = arena_.NewSpan<Body>(bodies ? bodies->items().size() : 0);
  for (size_t i = 0; i < out->bodies.size(); ++i) {
    s = BuildBody(bodies->items()[i], &out->bodies[i]);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace json_internal

Status JsonToDocument(const json::Value& doc, Arena& arena, JsonDocument* out,
                      const DecodeLimits& limits) {
  return json_internal::Builder(arena, limits).Document(doc, out);
}

}  // namespace amfgate::amf
