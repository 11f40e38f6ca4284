// libFuzzer target: the two base64 decoders of untrusted text.
//
//  - web/encoding.h Base64Decode (the users file's salt and hash) must be
//    canonical: what it accepts re-encodes to the same text, and every byte
//    string survives Base64Encode then Base64Decode. Base64UrlEncode (tokens,
//    cookie names) uses only its alphabet, without padding.
//  - amf/flex.h DecodeLoginCredentials (the body of a Flex login command,
//    base64 of "user:password"): on any text it must agree with
//    Base64Decode, split at the first ':'. It is allowed one leniency, found
//    by this target and documented here: it ignores the bits that padding
//    drops (RFC 4648 section 3.5 lets a decoder do either), so a text that
//    Base64Decode refuses only for those bits must decode like its canonical
//    form.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
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

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// The text with the bits padding drops set to zero, or nullopt when the text
// has no padding or its last data character is not in the alphabet.
std::optional<std::string> ZeroPadBits(std::string_view text) {
  if (text.size() < 4 || text.size() % 4 != 0 || text.back() != '=') return std::nullopt;
  size_t pad = text[text.size() - 2] == '=' ? 2 : 1;
  std::string out(text);
  size_t at = out.size() - pad - 1;
  size_t v = kAlphabet.find(out[at]);
  if (v == std::string_view::npos) return std::nullopt;
  out[at] = kAlphabet[pad == 1 ? v & ~size_t{3} : v & ~size_t{15}];
  return out;
}

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
  std::optional<std::string> reference = decoded;
  if (!reference) {
    if (auto canonical = ZeroPadBits(input)) reference = Base64Decode(*canonical);
  }
  size_t colon = reference ? reference->find(':') : std::string::npos;
  FUZZ_CHECK(credentials.has_value() == (colon != std::string::npos));
  if (credentials) {
    FUZZ_CHECK(credentials->user == std::string_view(*reference).substr(0, colon));
    FUZZ_CHECK(credentials->password == std::string_view(*reference).substr(colon + 1));
  }
  return 0;
}
