#include "store/token_keys.h"

#include <mbedtls/platform_util.h>
#include <xxhash.h>

#include "store/random.h"

namespace amfgate {

TokenKeys::TokenKeys() { mbedtls_aes_init(&aes_); }

TokenKeys::~TokenKeys() {
  mbedtls_aes_free(&aes_);
  mbedtls_platform_zeroize(selector_secret_.data(), selector_secret_.size());
  mbedtls_platform_zeroize(tag_secret_.data(), tag_secret_.size());
}

Status TokenKeys::Init(Random& random) {
  std::array<uint8_t, 16> aes_key;
  if (random.RandomBytes(selector_secret_) != Code::kOk || random.RandomBytes(tag_secret_) != Code::kOk ||
      random.RandomBytes(aes_key) != Code::kOk) {
    return Status::Error(Code::kInternal, "store: the DRBG failed to produce the table keys");
  }
  const int ret = mbedtls_aes_setkey_enc(&aes_, aes_key.data(), 128);
  mbedtls_platform_zeroize(aes_key.data(), aes_key.size());
  if (ret != 0) return Status::Error(Code::kInternal, "store: AES key setup failed");
  return Status::Ok();
}

uint64_t TokenKeys::SelectorHash(std::span<const uint8_t, kSelectorBytes> selector) const {
  return XXH3_64bits_withSecret(selector.data(), selector.size(), selector_secret_.data(),
                                selector_secret_.size());
}

SecretDigest TokenKeys::Digest(std::span<const uint8_t, kSecretBytes> secret) const {
  SecretDigest digest;
  // Cannot fail for a context with an encryption key set.
  mbedtls_aes_crypt_ecb(&aes_, MBEDTLS_AES_ENCRYPT, secret.data(), digest.data());
  for (size_t i = 0; i < digest.size(); ++i) digest[i] ^= secret[i];
  return digest;
}

TokenTag TokenKeys::Tag(std::string_view text) const {
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t h = XXH3_64bits_withSecret(text.data(), text.size(), tag_secret_.data(), tag_secret_.size());
  TokenTag tag;
  for (size_t i = 0; i < tag.chars.size(); ++i) {
    tag.chars[tag.chars.size() - 1 - i] = kHex[h & 15];
    h >>= 4;
  }
  return tag;
}

}  // namespace amfgate
