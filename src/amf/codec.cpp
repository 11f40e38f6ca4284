#include "amf/codec.h"

#include "amf/decoder.h"
#include "amf/encoder.h"

namespace amfgate::amf {
namespace {

template <bool kAmf3>
Result<Value> DecodeOne(std::string_view input, Arena& arena, const DecodeLimits& limits) {
  Decoder d(input, arena, limits);
  d.BeginMessage();
  Value v;
  bool ok = kAmf3 ? d.ReadAmf3(&v, 0) : d.ReadAmf0(&v, 0);
  if (ok && d.remaining() != 0) d.Fail(Code::kMalformed, "trailing bytes after the value");
  if (d.failed()) return d.failure();
  return v;
}

template <bool kAmf3>
Result<size_t> EncodeOne(const Value& value, Arena& scratch, std::string* out,
                         const EncodeOptions& options) {
  size_t before = out->size();
  EncoderTables tables(scratch);
  Encoder e(tables, out, options);
  e.BeginMessage();
  bool ok = kAmf3 ? e.WriteAmf3(value, 0) : e.WriteAmf0(value, 0);
  if (!ok) return e.failure();
  return e.size() - before;
}

}  // namespace

Result<Value> DecodeAmf0(std::string_view input, Arena& arena, const DecodeLimits& limits) {
  return DecodeOne<false>(input, arena, limits);
}

Result<Value> DecodeAmf3(std::string_view input, Arena& arena, const DecodeLimits& limits) {
  return DecodeOne<true>(input, arena, limits);
}

Result<size_t> EncodeAmf0(const Value& value, Arena& scratch, std::string* out,
                          const EncodeOptions& options) {
  return EncodeOne<false>(value, scratch, out, options);
}

Result<size_t> EncodeAmf3(const Value& value, Arena& scratch, std::string* out,
                          const EncodeOptions& options) {
  return EncodeOne<true>(value, scratch, out, options);
}

}  // namespace amfgate::amf
