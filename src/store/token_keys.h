// TokenKeys: the per-process keys under which the store hashes tokens, and
// the three functions built on them (see session_store.h for the threat
// model):
//   SelectorHash  XXH3-64 of a token's 16-byte selector, keyed with a random
//                 192-byte secret: where the record is filed (~5 ns);
//   SecretDigest  AES-128_K(secret) XOR secret, with a random 128-bit K:
//                 a one-way digest of the token's secret half (one AES-NI
//                 block, inline: aes128.h); stored instead of the secret;
//   Tag           XXH3-64 of a token's text under another random secret,
//                 as 16 hex digits, for logs.
// The keys are drawn from the DRBG once (Init) and wiped on destruction; the
// AES key lives in an Aes128 owner, so TokenKeys never moves or copies.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/status.h"
#include "store/aes128.h"
#include "store/records.h"
#include "store/token.h"

namespace amfgate {

class Random;

class TokenKeys {
 public:
  TokenKeys() = default;
  ~TokenKeys();
  TokenKeys(const TokenKeys&) = delete;
  TokenKeys& operator=(const TokenKeys&) = delete;

  Status Init(Random& random);

  uint64_t SelectorHash(std::span<const uint8_t, kSelectorBytes> selector) const;
  SecretDigest Digest(std::span<const uint8_t, kSecretBytes> secret) const;
  TokenTag Tag(std::string_view text) const;

 private:
  static constexpr size_t kSecretSize = 192;  // XXH3 wants at least 136 bytes

  std::array<uint8_t, kSecretSize> selector_secret_{};
  std::array<uint8_t, kSecretSize> tag_secret_{};
  Aes128 digest_key_;
};

}  // namespace amfgate
