#include "store/aes128.h"

#include <mbedtls/platform_util.h>

#if defined(__x86_64__)
#include <wmmintrin.h>
#endif

namespace amfgate {
namespace {

constexpr int kRounds = 10;  // AES-128

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

[[gnu::target("aes")]] void EncryptBlock(const uint8_t* round_keys, const uint8_t* in,
                                         uint8_t* out) {
  const __m128i* k = reinterpret_cast<const __m128i*>(round_keys);
  __m128i b = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in)), k[0]);
  for (int r = 1; r < kRounds; ++r) b = _mm_aesenc_si128(b, k[r]);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm_aesenclast_si128(b, k[kRounds]));
}

AMFGATE_AESNI void EncryptTwoBlocks(const uint8_t* round_keys_a, const uint8_t* in_a,
                                    uint8_t* out_a, const uint8_t* round_keys_b,
                                    const uint8_t* in_b, uint8_t* out_b) {
  const __m128i* ka = reinterpret_cast<const __m128i*>(round_keys_a);
  const __m128i* kb = reinterpret_cast<const __m128i*>(round_keys_b);
  __m128i a = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in_a)), ka[0]);
  __m128i b = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in_b)), kb[0]);
#pragma GCC unroll 9
  for (int r = 1; r < kRounds; ++r) {
    a = _mm_aesenc_si128(a, ka[r]);
    b = _mm_aesenc_si128(b, kb[r]);
  }
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out_a), _mm_aesenclast_si128(a, ka[kRounds]));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out_b), _mm_aesenclast_si128(b, kb[kRounds]));
}

bool HaveAesni() { return __builtin_cpu_supports("aes"); }
#else
bool HaveAesni() { return false; }
#endif

}  // namespace

Aes128::Aes128() {
  mbedtls_aes_init(&encrypt_);
  mbedtls_aes_init(&decrypt_);
}

Aes128::~Aes128() {
  mbedtls_aes_free(&encrypt_);
  mbedtls_aes_free(&decrypt_);
  mbedtls_platform_zeroize(round_keys_.data(), round_keys_.size());
}

bool Aes128::SetKey(std::span<const uint8_t, 16> key) {
  if (mbedtls_aes_setkey_enc(&encrypt_, key.data(), 128) != 0 ||
      mbedtls_aes_setkey_dec(&decrypt_, key.data(), 128) != 0) {
    return false;
  }
  aesni_ = HaveAesni();
#if defined(__x86_64__)
  if (aesni_) ExpandKey(key.data(), round_keys_.data());
#endif
  return true;
}

void Aes128::Encrypt(const uint8_t* in, uint8_t* out) const {
#if defined(__x86_64__)
  if (aesni_) return EncryptBlock(round_keys_.data(), in, out);
#endif
  // Cannot fail for a context with a key set.
  mbedtls_aes_crypt_ecb(&encrypt_, MBEDTLS_AES_ENCRYPT, in, out);
}

AMFGATE_AES_TARGET void Aes128::EncryptTwo(const Aes128& a, const uint8_t* in_a, uint8_t* out_a,
                                           const Aes128& b, const uint8_t* in_b, uint8_t* out_b) {
#if defined(__x86_64__)
  if (a.aesni_ && b.aesni_) {
    return EncryptTwoBlocks(a.round_keys_.data(), in_a, out_a, b.round_keys_.data(), in_b, out_b);
  }
#endif
  a.Encrypt(in_a, out_a);
  b.Encrypt(in_b, out_b);
}

void Aes128::Decrypt(const uint8_t* in, uint8_t* out) const {
  mbedtls_aes_crypt_ecb(&decrypt_, MBEDTLS_AES_DECRYPT, in, out);
}

}  // namespace amfgate
