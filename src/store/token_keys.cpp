#include "store/token_keys.h"

#include <mbedtls/platform_util.h>

// The header-only build of the same XXH3: inlined here, the 16-byte selector
// hash is its short-input path, ~20 instructions instead of ~100 through the
// shared library's generic entry point, on every lookup.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <cstring>

#include "store/random.h"
#include "store/token_vbmi.h"

namespace amfgate {

TokenKeys::~TokenKeys() {
  mbedtls_platform_zeroize(selector_secret_.data(), selector_secret_.size());
  mbedtls_platform_zeroize(tag_secret_.data(), tag_secret_.size());
}

Status TokenKeys::Init(Random& random) {
  std::array<uint8_t, 16> digest_key;
  const bool drawn = random.RandomBytes(selector_secret_) == Code::kOk &&
                     random.RandomBytes(tag_secret_) == Code::kOk &&
                     random.RandomBytes(digest_key) == Code::kOk;
  const bool keyed = drawn && digest_key_.SetKey(digest_key);
  mbedtls_platform_zeroize(digest_key.data(), digest_key.size());
  if (!drawn)
    return Status::Error(Code::kInternal, "store: the DRBG failed to produce the table keys");
  if (!keyed) return Status::Error(Code::kInternal, "store: AES key setup failed");
#if defined(__x86_64__)
  if (vbmi::HaveVbmi() && digest_key_.aesni()) present_ = PresentVbmi;
#endif
  return Status::Ok();
}

Code TokenKeys::PresentPortable(const TokenKeys& keys, const char* text, uint64_t* hash,
                                SecretDigest* digest) {
  Token token;
  if (DecodeToken(std::string_view(text, kTokenTextLength), &token) != Code::kOk) {
    return Code::kMalformed;
  }
  *hash = keys.SelectorHash(token.selector());
  *digest = keys.Digest(token.secret());
  return Code::kOk;
}

#if defined(__x86_64__)
// The same results as PresentPortable (test_token.cpp checks Present against
// SelectorHash and Digest), with the halves kept in registers from the
// decode to the digest.
[[AMFGATE_VBMI_TARGET]] Code TokenKeys::PresentVbmi(const TokenKeys& keys, const char* text,
                                                    uint64_t* hash, SecretDigest* digest) {
  vbmi::Halves halves;
  if (vbmi::Decode(text, &halves) != TokenVerdict::kOk) return Code::kMalformed;
  alignas(16) uint8_t selector[kSelectorBytes];
  _mm_store_si128(reinterpret_cast<__m128i*>(selector), halves.selector);
  *hash = XXH3_64bits_withSecret(selector, sizeof(selector), keys.selector_secret_.data(),
                                 keys.selector_secret_.size());
  const __m128i out = _mm_xor_si128(keys.digest_key_.EncryptAesni(halves.secret), halves.secret);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(digest->data()), out);
  return Code::kOk;
}
#endif

uint64_t TokenKeys::SelectorHash(std::span<const uint8_t, kSelectorBytes> selector) const {
  return XXH3_64bits_withSecret(selector.data(), selector.size(), selector_secret_.data(),
                                selector_secret_.size());
}

// The Davies-Meyer step (cipher output XOR input) on two words.
SecretDigest TokenKeys::Digest(std::span<const uint8_t, kSecretBytes> secret) const {
  SecretDigest digest;
  digest_key_.Encrypt(secret.data(), digest.data());
  uint64_t in[2];
  uint64_t out[2];
  std::memcpy(in, secret.data(), sizeof(in));
  std::memcpy(out, digest.data(), sizeof(out));
  out[0] ^= in[0];
  out[1] ^= in[1];
  std::memcpy(digest.data(), out, sizeof(out));
  return digest;
}

TokenTag TokenKeys::Tag(std::string_view text) const {
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t h =
      XXH3_64bits_withSecret(text.data(), text.size(), tag_secret_.data(), tag_secret_.size());
  TokenTag tag;
  for (size_t i = 0; i < tag.chars.size(); ++i) {
    tag.chars[tag.chars.size() - 1 - i] = kHex[h & 15];
    h >>= 4;
  }
  return tag;
}

}  // namespace amfgate
