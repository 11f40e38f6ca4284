#include "store/random.h"

#include <mbedtls/error.h>
#include <mbedtls/platform_util.h>

#include <algorithm>
#include <cstdio>
#include <string>

namespace amfgate {
namespace {

// Bytes an extra source must deliver before the pool counts as seeded, as for
// the platform source.
constexpr size_t kExtraSourceThreshold = 32;

// Requests between reseeds: 10,000 32-byte requests' worth of 1 KiB ones.
constexpr int kReseedInterval =
    MBEDTLS_CTR_DRBG_RESEED_INTERVAL * 32 / MBEDTLS_CTR_DRBG_MAX_REQUEST;

std::string MbedError(int ret) {
  char text[128];
  mbedtls_strerror(ret, text, sizeof(text));
  char code[24];
  snprintf(code, sizeof(code), " (-0x%04x)", static_cast<unsigned>(-ret));
  return std::string(text) + code;
}

}  // namespace

Random::Random() {
  mbedtls_entropy_init(&entropy_);
  mbedtls_ctr_drbg_init(&drbg_);
}

Random::~Random() {
  mbedtls_platform_zeroize(pool_.data(), pool_.size());
  mbedtls_ctr_drbg_free(&drbg_);
  mbedtls_entropy_free(&entropy_);
}

Status Random::Open(std::string_view personalization, std::unique_ptr<Random>* out,
                    const EntropySource* extra_source) {
  out->reset();
  std::unique_ptr<Random> random(new Random());
  if (extra_source != nullptr) {
    int ret = mbedtls_entropy_add_source(&random->entropy_, extra_source->poll, extra_source->data,
                                         kExtraSourceThreshold, MBEDTLS_ENTROPY_SOURCE_STRONG);
    if (ret != 0) {
      return Status::Error(Code::kInternal, "random: adding entropy source: " + MbedError(ret));
    }
  }
  int ret = mbedtls_ctr_drbg_seed(&random->drbg_, mbedtls_entropy_func, &random->entropy_,
                                  reinterpret_cast<const unsigned char*>(personalization.data()),
                                  personalization.size());
  if (ret != 0) {
    return Status::Error(
        Code::kInternal,
        "random: seeding CTR_DRBG from the OS entropy source failed: " + MbedError(ret));
  }
  mbedtls_ctr_drbg_set_reseed_interval(&random->drbg_, kReseedInterval);
  *out = std::move(random);
  return Status::Ok();
}

Code Random::RandomBytes(std::span<uint8_t> out) {
  if (out.size() > kPooledRequest) return Draw(out);
  if (kPoolSize - pool_next_ < out.size() && Refill() != Code::kOk) return Code::kInternal;
  std::copy_n(pool_.data() + pool_next_, out.size(), out.data());
  mbedtls_platform_zeroize(pool_.data() + pool_next_, out.size());
  pool_next_ += out.size();
  return Code::kOk;
}

// Drops what is left of the pool (it is wiped, never issued) and fills it
// with one DRBG request; on failure the pool stays empty.
Code Random::Refill() {
  mbedtls_platform_zeroize(pool_.data(), pool_.size());
  pool_next_ = kPoolSize;
  if (Draw(pool_) != Code::kOk) return Code::kInternal;
  pool_next_ = 0;
  return Code::kOk;
}

Code Random::Draw(std::span<uint8_t> out) {
  while (!out.empty()) {
    size_t n = std::min<size_t>(out.size(), MBEDTLS_CTR_DRBG_MAX_REQUEST);
    if (mbedtls_ctr_drbg_random(&drbg_, out.data(), n) != 0) return Code::kInternal;
    out = out.subspan(n);
  }
  return Code::kOk;
}

Result<Token> Random::NewToken() {
  Token token;
  if (RandomBytes(token.bytes) != Code::kOk) return Failure{Code::kInternal, "DRBG failure", 0};
  return token;
}

Result<TokenText> Random::NewTokenText() {
  Result<Token> token = NewToken();
  if (!token.ok()) return token.failure();
  TokenText text = EncodeToken(*token);
  // The raw bytes are secret; do not leave them on the stack.
  mbedtls_platform_zeroize(token->bytes.data(), token->bytes.size());
  return text;
}

Code Random::RandomBase64Url(std::span<char> out) {
  uint8_t buffer[256];
  while (!out.empty()) {
    size_t n = std::min(out.size(), sizeof(buffer));
    if (RandomBytes(std::span<uint8_t>(buffer, n)) != Code::kOk) return Code::kInternal;
    // 256 is a multiple of 64, so the low 6 bits of a uniform byte are uniform.
    for (size_t i = 0; i < n; ++i) out[i] = Base64UrlDigit(buffer[i]);
    out = out.subspan(n);
  }
  mbedtls_platform_zeroize(buffer, sizeof(buffer));
  return Code::kOk;
}

}  // namespace amfgate
