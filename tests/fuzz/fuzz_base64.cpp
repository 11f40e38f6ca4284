// libFuzzer target: the two base64 decoders of untrusted text.
//
//  - web/encoding.h Base64Decode (the users file's salt and hash) must be
//    canonical: what it accepts re-encodes to the same text, and every byte
//    string survives Base64Encode then Base64Decode. Base64UrlEncode (tokens,
//    cookie names) uses only its alphabet, without padding.
//  - amf/flex.h DecodeLoginCredentials (the body of a Flex login command,
//    base64 of "user:password"): on any text it must agree with
//    Base64Decode, split at the first ':'. Both use core/base64.h's strict
//    decoder, so a text with non-zero bits under the padding fails in both.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "amf/arena.h"
#include "amf/flex.h"
#include "amf/value.h"
#include "fuzz_check.h"
#include "web/encoding.h"

using namespace amfgate;

namespace {

std::optional<amf::Credentials> LoginCredentials(std::string_view text, Arena& arena) {
  amf::CommandMessage command;
  command.operation = static_cast<int32_t>(amf::CommandOperation::kLogin);
  command.common.body = amf::Value::String(text, amf::Format::kAmf3);
  auto credentials = amf::DecodeLoginCredentials(command, arena);
  if (!credentials.ok()) {
    FUZZ_CHECK(credentials.code() == Code::kMalformed);
    return std::nullopt;
  }
  return *credentials;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Arena arena;
  arena.Reset();
  std::string_view input(reinterpret_cast<const char*>(data), size);

  auto decoded = Base64Decode(input);
  if (decoded) FUZZ_CHECK(Base64Encode(*decoded) == input);
  auto back = Base64Decode(Base64Encode(input));
  FUZZ_CHECK(back && *back == input);
  std::string url = Base64UrlEncode(input);
  FUZZ_CHECK(url.size() == (size * 4 + 2) / 3);
  FUZZ_CHECK(url.find_first_of("+/=") == std::string::npos);

  auto credentials = LoginCredentials(input, arena);
  size_t colon = decoded ? decoded->find(':') : std::string::npos;
  FUZZ_CHECK(credentials.has_value() == (colon != std::string::npos));
  if (credentials) {
    FUZZ_CHECK(credentials->user == std::string_view(*decoded).substr(0, colon));
    FUZZ_CHECK(credentials->password == std::string_view(*decoded).substr(colon + 1));
  }
  return 0;
}
