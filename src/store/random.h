// Random: the process's cryptographic random source, a CTR_DRBG (mbedTLS 3.6,
// AES-256, NIST SP 800-90A) seeded from the operating system's entropy source
// (getrandom) and a personalization string.
//
// Everything secret amfgate mints comes from here: session ids and aliases
// (via SessionStore), CSRF tokens, random cookie names, and the per-process
// keys of the store's keyed hashes. Seeding failure is a start-up failure:
// Open returns a Status and the server must not start without a seeded
// generator. The DRBG reseeds itself from the OS every 10,000 requests
// (mbedTLS's default); if that reseed fails, the request fails with
// Code::kInternal and no bytes are produced.
//
// Ownership: a Random owns its mbedTLS entropy and DRBG contexts (init in the
// constructor, free in the destructor). The DRBG keeps a pointer to the
// entropy context, so a Random never moves: it lives behind a unique_ptr.
// One thread uses it (the loop's); it takes no locks.
//
// Cost: about 200 ns for 32 bytes on the reference machine (one AES-256
// key schedule per request dominates); larger requests are cheaper per byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>

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
  Random();

  mbedtls_entropy_context entropy_;
  mbedtls_ctr_drbg_context drbg_;
};

}  // namespace amfgate
