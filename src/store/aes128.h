// Aes128: one AES-128 key, for the store's single-block work on every lookup
// (opening a token's selector, digesting its secret; token_keys.h).
//
// Encrypt runs the ten rounds inline with AES-NI when the processor has it
// (about 30 instructions and no memory beyond the key schedule), and through
// mbedtls_aes_crypt_ecb otherwise. The difference matters because a lookup
// waits on one cache miss: the fewer instructions each lookup issues, the
// more consecutive lookups the processor's reorder window holds at once, and
// mbedTLS's call path (dispatch, a capability check, a generic round loop)
// costs about four times the instructions of the rounds themselves. Decrypt
// (minting only) always goes through mbedTLS.
//
// Owns its mbedTLS contexts (init in the constructor, free in the destructor)
// and wipes its key schedule on destruction; never copied or moved.
#pragma once

#include <mbedtls/aes.h>

#include <array>
#include <cstdint>
#include <span>

#if defined(__x86_64__)
#define AMFGATE_AES_TARGET [[gnu::target("aes")]]
#else
#define AMFGATE_AES_TARGET
#endif

namespace amfgate {

class Aes128 {
 public:
  Aes128();
  ~Aes128();
  Aes128(const Aes128&) = delete;
  Aes128& operator=(const Aes128&) = delete;

  // False if mbedTLS refuses the key (it does not for 16 bytes).
  [[nodiscard]] bool SetKey(std::span<const uint8_t, 16> key);

  void Encrypt(const uint8_t* in, uint8_t* out) const;
  // a.Encrypt(in_a, out_a) and b.Encrypt(in_b, out_b), with the two blocks'
  // rounds interleaved (AES-NI starts a round every cycle but each takes
  // several: two independent blocks cost little more than one).
  // Compiled for AES-NI (it checks for it before using it), so that the
  // rounds are inline here and a lookup makes one call for both blocks.
  AMFGATE_AES_TARGET static void EncryptTwo(const Aes128& a, const uint8_t* in_a, uint8_t* out_a,
                                            const Aes128& b, const uint8_t* in_b, uint8_t* out_b);
  void Decrypt(const uint8_t* in, uint8_t* out) const;

 private:
  alignas(16) std::array<uint8_t, 16 * 11> round_keys_{};  // AES-128: 10 rounds
  bool aesni_ = false;
  // mbedtls_aes_crypt_ecb takes a non-const context but only reads the key
  // schedule after setkey.
  mutable mbedtls_aes_context encrypt_;
  mutable mbedtls_aes_context decrypt_;
};

}  // namespace amfgate
