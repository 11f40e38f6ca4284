#include "tls_ceiling.h"

#include <time.h>

#include <cstdio>
#include <functional>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/ecp.h"
#include "mbedtls/entropy.h"
#include "mbedtls/pk.h"
#include "psa/crypto.h"

namespace amfgate::bench {
namespace {

double CpuNow() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Runs `op` for about `seconds` of CPU; returns operations per CPU-second,
// or 0 if an operation failed.
double Rate(double seconds, const std::function<bool()>& op) {
  const double start = CpuNow();
  uint64_t n = 0;
  double now = start;
  while (now - start < seconds) {
    for (int i = 0; i < 16; ++i) {
      if (!op()) return 0;
      ++n;
    }
    now = CpuNow();
  }
  return static_cast<double>(n) / (now - start);
}

class Rng {
 public:
  Rng() {
    mbedtls_entropy_init(&entropy_);
    mbedtls_ctr_drbg_init(&drbg_);
  }
  ~Rng() {
    mbedtls_ctr_drbg_free(&drbg_);
    mbedtls_entropy_free(&entropy_);
  }
  Rng(const Rng&) = delete;
  Rng& operator=(const Rng&) = delete;
  bool Seed() {
    static const unsigned char kPers[] = "amfgate-bench ceiling";
    return mbedtls_ctr_drbg_seed(&drbg_, mbedtls_entropy_func, &entropy_, kPers,
                                 sizeof kPers - 1) == 0;
  }
  mbedtls_ctr_drbg_context* drbg() { return &drbg_; }

 private:
  mbedtls_entropy_context entropy_;
  mbedtls_ctr_drbg_context drbg_;
};

class PkKey {
 public:
  PkKey() { mbedtls_pk_init(&pk_); }
  ~PkKey() { mbedtls_pk_free(&pk_); }
  PkKey(const PkKey&) = delete;
  PkKey& operator=(const PkKey&) = delete;
  mbedtls_pk_context* get() { return &pk_; }

 private:
  mbedtls_pk_context pk_;
};

// One ECDHE as a TLS 1.3 server does it: a fresh key pair, its public half
// exported for the ServerHello, the shared secret with the client's share.
double EcdheRate(double seconds, psa_ecc_family_t family, size_t bits) {
  psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
  psa_set_key_type(&attr, PSA_KEY_TYPE_ECC_KEY_PAIR(family));
  psa_set_key_bits(&attr, bits);
  psa_set_key_usage_flags(&attr, PSA_KEY_USAGE_DERIVE);
  psa_set_key_algorithm(&attr, PSA_ALG_ECDH);
  mbedtls_svc_key_id_t peer;
  unsigned char peer_pub[PSA_EXPORT_PUBLIC_KEY_MAX_SIZE];
  size_t peer_len = 0;
  if (psa_generate_key(&attr, &peer) != PSA_SUCCESS ||
      psa_export_public_key(peer, peer_pub, sizeof peer_pub, &peer_len) != PSA_SUCCESS) {
    return 0;
  }
  double rate = Rate(seconds, [&] {
    mbedtls_svc_key_id_t key;
    unsigned char pub[PSA_EXPORT_PUBLIC_KEY_MAX_SIZE];
    unsigned char secret[PSA_RAW_KEY_AGREEMENT_OUTPUT_MAX_SIZE];
    size_t pub_len = 0, secret_len = 0;
    if (psa_generate_key(&attr, &key) != PSA_SUCCESS) return false;
    bool ok = psa_export_public_key(key, pub, sizeof pub, &pub_len) == PSA_SUCCESS &&
              psa_raw_key_agreement(PSA_ALG_ECDH, key, peer_pub, peer_len, secret, sizeof secret,
                                    &secret_len) == PSA_SUCCESS;
    psa_destroy_key(key);
    return ok;
  });
  psa_destroy_key(peer);
  return rate;
}

}  // namespace

int RunTlsCeiling(double seconds) {
  if (psa_crypto_init() != PSA_SUCCESS) {
    std::fprintf(stderr, "tls-ceiling: psa_crypto_init failed\n");
    return 1;
  }
  Rng rng;
  PkKey key;
  if (!rng.Seed() ||
      mbedtls_pk_setup(key.get(), mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) != 0 ||
      mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(*key.get()),
                          mbedtls_ctr_drbg_random, rng.drbg()) != 0) {
    std::fprintf(stderr, "tls-ceiling: cannot make a P-256 key\n");
    return 1;
  }
  unsigned char hash[32] = {1, 2, 3};
  const double sign = Rate(seconds, [&] {
    unsigned char sig[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
    size_t len = 0;
    return mbedtls_pk_sign(key.get(), MBEDTLS_MD_SHA256, hash, sizeof hash, sig, sizeof sig, &len,
                           mbedtls_ctr_drbg_random, rng.drbg()) == 0;
  });
  const double p256 = EcdheRate(seconds, PSA_ECC_FAMILY_SECP_R1, 256);
  const double x25519 = EcdheRate(seconds, PSA_ECC_FAMILY_MONTGOMERY, 255);
  if (sign <= 0 || p256 <= 0 || x25519 <= 0) {
    std::fprintf(stderr, "tls-ceiling: an mbedTLS operation failed\n");
    return 1;
  }
  const double ceiling = 1.0 / (1.0 / sign + 1.0 / p256);
  const double ceiling_x25519 = 1.0 / (1.0 / sign + 1.0 / x25519);
  std::printf("mbedTLS %s public-key speed, one core, %.1f CPU-s per operation:\n",
              MBEDTLS_VERSION_STRING, seconds);
  std::printf("  ECDSA P-256 sign        %8.0f /CPU-s\n", sign);
  std::printf("  ECDHE P-256             %8.0f /CPU-s   (keygen + export + derive)\n", p256);
  std::printf("  ECDHE X25519            %8.0f /CPU-s\n", x25519);
  std::printf("  full handshake ceiling  %8.0f /CPU-s   (sign + P-256 ECDHE)\n", ceiling);
  std::printf("  full handshake ceiling  %8.0f /CPU-s   (sign + X25519 ECDHE)\n", ceiling_x25519);
  std::printf("BENCH mbedtls_p256_sign_per_cpu_s %.0f op/cpu-s\n", sign);
  std::printf("BENCH mbedtls_p256_ecdhe_per_cpu_s %.0f op/cpu-s\n", p256);
  std::printf("BENCH mbedtls_x25519_ecdhe_per_cpu_s %.0f op/cpu-s\n", x25519);
  std::printf("BENCH tls_handshake_ceiling_per_cpu_s %.0f hs/cpu-s\n", ceiling);
  std::printf("BENCH tls_handshake_ceiling_x25519_per_cpu_s %.0f hs/cpu-s\n", ceiling_x25519);
  return 0;
}

}  // namespace amfgate::bench
