// TokenKeys: the per-process keys under which the store hashes tokens, and
// the three functions built on them (see session_store.h for the threat
// model):
//   SelectorHash  XXH3-64 of a token's 16-byte selector, keyed with a random
//                 192-byte secret: where the record is filed (~5 ns);
//   SecretDigest  AES-128_K(secret) XOR secret, with a random 128-bit K:
//                 a one-way digest of the token's secret half (one AES-NI
//                 block, inline: aes128.h); stored instead of the secret;
//   Tag           XXH3-64 of a token's text under another random secret,
//                 as 16 hex digits, for logs;
//   Present       a presented text's parse, SelectorHash and Digest in one
//                 call: a lookup's whole computation before its table probe.
//                 With AVX-512 VBMI and AES-NI the three run inline together
//                 (token_vbmi.h), ~75 instructions against ~150 through
//                 DecodeToken and the two functions above, which matters
//                 because consecutive lookups overlap their cache misses only
//                 if they fit in the processor's reorder window together.
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

  // kMalformed where DecodeToken would say so (before anything else is
  // computed); otherwise the token's SelectorHash and Digest.
  [[nodiscard]] Code Present(std::string_view text, uint64_t* hash, SecretDigest* digest) const {
    if (text.size() != kTokenTextLength) return Code::kMalformed;
    return present_(*this, text.data(), hash, digest);
  }

 private:
  static constexpr size_t kSecretSize = 192;  // XXH3 wants at least 136 bytes

  // Present's two versions, chosen by Init for this processor.
  using PresentFunction = Code (*)(const TokenKeys&, const char*, uint64_t*, SecretDigest*);
  static Code PresentPortable(const TokenKeys& keys, const char* text, uint64_t* hash,
                              SecretDigest* digest);
#if defined(__x86_64__)
  static Code PresentVbmi(const TokenKeys& keys, const char* text, uint64_t* hash,
                          SecretDigest* digest);
#endif

  std::array<uint8_t, kSecretSize> selector_secret_{};
  std::array<uint8_t, kSecretSize> tag_secret_{};
  Aes128 digest_key_;
  PresentFunction present_ = PresentPortable;
};

}  // namespace amfgate
