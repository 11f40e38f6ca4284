#include "store/aes128.h"

#include <mbedtls/platform_util.h>

namespace amfgate {
namespace {

constexpr int kRounds = Aes128::kRounds;

#if defined(__x86_64__)
#define AMFGATE_AESNI [[gnu::target("aes"), gnu::always_inline]] inline

// One step of the AES-128 key schedule (FIPS-197 section 5.2): the previous
// round key's words XORed together cumulatively, plus SubWord(RotWord(w3))
// XOR rcon, which AESKEYGENASSIST computes.
template <int kRcon>
AMFGATE_AESNI __m128i NextRoundKey(__m128i key) {
  const __m128i assist = _mm_shuffle_epi32(_mm_aeskeygenassist_si128(key, kRcon), 0xFF);
  key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
  key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
  key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
  return _mm_xor_si128(key, assist);
}

[[gnu::target("aes")]] void ExpandKey(const uint8_t* key, uint8_t* round_keys) {
  __m128i k[kRounds + 1];
  k[0] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(key));
  k[1] = NextRoundKey<0x01>(k[0]);
  k[2] = NextRoundKey<0x02>(k[1]);
  k[3] = NextRoundKey<0x04>(k[2]);
  k[4] = NextRoundKey<0x08>(k[3]);
  k[5] = NextRoundKey<0x10>(k[4]);
  k[6] = NextRoundKey<0x20>(k[5]);
  k[7] = NextRoundKey<0x40>(k[6]);
  k[8] = NextRoundKey<0x80>(k[7]);
  k[9] = NextRoundKey<0x1B>(k[8]);
  k[10] = NextRoundKey<0x36>(k[9]);
  for (int i = 0; i <= kRounds; ++i)
    _mm_store_si128(reinterpret_cast<__m128i*>(round_keys) + i, k[i]);
  mbedtls_platform_zeroize(k, sizeof(k));
}

bool HaveAesni() { return __builtin_cpu_supports("aes"); }
#else
bool HaveAesni() { return false; }
#endif

}  // namespace

Aes128::Aes128() { mbedtls_aes_init(&encrypt_); }

Aes128::~Aes128() {
  mbedtls_aes_free(&encrypt_);
  mbedtls_platform_zeroize(round_keys_.data(), round_keys_.size());
}

bool Aes128::SetKey(std::span<const uint8_t, 16> key) {
  if (mbedtls_aes_setkey_enc(&encrypt_, key.data(), 128) != 0) return false;
  aesni_ = HaveAesni();
#if defined(__x86_64__)
  if (aesni_) ExpandKey(key.data(), round_keys_.data());
#endif
  return true;
}

AMFGATE_AES_TARGET void Aes128::Encrypt(const uint8_t* in, uint8_t* out) const {
#if defined(__x86_64__)
  if (aesni_) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in));
    return _mm_storeu_si128(reinterpret_cast<__m128i*>(out), EncryptAesni(block));
  }
#endif
  // Cannot fail for a context with a key set.
  mbedtls_aes_crypt_ecb(&encrypt_, MBEDTLS_AES_ENCRYPT, in, out);
}

}  // namespace amfgate
