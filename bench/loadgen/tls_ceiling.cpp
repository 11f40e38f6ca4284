#include "tls_ceiling.h"

#include <cstdio>

#include "../public_key_speed.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/ecp.h"
#include "mbedtls/entropy.h"
#include "mbedtls/pk.h"
#include "psa/crypto.h"

namespace amfgate::bench {
namespace {

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
  HandshakeSigner signer(key.get(), mbedtls_ctr_drbg_random, rng.drbg());
  Tls13Ecdhe p256_exchange(PSA_ECC_FAMILY_SECP_R1, 256);
  Tls13Ecdhe x25519_exchange(PSA_ECC_FAMILY_MONTGOMERY, 255);
  if (!p256_exchange.ok() || !x25519_exchange.ok()) {
    std::fprintf(stderr, "tls-ceiling: cannot make the client's key shares\n");
    return 1;
  }
  // The ceiling itself times a signature and an exchange back to back, as
  // one operation: timing them apart, a second apart, lets the VM's drift
  // between the two skew their sum (bench/compare.sh runs this next to the
  // server's own handshakes, on the same core, for the same reason).
  const double ceiling =
      OpsPerCpuSecond(seconds, [&] { return signer.Sign() && p256_exchange.Exchange(); });
  const double part_seconds = seconds / 4;
  const double sign = OpsPerCpuSecond(part_seconds, [&] { return signer.Sign(); });
  const double p256 = OpsPerCpuSecond(part_seconds, [&] { return p256_exchange.Exchange(); });
  const double x25519 = OpsPerCpuSecond(part_seconds, [&] { return x25519_exchange.Exchange(); });
  if (ceiling <= 0 || sign <= 0 || p256 <= 0 || x25519 <= 0) {
    std::fprintf(stderr, "tls-ceiling: an mbedTLS operation failed\n");
    return 1;
  }
  const double ceiling_x25519 = 1.0 / (1.0 / sign + 1.0 / x25519);
  std::printf("mbedTLS %s public-key speed, one core, %.1f CPU-s for the ceiling, %.1f per part:\n",
              MBEDTLS_VERSION_STRING, seconds, part_seconds);
  std::printf("  full handshake ceiling  %8.0f /CPU-s   (sign + P-256 ECDHE, timed together)\n",
              ceiling);
  std::printf("  ECDSA P-256 sign        %8.0f /CPU-s\n", sign);
  std::printf("  ECDHE P-256             %8.0f /CPU-s   (keygen + export + derive)\n", p256);
  std::printf("  ECDHE X25519            %8.0f /CPU-s\n", x25519);
  std::printf("  full handshake ceiling  %8.0f /CPU-s   (sign + X25519 ECDHE, from the parts)\n",
              ceiling_x25519);
  std::printf("BENCH tls_handshake_ceiling_per_cpu_s %.0f hs/cpu-s\n", ceiling);
  std::printf("BENCH mbedtls_p256_sign_per_cpu_s %.0f op/cpu-s\n", sign);
  std::printf("BENCH mbedtls_p256_ecdhe_per_cpu_s %.0f op/cpu-s\n", p256);
  std::printf("BENCH mbedtls_x25519_ecdhe_per_cpu_s %.0f op/cpu-s\n", x25519);
  std::printf("BENCH tls_handshake_ceiling_x25519_per_cpu_s %.0f hs/cpu-s\n", ceiling_x25519);
  return 0;
}

}  // namespace amfgate::bench
