// The public-key work of a full TLS handshake, timed with the mbedTLS the
// server links: what both TLS ceilings (bench_tls_ceiling for `make bench`,
// `amfgate-bench tls-ceiling` for `make bench-compare`) are made of, so that
// the two measure the very same operations.
//
// A full handshake costs the server one ECDSA P-256 signature and one ECDHE.
// TLS 1.3's ECDHE, as mbedTLS 3.6's server makes it through PSA, is three
// calls: a fresh key pair, the export of its public half for the ServerHello
// (PSA keeps only the private scalar, so the export is a scalar
// multiplication of its own: leaving it out makes X25519 look twice as cheap
// as it is), and the shared secret with the client's share.
#pragma once

#include <mbedtls/pk.h>
#include <psa/crypto.h>
#include <time.h>

#include <cstdint>

namespace amfgate::bench {

inline double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Runs `op` for about `seconds` of this thread's CPU; operations per
// CPU-second, or 0 as soon as one fails (returns false).
template <typename Op>
double OpsPerCpuSecond(double seconds, Op&& op) {
  const double start = ThreadCpuSeconds();
  double now = start;
  uint64_t n = 0;
  while (now - start < seconds) {
    for (int i = 0; i < 8; ++i, ++n) {
      if (!op()) return 0;
    }
    now = ThreadCpuSeconds();
  }
  return static_cast<double>(n) / (now - start);
}

// The signature a handshake makes (TLS 1.3 CertificateVerify, TLS 1.2
// ServerKeyExchange) with `key`, over a hash that differs per call as a
// transcript hash does.
class HandshakeSigner {
 public:
  HandshakeSigner(mbedtls_pk_context* key, int (*f_rng)(void*, unsigned char*, size_t), void* p_rng)
      : key_(key), f_rng_(f_rng), p_rng_(p_rng) {}

  bool Sign() {
    ++hash_[0];
    unsigned char sig[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
    size_t len = 0;
    return mbedtls_pk_sign(key_, MBEDTLS_MD_SHA256, hash_, sizeof(hash_), sig, sizeof(sig), &len,
                           f_rng_, p_rng_) == 0 &&
           len > 0;
  }

 private:
  mbedtls_pk_context* key_;
  int (*f_rng_)(void*, unsigned char*, size_t);
  void* p_rng_;
  unsigned char hash_[32] = {1, 2, 3};
};

// TLS 1.3's ECDHE on one group, against a client share made once. PSA must
// be initialized; ok() says whether the client share could be made.
class Tls13Ecdhe {
 public:
  Tls13Ecdhe(psa_ecc_family_t family, size_t bits) {
    psa_set_key_type(&attributes_, PSA_KEY_TYPE_ECC_KEY_PAIR(family));
    psa_set_key_bits(&attributes_, bits);
    psa_set_key_usage_flags(&attributes_, PSA_KEY_USAGE_DERIVE);
    psa_set_key_algorithm(&attributes_, PSA_ALG_ECDH);
    mbedtls_svc_key_id_t peer;
    if (psa_generate_key(&attributes_, &peer) != PSA_SUCCESS) return;
    ok_ = psa_export_public_key(peer, peer_public_, sizeof(peer_public_), &peer_length_) ==
          PSA_SUCCESS;
    psa_destroy_key(peer);
  }
  Tls13Ecdhe(const Tls13Ecdhe&) = delete;
  Tls13Ecdhe& operator=(const Tls13Ecdhe&) = delete;

  bool ok() const { return ok_; }

  bool Exchange() {
    mbedtls_svc_key_id_t key;
    if (psa_generate_key(&attributes_, &key) != PSA_SUCCESS) return false;
    unsigned char public_key[PSA_EXPORT_PUBLIC_KEY_MAX_SIZE];
    unsigned char secret[PSA_RAW_KEY_AGREEMENT_OUTPUT_MAX_SIZE];
    size_t public_length = 0, secret_length = 0;
    bool ok =
        psa_export_public_key(key, public_key, sizeof(public_key), &public_length) == PSA_SUCCESS &&
        psa_raw_key_agreement(PSA_ALG_ECDH, key, peer_public_, peer_length_, secret, sizeof(secret),
                              &secret_length) == PSA_SUCCESS &&
        public_length == peer_length_ && secret_length > 0;
    psa_destroy_key(key);
    return ok;
  }

 private:
  psa_key_attributes_t attributes_ = PSA_KEY_ATTRIBUTES_INIT;
  unsigned char peer_public_[PSA_EXPORT_PUBLIC_KEY_MAX_SIZE];
  size_t peer_length_ = 0;
  bool ok_ = false;
};

}  // namespace amfgate::bench
