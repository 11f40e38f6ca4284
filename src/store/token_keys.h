// TokenKeys: the per-process keys under which the store files and checks
// tokens, and the functions built on them (see session_store.h for the threat
// model):
//   SealSelector  makes a token's 16-byte selector from the record it names:
//                 AES-128 (decryption direction) under a random key of the
//                 block (record index, domain, 64-bit random nonce);
//   Open          the inverse (encryption direction, one AES-NI block): from
//                 the selector a client presents straight to the record's
//                 index, with no table to probe, plus the nonce the record
//                 must hold and a 32-bit domain that must match; and the
//                 digest of the token's secret, computed alongside;
//   Digest        AES-128_K(secret) XOR secret, under another random key:
//                 a one-way digest of the token's secret half (~25 ns with
//                 AES-NI); stored instead of the secret;
//   Tag           XXH3-64 of a token's text under a random secret, as 16 hex
//                 digits, for logs.
// The keys are drawn from the DRBG once (Init) and wiped on destruction; the
// AES keys live in Aes128 owners (aes128.h), so TokenKeys never moves or
// copies.
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

// The kind of record a selector names. A session's token never opens as an
// alias or the other way round: the domain is part of the sealed block.
enum class SelectorDomain : uint32_t { kSession = 0x73736573, kAlias = 0x61696c61 };

// What a selector carries, in the clear only inside the store.
struct SelectorFields {
  uint32_t index = 0;  // the record's slot in its pool
  uint64_t nonce = 0;  // random per record incarnation; the record keeps it
};

class TokenKeys {
 public:
  TokenKeys() = default;
  ~TokenKeys();
  TokenKeys(const TokenKeys&) = delete;
  TokenKeys& operator=(const TokenKeys&) = delete;

  Status Init(Random& random);

  void SealSelector(SelectorDomain domain, const SelectorFields& fields,
                    std::span<uint8_t, kSelectorBytes> selector) const;
  // The fields sealed in the token's selector and the digest of its secret.
  // False if the selector was not sealed in `domain` under this process's key
  // (a forgery passes with probability 2^-32, and then still needs a live
  // record's 64-bit nonce and secret).
  bool Open(SelectorDomain domain, const Token& token, SelectorFields* fields,
            SecretDigest* digest) const;
  SecretDigest Digest(std::span<const uint8_t, kSecretBytes> secret) const;
  TokenTag Tag(std::string_view text) const;

 private:
  static constexpr size_t kTagSecretSize = 192;  // XXH3 wants at least 136 bytes

  std::array<uint8_t, kTagSecretSize> tag_secret_{};
  Aes128 digest_key_;
  Aes128 selector_key_;
};

}  // namespace amfgate
