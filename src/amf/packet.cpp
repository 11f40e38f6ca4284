#include "amf/packet.h"

#include "amf/decoder.h"
#include "amf/encoder.h"

namespace amfgate::amf {
namespace {

// Smallest possible header (name length 2, flag 1, length 4, one-byte value)
// and body (two string lengths 4, length 4, value 1): counts are checked
// against these before anything is allocated.
constexpr uint64_t kMinHeaderBytes = 8;
constexpr uint64_t kMinBodyBytes = 9;

// Reads the length field and the value after it, checks the two agree (or
// the field is one of the "unknown" values clients send) and records which.
bool ReadMessageValue(Decoder& d, Value* value, LengthField* length) {
  uint32_t field;
  if (!d.ReadU32(&field)) return false;
  size_t start = d.pos();
  d.BeginMessage();
  if (!d.ReadAmf0(value, 0)) return false;
  size_t actual = d.pos() - start;
  if (field == actual) {
    *length = LengthField{true, field};
  } else if (field == 0 || field == 1 || field == kUnknownLength) {
    *length = LengthField{false, field};
  } else {
    return d.FailAt(Code::kMalformed, "message length does not match its value", start - 4);
  }
  return true;
}

bool WriteMessageValue(Encoder& e, const Value& value, const LengthField& length,
                       const EncodeOptions& options) {
  size_t field_at = e.size();
  e.PutU32(0);
  e.BeginMessage();
  if (!e.WriteAmf0(value, 0)) return false;
  size_t actual = e.size() - field_at - 4;
  uint32_t field;
  if (length.exact || options.exact_lengths) {
    if (actual > 0xFFFFFFFEu) return e.Fail(Code::kTooLarge, "message longer than 4 GiB");
    field = static_cast<uint32_t>(actual);
  } else {
    field = length.recorded;
  }
  e.PatchU32(field_at, field);
  return true;
}

Body ReplyBody(Arena& arena, std::string_view request_response, std::string_view suffix,
               Value value) {
  Body b;
  b.target = arena.Concat(request_response, suffix);
  b.response = "null";
  b.value = value;
  return b;
}

}  // namespace

bool Packet::Validate() const {
  if (version != 0 && version != 3) return false;
  if (headers.size() > 0xFFFF || bodies.size() > 0xFFFF) return false;
  for (const Header& h : headers) {
    if (h.name.size() > 0xFFFF || !h.value.Validate()) return false;
  }
  for (const Body& b : bodies) {
    if (b.target.size() > 0xFFFF || b.response.size() > 0xFFFF || !b.value.Validate()) return false;
  }
  return true;
}

Result<Packet> DecodePacket(std::string_view input, Arena& arena, const DecodeLimits& limits) {
  Decoder d(input, arena, limits);
  Packet p;
  uint16_t count;
  if (d.ReadU16(&p.version) && p.version != 0 && p.version != 3) {
    d.FailAt(Code::kMalformed, "unsupported AMF packet version", 0);
  }
  if (d.ReadU16(&count)) {
    if (count > limits.max_headers) {
      d.Fail(Code::kTooLarge, "too many headers");
    } else if (d.CheckCount(count, kMinHeaderBytes)) {
      p.headers = arena.NewSpan<Header>(count);
      for (Header& h : p.headers) {
        uint8_t must;
        if (!d.ReadUtf8(&h.name) || !d.ReadU8(&must)) break;
        if (must > 1) {
          d.Fail(Code::kMalformed, "must-understand flag not 0 or 1");
          break;
        }
        h.must_understand = must != 0;
        if (!ReadMessageValue(d, &h.value, &h.length)) break;
      }
    }
  }
  if (d.ReadU16(&count)) {
    if (count > limits.max_bodies) {
      d.Fail(Code::kTooLarge, "too many bodies");
    } else if (d.CheckCount(count, kMinBodyBytes)) {
      p.bodies = arena.NewSpan<Body>(count);
      for (Body& b : p.bodies) {
        if (!d.ReadUtf8(&b.target) || !d.ReadUtf8(&b.response) ||
            !ReadMessageValue(d, &b.value, &b.length)) {
          break;
        }
      }
    }
  }
  if (!d.failed() && d.remaining() != 0)
    d.Fail(Code::kMalformed, "trailing bytes after the last body");
  if (d.failed()) return d.failure();
  return p;
}

namespace {

Result<size_t> EncodeWithTables(const Packet& packet, EncoderTables& tables, std::string* out,
                                const EncodeOptions& options) {
  size_t before = out->size();
  Encoder e(tables, out, options);
  if (packet.headers.size() > 0xFFFF || packet.bodies.size() > 0xFFFF) {
    return Failure{Code::kTooLarge, "more than 65535 headers or bodies", 0};
  }
  e.PutU16(packet.version);
  e.PutU16(static_cast<uint16_t>(packet.headers.size()));
  for (const Header& h : packet.headers) {
    if (!e.PutUtf8(h.name)) return e.failure();
    e.PutU8(h.must_understand ? 1 : 0);
    if (!WriteMessageValue(e, h.value, h.length, options)) return e.failure();
  }
  e.PutU16(static_cast<uint16_t>(packet.bodies.size()));
  for (const Body& b : packet.bodies) {
    if (!e.PutUtf8(b.target) || !e.PutUtf8(b.response)) return e.failure();
    if (!WriteMessageValue(e, b.value, b.length, options)) return e.failure();
  }
  return e.size() - before;
}

}  // namespace

Result<size_t> EncodePacket(const Packet& packet, Arena& scratch, std::string* out,
                            const EncodeOptions& options) {
  EncoderTables tables(scratch);
  return EncodeWithTables(packet, tables, out, options);
}

struct PacketEncoder::State {
  Arena arena;  // never reset: it holds only the tables' slots
  EncoderTables tables{arena};
};

PacketEncoder::PacketEncoder() : state_(std::make_unique<State>()) {}

PacketEncoder::~PacketEncoder() = default;

Result<size_t> PacketEncoder::Encode(const Packet& packet, std::string* out,
                                     const EncodeOptions& options) {
  return EncodeWithTables(packet, state_->tables, out, options);
}

Result<size_t> PacketEncoder::EncodeReplies(uint16_t version, std::span<const Reply> replies,
                                            std::string* out) {
  // A reply's response URI, "null", as written: U16 length then the bytes.
  static constexpr std::string_view kNullResponse("\0\4null", 6);
  if (replies.size() > 0xFFFF) return Failure{Code::kTooLarge, "more than 65535 bodies", 0};
  size_t before = out->size();
  EncodeOptions options;
  Encoder e(state_->tables, out, options);
  e.PutU16(version);
  e.PutU16(0);
  e.PutU16(static_cast<uint16_t>(replies.size()));
  for (const Reply& r : replies) {
    std::string_view suffix = r.status ? kOnStatus : kOnResult;
    size_t target_size = r.request_response.size() + suffix.size();
    if (target_size > 0xFFFF)
      return Failure{Code::kTooLarge, "string longer than 65535 bytes", e.size()};
    e.PutU16(static_cast<uint16_t>(target_size));
    e.PutBytes(r.request_response);
    e.PutBytes(suffix);
    e.PutBytes(kNullResponse);
    if (!WriteMessageValue(e, r.value, LengthField{}, options)) return e.failure();
  }
  return e.size() - before;
}

Body ResultBody(Arena& arena, std::string_view request_response, Value value) {
  return ReplyBody(arena, request_response, kOnResult, value);
}

Body StatusBody(Arena& arena, std::string_view request_response, Value value) {
  return ReplyBody(arena, request_response, kOnStatus, value);
}

Value MakeStatusObject(Arena& arena, std::string_view code, std::string_view description,
                       Format f) {
  const Member members[] = {
      {"level", Value::String("error", f)},
      {"code", Value::String(code, f)},
      {"description", Value::String(description, f)},
  };
  return MakeObject(arena, members, f);
}

Value Arguments::at(size_t i) const {
  if (i < dense.size()) return dense[i];
  i -= dense.size();
  return i < members.size() ? members[i].value : Value::Undefined();
}

Arguments BodyArguments(const Body& body) {
  Arguments args;
  if (const Array* a = body.value.AsArray()) {
    args.dense = a->dense;
    args.members = a->assoc;
  }
  return args;
}

}  // namespace amfgate::amf
