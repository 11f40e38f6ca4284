// Random: the process's cryptographic random source, a CTR_DRBG (mbedTLS 3.6,
// AES-256, NIST SP 800-90A) seeded from the operating system's entropy source
// (getrandom) and a personalization string.
//
// Everything secret amfgate mints comes from here: session ids and aliases
// (via SessionStore), CSRF tokens, random cookie names, and the per-process
// keys of the store's keyed hashes. Seeding failure is a start-up failure:
// Open returns a Status and the server must not start without a seeded
// generator. The DRBG reseeds itself from the OS every 312 requests of 1 KiB
// (about every 320 KB of output: what mbedTLS's default of 10,000 requests
// meant when every token was its own 32-byte request); if that reseed fails,
// the request fails with Code::kInternal and no bytes are produced.
//
// Small requests (tokens, nonces, cookie names) are served from a pool of
// one DRBG request (1 KiB), because each mbedtls_ctr_drbg_random call costs a
// fixed ~150 ns (it re-keys AES-256 after every request) on top of ~3 ns per
// byte. Bytes are wiped from the pool as they are handed out, and the rest of
// the pool when it is refilled or destroyed. Holding up to 1 KiB of
// not-yet-issued output in memory is no weaker against a memory dump than the
// DRBG alone: the DRBG's state (its key and counter) sits in the same memory,
// and from it every future output, pooled or not, can be computed until the
// next reseed. Issued bytes are not recoverable from the pool.
//
// Ownership: a Random owns its mbedTLS entropy and DRBG contexts (init in the
// constructor, free in the destructor). The DRBG keeps a pointer to the
// entropy context, so a Random never moves: it lives behind a unique_ptr.
// One thread uses it (the loop's); it takes no locks.
//
// Cost: about 200 ns for a request made straight to the DRBG (one AES-256
// key schedule dominates); a pooled request of 32 bytes averages ~20 ns.
#pragma once

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "core/status.h"
#include "store/token.h"

namespace amfgate {

// An additional entropy source mixed in with the OS one, with mbedTLS's
// callback signature. Tests use it to inject a failing source; a source that
// returns non-zero makes seeding (and every later reseed) fail.
struct EntropySource {
  int (*poll)(void* data, unsigned char* output, size_t length, size_t* produced) = nullptr;
  void* data = nullptr;
};

class Random {
 public:
  // Seeds a new generator. On failure *out is left empty and the Status names
  // the mbedTLS error.
  static Status Open(std::string_view personalization, std::unique_ptr<Random>* out,
                     const EntropySource* extra_source = nullptr);

  ~Random();
  Random(const Random&) = delete;
  Random& operator=(const Random&) = delete;

  // Fills `out` entirely, or returns kInternal (reseed failure) and leaves its
  // contents unspecified.
  [[nodiscard]] Code RandomBytes(std::span<uint8_t> out);

  // 32 fresh bytes, and the same as 43 base64url characters.
  Result<Token> NewToken();
  Result<TokenText> NewTokenText();

  // Fills `out` with base64url characters, each carrying 6 fresh random bits
  // (e.g. 22 characters for a 132-bit random cookie name).
  [[nodiscard]] Code RandomBase64Url(std::span<char> out);

 private:
  // One DRBG request's worth; requests up to kPooledRequest come from it.
  static constexpr size_t kPoolSize = MBEDTLS_CTR_DRBG_MAX_REQUEST;
  static constexpr size_t kPooledRequest = 64;

  Random();
  Code Draw(std::span<uint8_t> out);
  Code Refill();

  mbedtls_entropy_context entropy_;
  mbedtls_ctr_drbg_context drbg_;
  std::array<uint8_t, kPoolSize> pool_{};
  size_t pool_next_ = kPoolSize;  // pool_ bytes before this are issued (and zero)
};

}  // namespace amfgate
