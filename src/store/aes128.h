// Aes128: one AES-128 key, for the store's single-block digest of every
// token's secret (token_keys.h), which is on the path of every lookup.
//
// Encrypt runs the ten rounds inline with AES-NI when the processor has it
// (about 30 instructions and no memory beyond the key schedule), and through
// mbedtls_aes_crypt_ecb otherwise. The difference matters because a lookup
// waits on cache misses: the fewer instructions each lookup issues, the more
// consecutive lookups the processor's reorder window holds at once, and
// mbedTLS's call path (dispatch, a capability check, a generic round loop)
// costs about four times the instructions of the rounds themselves.
//
// Owns its mbedTLS context (init in the constructor, free in the destructor)
// and wipes its key schedule on destruction; never copied or moved.
#pragma once

#include <mbedtls/aes.h>

#include <array>
#include <cstdint>
#include <span>

#if defined(__x86_64__)
#include <wmmintrin.h>
#define AMFGATE_AES_TARGET [[gnu::target("aes")]]
#else
#define AMFGATE_AES_TARGET
#endif

namespace amfgate {

class Aes128 {
 public:
  static constexpr int kRounds = 10;  // AES-128

  Aes128();
  ~Aes128();
  Aes128(const Aes128&) = delete;
  Aes128& operator=(const Aes128&) = delete;

  // False if mbedTLS refuses the key (it does not for 16 bytes).
  [[nodiscard]] bool SetKey(std::span<const uint8_t, 16> key);

  // Compiled for AES-NI (it checks for it before using it), so that the
  // rounds are inline here.
  AMFGATE_AES_TARGET void Encrypt(const uint8_t* in, uint8_t* out) const;

#if defined(__x86_64__)
  // The ten rounds on a block held in a register, inline into callers
  // compiled for AES-NI that checked aesni() first (the lookup path in
  // token_keys.cpp: no call, no trip through memory).
  bool aesni() const { return aesni_; }
  [[gnu::target("aes"), gnu::always_inline]] __m128i EncryptAesni(__m128i block) const {
    const __m128i* k = reinterpret_cast<const __m128i*>(round_keys_.data());
    block = _mm_xor_si128(block, k[0]);
#pragma GCC unroll 9
    for (int r = 1; r < kRounds; ++r) block = _mm_aesenc_si128(block, k[r]);
    return _mm_aesenclast_si128(block, k[kRounds]);
  }
#endif

 private:
  alignas(16) std::array<uint8_t, 16 * (kRounds + 1)> round_keys_{};
  bool aesni_ = false;
  // mbedtls_aes_crypt_ecb takes a non-const context but only reads the key
  // schedule after setkey.
  mutable mbedtls_aes_context encrypt_;
};

}  // namespace amfgate
