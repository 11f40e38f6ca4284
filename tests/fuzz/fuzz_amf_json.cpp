// libFuzzer target for the JSON side of amf-dump / amf-encode.
//
// The first byte picks the direction; the rest is the input:
//   even: JSON text (untrusted, as amf-encode reads it). If it encodes, the
//         bytes must dump and the dump must encode to the same bytes again.
//   odd:  AMF bytes (a packet, an AMF0 or an AMF3 value, by the byte's value
//         mod 3). If they dump, the dump must encode, and the re-encoded
//         bytes must dump to the same text (dump is a fixed point).
// Any crash, sanitizer report or broken round trip is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "amf/json.h"

using amfgate::amf::DumpJson;
using amfgate::amf::EncodeJson;
using amfgate::amf::JsonDocumentKind;

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    std::string bytes, dumped, again;
    JsonDocumentKind kind;
    if (!EncodeJson(input, &bytes, &kind).ok()) return 0;
    Check(DumpJson(bytes, kind, &dumped).ok());
    Check(EncodeJson(dumped, &again).ok());
    Check(again == bytes);
    return 0;
  }
  JsonDocumentKind kind = data[0] % 3 == 0   ? JsonDocumentKind::kPacket
                          : data[0] % 3 == 1 ? JsonDocumentKind::kAmf0Value
                                             : JsonDocumentKind::kAmf3Value;
  std::string text;
  if (!DumpJson(input, kind, &text).ok()) return 0;
  std::string bytes, text2;
  Check(EncodeJson(text, &bytes).ok());
  Check(DumpJson(bytes, kind, &text2).ok());
  Check(text2 == text);
  return 0;
}
