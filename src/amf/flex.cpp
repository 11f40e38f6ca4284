#include "amf/flex.h"

#include <cstdint>

#include "core/base64.h"

namespace amfgate::amf {
namespace {

// Sealed member names of the full forms, in the alphabetical order BlazeDS's
// bean introspection writes them ('T' sorts before 's').
constexpr std::string_view kAckNames[] = {"body",    "clientId",  "correlationId", "destination",
                                          "headers", "messageId", "timeToLive",    "timestamp"};
constexpr std::string_view kErrorNames[] = {
    "body",      "clientId",    "correlationId", "destination", "extendedData",
    "faultCode", "faultDetail", "faultString",   "headers",     "messageId",
    "rootCause", "timeToLive",  "timestamp"};
constexpr std::string_view kRemotingNames[] = {"body",    "clientId",   "destination",
                                               "headers", "messageId",  "operation",
                                               "source",  "timeToLive", "timestamp"};
constexpr std::string_view kCommandNames[] = {"body",        "clientId",   "correlationId",
                                              "destination", "headers",    "messageId",
                                              "operation",   "timeToLive", "timestamp"};

const Traits kAckTraits{kAcknowledgeMessageClass, kAckNames, false, false};
const Traits kErrorTraits{kErrorMessageClass, kErrorNames, false, false};
const Traits kRemotingTraits{kRemotingMessageClass, kRemotingNames, false, false};
const Traits kCommandTraits{kCommandMessageClass, kCommandNames, false, false};
const Traits kAckSmallTraits{kAcknowledgeMessageSmallClass, {}, false, true};
const Traits kCommandSmallTraits{kCommandMessageSmallClass, {}, false, true};

constexpr Failure kWrongClass{Code::kMalformed, "not a message of the expected class", 0};
constexpr Failure kBadField{Code::kMalformed, "message field of the wrong type", 0};

std::string_view ClassOf(const Value& v) {
  const Object* o = v.AsObject();
  return o ? o->traits->class_name : std::string_view();
}

// CommandMessage.operation arrives as a number; anything that is not an
// integer in int32 range (NaN, 1e300, 2.5) is a malformed message, and is
// refused before the conversion (which would be undefined behaviour).
bool OperationField(double d, int32_t* out) {
  if (!(d >= INT32_MIN && d <= INT32_MAX)) return false;
  int32_t op = static_cast<int32_t>(d);
  if (op != d) return false;
  *out = op;
  return true;
}

// A missing, null or undefined field reads as "" / 0; any other non-string
// (non-number) is a malformed message.
bool StringField(const Value* v, std::string_view* out) {
  if (v == nullptr || v->is_null() || v->is_undefined()) return true;
  if (!v->is_string()) return false;
  *out = v->AsString();
  return true;
}

bool NumberField(const Value* v, double* out) {
  if (v == nullptr || v->is_null() || v->is_undefined()) return true;
  if (!v->is_number()) return false;
  *out = v->AsNumber();
  return true;
}

bool UuidField(Arena& arena, const Value& v, std::string_view* out) {
  const Blob* b = v.type() == Type::kByteArray ? v.AsBlob() : nullptr;
  if (b == nullptr || b->bytes.size() != 16) return false;
  std::span<const uint8_t, 16> bytes(reinterpret_cast<const uint8_t*>(b->bytes.data()), 16);
  *out = FormatUuid(arena, bytes);
  return true;
}

bool HeadersField(const Value* v, FlexCommon* c) {
  if (v == nullptr || v->is_null() || v->is_undefined()) return true;
  c->headers = v->AsObject();
  if (c->headers == nullptr) return false;
  return StringField(c->headers->Find(kDSIdHeader), &c->ds_id) &&
         StringField(c->headers->Find(kDSEndpointHeader), &c->ds_endpoint);
}

// The fields common to every full-form message, read by name.
bool ReadCommonFull(const Object& o, FlexCommon* c) {
  if (const Value* body = o.Find("body")) c->body = *body;
  return StringField(o.Find("messageId"), &c->message_id) &&
         StringField(o.Find("clientId"), &c->client_id) &&
         StringField(o.Find("destination"), &c->destination) &&
         NumberField(o.Find("timestamp"), &c->timestamp) &&
         NumberField(o.Find("timeToLive"), &c->time_to_live) && HeadersField(o.Find("headers"), c);
}

// The fields of a small form (DSA, DSK, DSC): each announced value is
// matched to its (level, flag byte, bit); values of bits BlazeDS reserves
// are skipped, as its readExternal skips them.
bool ReadCommonSmall(Arena& arena, const External& ext, FlexCommon* c,
                     std::string_view* correlation_id, int32_t* operation) {
  for (uint8_t l = 0; l < ext.level_count; ++l) {
    const ExternalLevel& level = ext.levels[l];
    size_t k = 0;
    for (size_t i = 0; i < level.flags.size(); ++i) {
      uint8_t mask = (l == 0 && i == 0) ? 0x7F : 0x3F;
      for (int bit = 0; bit < 7; ++bit) {
        if ((level.flags[i] & mask & (1 << bit)) == 0) continue;
        const Value& v = level.values[k++];
        bool ok = true;
        if (l == 0 && i == 0) {
          switch (bit) {
            case 0:
              c->body = v;
              break;
            case 1:
              ok = StringField(&v, &c->client_id);
              break;
            case 2:
              ok = StringField(&v, &c->destination);
              break;
            case 3:
              ok = HeadersField(&v, c);
              break;
            case 4:
              ok = StringField(&v, &c->message_id);
              break;
            case 5:
              ok = NumberField(&v, &c->timestamp);
              break;
            case 6:
              ok = NumberField(&v, &c->time_to_live);
              break;
          }
        } else if (l == 0 && i == 1 && bit < 2) {
          ok = UuidField(arena, v, bit == 0 ? &c->client_id : &c->message_id);
        } else if (l == 1 && i == 0 && bit < 2 && correlation_id != nullptr) {
          ok = bit == 0 ? StringField(&v, correlation_id) : UuidField(arena, v, correlation_id);
        } else if (l == 2 && i == 0 && bit == 0 && operation != nullptr &&
                   ext.cls == ExternalClass::kCommandMessageSmall) {
          if (!v.is_number() || !OperationField(v.AsNumber(), operation)) return false;
        }
        if (!ok) return false;
      }
    }
  }
  return true;
}

Value OptionalString(std::string_view s) {
  return s.empty() ? Value::Null(Format::kAmf3) : Value::String(s, Format::kAmf3);
}

Value HeadersValue(const FlexCommon& c, Arena& arena) {
  if (c.headers != nullptr) return Value::Of(c.headers, Format::kAmf3);
  return Value::Of(MakeFlexHeaders(arena, c.ds_id), Format::kAmf3);
}

Value FullForm(Arena& arena, const Traits& traits, std::span<const Value> values) {
  Object* o = arena.New<Object>();
  o->traits = &traits;
  o->sealed = arena.CopySpan(values);
  return Value::Of(o, Format::kAmf3);
}

// One level of a small form: a single flag byte (every field amfgate sends
// fits in the first byte of its level) and the values it announces.
struct SmallLevel {
  uint8_t flags = 0;
  Value values[7];
  size_t count = 0;
  void Add(int bit, Value v) {
    flags |= static_cast<uint8_t>(1 << bit);
    values[count++] = v;
  }
};

Value SmallForm(Arena& arena, const Traits& traits, ExternalClass cls,
                std::span<const SmallLevel> levels) {
  External* ext = arena.New<External>();
  ext->cls = cls;
  ext->level_count = static_cast<uint8_t>(levels.size());
  for (size_t l = 0; l < levels.size(); ++l) {
    uint8_t* flags = arena.AllocateArray<uint8_t>(1);
    flags[0] = levels[l].flags;
    ext->levels[l].flags = {flags, 1};
    ext->levels[l].values =
        arena.CopySpan(std::span<const Value>(levels[l].values, levels[l].count));
  }
  Object* o = arena.New<Object>();
  o->traits = &traits;
  o->external = ext;
  return Value::Of(o, Format::kAmf3);
}

SmallLevel SmallCommon(Arena& arena, const FlexCommon& c) {
  SmallLevel l;
  if (!c.body.is_undefined() && !c.body.is_null()) l.Add(0, c.body.WithFormat(Format::kAmf3));
  if (!c.client_id.empty()) l.Add(1, Value::String(c.client_id, Format::kAmf3));
  if (!c.destination.empty()) l.Add(2, Value::String(c.destination, Format::kAmf3));
  l.Add(3, HeadersValue(c, arena));
  if (!c.message_id.empty()) l.Add(4, Value::String(c.message_id, Format::kAmf3));
  if (c.timestamp != 0) l.Add(5, Value::Number(c.timestamp, Format::kAmf3));
  if (c.time_to_live != 0) l.Add(6, Value::Number(c.time_to_live, Format::kAmf3));
  return l;
}

}  // namespace

FlexKind ClassifyFlex(const Value& value) {
  std::string_view c = ClassOf(value);
  if (c == kRemotingMessageClass) return FlexKind::kRemoting;
  if (c == kCommandMessageClass || c == kCommandMessageSmallClass) return FlexKind::kCommand;
  if (c == kAcknowledgeMessageClass || c == kAcknowledgeMessageSmallClass) {
    return FlexKind::kAcknowledge;
  }
  if (c == kErrorMessageClass) return FlexKind::kError;
  if (c == kAsyncMessageClass || c == kAsyncMessageSmallClass) return FlexKind::kAsync;
  return FlexKind::kNone;
}

Result<RemotingMessage> DecodeRemotingMessage(const Value& value, Arena&) {
  if (ClassOf(value) != kRemotingMessageClass) return kWrongClass;
  const Object& o = *value.AsObject();
  RemotingMessage m;
  if (!ReadCommonFull(o, &m.common) || !StringField(o.Find("operation"), &m.operation) ||
      !StringField(o.Find("source"), &m.source)) {
    return kBadField;
  }
  Value body = m.common.body;
  if (const Object* ac = body.AsObject(); ac != nullptr && ac->external != nullptr &&
                                          ac->external->cls == ExternalClass::kArrayCollection) {
    body = ac->external->value;
  }
  if (const Array* args = body.AsArray()) {
    m.args = args->dense;
  } else if (!body.is_null() && !body.is_undefined()) {
    return kBadField;
  }
  return m;
}

Result<CommandMessage> DecodeCommandMessage(const Value& value, Arena& arena) {
  std::string_view cls = ClassOf(value);
  CommandMessage m;
  if (cls == kCommandMessageClass) {
    const Object& o = *value.AsObject();
    double op = m.operation;
    if (!ReadCommonFull(o, &m.common) || !StringField(o.Find("correlationId"), &m.correlation_id) ||
        !NumberField(o.Find("operation"), &op) || !OperationField(op, &m.operation)) {
      return kBadField;
    }
    return m;
  }
  if (cls != kCommandMessageSmallClass) return kWrongClass;
  // In the small form an absent operation means 0 (subscribe), as the field
  // is written only when non-zero.
  m.operation = 0;
  if (!ReadCommonSmall(arena, *value.AsObject()->external, &m.common, &m.correlation_id,
                       &m.operation)) {
    return kBadField;
  }
  return m;
}

Result<AcknowledgeMessage> DecodeAcknowledgeMessage(const Value& value, Arena& arena) {
  std::string_view cls = ClassOf(value);
  AcknowledgeMessage m;
  if (cls == kAcknowledgeMessageClass) {
    const Object& o = *value.AsObject();
    if (!ReadCommonFull(o, &m.common) || !StringField(o.Find("correlationId"), &m.correlation_id)) {
      return kBadField;
    }
    return m;
  }
  if (cls != kAcknowledgeMessageSmallClass) return kWrongClass;
  if (!ReadCommonSmall(arena, *value.AsObject()->external, &m.common, &m.correlation_id, nullptr)) {
    return kBadField;
  }
  return m;
}

Result<ErrorMessage> DecodeErrorMessage(const Value& value, Arena&) {
  if (ClassOf(value) != kErrorMessageClass) return kWrongClass;
  const Object& o = *value.AsObject();
  ErrorMessage m;
  if (!ReadCommonFull(o, &m.common) || !StringField(o.Find("correlationId"), &m.correlation_id) ||
      !StringField(o.Find("faultCode"), &m.fault_code) ||
      !StringField(o.Find("faultString"), &m.fault_string) ||
      !StringField(o.Find("faultDetail"), &m.fault_detail)) {
    return kBadField;
  }
  if (const Value* v = o.Find("rootCause")) m.root_cause = *v;
  if (const Value* v = o.Find("extendedData")) m.extended_data = *v;
  return m;
}

Value EncodeAcknowledgeMessage(Arena& arena, const AcknowledgeMessage& m, FlexForm form) {
  const FlexCommon& c = m.common;
  if (form == FlexForm::kSmall) {
    SmallLevel levels[3];
    levels[0] = SmallCommon(arena, c);
    if (!m.correlation_id.empty()) levels[1].Add(0, Value::String(m.correlation_id, Format::kAmf3));
    return SmallForm(arena, kAckSmallTraits, ExternalClass::kAcknowledgeMessageSmall, levels);
  }
  const Value values[] = {c.body.WithFormat(Format::kAmf3),
                          OptionalString(c.client_id),
                          OptionalString(m.correlation_id),
                          OptionalString(c.destination),
                          HeadersValue(c, arena),
                          Value::String(c.message_id, Format::kAmf3),
                          Value::Number(c.time_to_live, Format::kAmf3),
                          Value::Number(c.timestamp, Format::kAmf3)};
  return FullForm(arena, kAckTraits, values);
}

Value EncodeErrorMessage(Arena& arena, const ErrorMessage& m) {
  const FlexCommon& c = m.common;
  const Value values[] = {c.body.WithFormat(Format::kAmf3),
                          OptionalString(c.client_id),
                          OptionalString(m.correlation_id),
                          OptionalString(c.destination),
                          m.extended_data.WithFormat(Format::kAmf3),
                          Value::String(m.fault_code, Format::kAmf3),
                          Value::String(m.fault_detail, Format::kAmf3),
                          Value::String(m.fault_string, Format::kAmf3),
                          HeadersValue(c, arena),
                          Value::String(c.message_id, Format::kAmf3),
                          m.root_cause.WithFormat(Format::kAmf3),
                          Value::Number(c.time_to_live, Format::kAmf3),
                          Value::Number(c.timestamp, Format::kAmf3)};
  return FullForm(arena, kErrorTraits, values);
}

Value EncodeRemotingMessage(Arena& arena, const RemotingMessage& m) {
  const FlexCommon& c = m.common;
  Value body = c.body;
  if (body.is_undefined()) body = MakeArray(arena, m.args, Format::kAmf3);
  const Value values[] = {body.WithFormat(Format::kAmf3),
                          OptionalString(c.client_id),
                          Value::String(c.destination, Format::kAmf3),
                          HeadersValue(c, arena),
                          Value::String(c.message_id, Format::kAmf3),
                          Value::String(m.operation, Format::kAmf3),
                          OptionalString(m.source),
                          Value::Number(c.time_to_live, Format::kAmf3),
                          Value::Number(c.timestamp, Format::kAmf3)};
  return FullForm(arena, kRemotingTraits, values);
}

Value EncodeCommandMessage(Arena& arena, const CommandMessage& m, FlexForm form) {
  const FlexCommon& c = m.common;
  if (form == FlexForm::kSmall) {
    SmallLevel levels[3];
    levels[0] = SmallCommon(arena, c);
    if (!m.correlation_id.empty()) levels[1].Add(0, Value::String(m.correlation_id, Format::kAmf3));
    if (m.operation != 0) levels[2].Add(0, Value::Number(m.operation, Format::kAmf3));
    return SmallForm(arena, kCommandSmallTraits, ExternalClass::kCommandMessageSmall, levels);
  }
  const Value values[] = {c.body.is_undefined() ? MakeObject(arena, {}, Format::kAmf3) : c.body,
                          OptionalString(c.client_id),
                          OptionalString(m.correlation_id),
                          OptionalString(c.destination),
                          HeadersValue(c, arena),
                          Value::String(c.message_id, Format::kAmf3),
                          Value::Number(m.operation, Format::kAmf3),
                          Value::Number(c.time_to_live, Format::kAmf3),
                          Value::Number(c.timestamp, Format::kAmf3)};
  return FullForm(arena, kCommandTraits, values);
}

const Object* MakeFlexHeaders(Arena& arena, std::string_view ds_id) {
  Object* o = arena.New<Object>();
  if (!ds_id.empty()) {
    const Member m[] = {{kDSIdHeader, Value::String(ds_id, Format::kAmf3)}};
    o->dynamic = arena.CopySpan(std::span<const Member>(m));
  }
  return o;
}

Result<Credentials> DecodeLoginCredentials(const CommandMessage& m, Arena& arena) {
  constexpr Failure kBad{Code::kMalformed, "login body is not base64 of user:password", 0};
  // The same strict decoder as the users file's: one text per credential.
  std::string_view in = m.common.body.AsString();
  char* out = arena.AllocateArray<char>(Base64DecodedCapacity(in.size()));
  std::optional<size_t> n = DecodeBase64Strict(in, out);
  if (!n) return kBad;
  std::string_view text(out, *n);
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) return kBad;
  return Credentials{text.substr(0, colon), text.substr(colon + 1)};
}

std::string_view FormatUuid(Arena& arena, std::span<const uint8_t, 16> bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  char* out = arena.AllocateArray<char>(36);
  size_t n = 0;
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out[n++] = '-';
    out[n++] = kHex[bytes[i] >> 4];
    out[n++] = kHex[bytes[i] & 0xF];
  }
  return {out, 36};
}

}  // namespace amfgate::amf
