// CSRF tokens for the page forms: signed double submit.
//
// A form token is HMAC-SHA256(key, purpose || 0x00 || binding), base64url
// (43 characters), where `binding` is a value the browser holds in an
// HttpOnly, SameSite=Strict cookie and a cross-site page can neither read nor
// set: for the login form a random pre-session cookie (`__Host-csrf`), for
// the logout form the page session id itself. The server keeps no state per
// form; the key is 32 random bytes per process, so a restart invalidates
// forms that were open (the user submits again).
//
// Check compares in constant time. Cost: one HMAC (~1 us).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace amfgate {

class CsrfKey {
 public:
  explicit CsrfKey(const std::array<uint8_t, 32>& key) : key_(key) {}

  std::string Token(std::string_view purpose, std::string_view binding) const;
  bool Check(std::string_view purpose, std::string_view binding, std::string_view presented) const;

 private:
  std::array<uint8_t, 32> key_;
};

}  // namespace amfgate
