#include "store/token_keys.h"

#include <mbedtls/platform_util.h>
#include <xxhash.h>

#include <cstring>

#include "store/random.h"

namespace amfgate {
namespace {

// The sealed block: index (4 bytes), domain (4), nonce (8), host byte order
// (the block never leaves the process in the clear).
using Block = std::array<uint8_t, 16>;

// The Davies-Meyer step: the cipher's output XOR its input, as two words.
void FeedForward(std::span<const uint8_t, kSecretBytes> secret, SecretDigest* digest) {
  uint64_t in[2];
  uint64_t out[2];
  std::memcpy(in, secret.data(), sizeof(in));
  std::memcpy(out, digest->data(), sizeof(out));
  out[0] ^= in[0];
  out[1] ^= in[1];
  std::memcpy(digest->data(), out, sizeof(out));
}

}  // namespace

TokenKeys::~TokenKeys() { mbedtls_platform_zeroize(tag_secret_.data(), tag_secret_.size()); }

Status TokenKeys::Init(Random& random) {
  std::array<uint8_t, 16> digest_key;
  std::array<uint8_t, 16> selector_key;
  const bool drawn = random.RandomBytes(tag_secret_) == Code::kOk &&
                     random.RandomBytes(digest_key) == Code::kOk &&
                     random.RandomBytes(selector_key) == Code::kOk;
  const bool keyed = drawn && digest_key_.SetKey(digest_key) && selector_key_.SetKey(selector_key);
  mbedtls_platform_zeroize(digest_key.data(), digest_key.size());
  mbedtls_platform_zeroize(selector_key.data(), selector_key.size());
  if (!drawn)
    return Status::Error(Code::kInternal, "store: the DRBG failed to produce the table keys");
  if (!keyed) return Status::Error(Code::kInternal, "store: AES key setup failed");
  return Status::Ok();
}

void TokenKeys::SealSelector(SelectorDomain domain, const SelectorFields& fields,
                             std::span<uint8_t, kSelectorBytes> selector) const {
  Block block;
  const uint32_t domain_word = static_cast<uint32_t>(domain);
  std::memcpy(block.data(), &fields.index, 4);
  std::memcpy(block.data() + 4, &domain_word, 4);
  std::memcpy(block.data() + 8, &fields.nonce, 8);
  selector_key_.Decrypt(block.data(), selector.data());
  mbedtls_platform_zeroize(block.data(), block.size());
}

bool TokenKeys::Open(SelectorDomain domain, const Token& token, SelectorFields* fields,
                     SecretDigest* digest) const {
  Block block;
  Aes128::EncryptTwo(selector_key_, token.selector().data(), block.data(), digest_key_,
                     token.secret().data(), digest->data());
  FeedForward(token.secret(), digest);
  uint32_t domain_word;
  std::memcpy(&fields->index, block.data(), 4);
  std::memcpy(&domain_word, block.data() + 4, 4);
  std::memcpy(&fields->nonce, block.data() + 8, 8);
  return domain_word == static_cast<uint32_t>(domain);
}

SecretDigest TokenKeys::Digest(std::span<const uint8_t, kSecretBytes> secret) const {
  SecretDigest digest;
  digest_key_.Encrypt(secret.data(), digest.data());
  FeedForward(secret, &digest);
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
