#include "net/tls.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include <mbedtls/error.h>
#include <psa/crypto.h>

#include "net/certificate.h"

namespace amfgate {
namespace {

// Server preference order. TLS 1.3 suites first; for TLS 1.2 only ECDHE
// with an AEAD (no CBC, no static RSA, no finite-field DHE).
const int kCiphersuites[] = {
    MBEDTLS_TLS1_3_AES_128_GCM_SHA256,
    MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS1_3_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    0,
};

// Only HTTP/1.1 is spoken; saying so lets a client that offers h2 first
// settle on http/1.1 rather than guess.
const char* kAlpn[] = {"http/1.1", nullptr};

const uint16_t kGroups[] = {
    MBEDTLS_SSL_IANA_TLS_GROUP_X25519,
    MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1,
    MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1,
    MBEDTLS_SSL_IANA_TLS_GROUP_NONE,
};

const uint16_t kSigAlgs[] = {
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP256R1_SHA256,
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP384R1_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA256,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA256,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA384,
    MBEDTLS_TLS1_3_SIG_NONE,
};

// The session whose handshake step is running on this thread. mbedTLS's
// ticket callback has no per-connection argument, and the handshake is a
// synchronous call, so this is how a successful ticket parse is attributed.
thread_local TlsSession* g_handshaking = nullptr;

int ParseTicket(void* ticket, mbedtls_ssl_session* session, unsigned char* buf, size_t len) {
  int ret = mbedtls_ssl_ticket_parse(ticket, session, buf, len);
  if (ret == 0) TlsSession::MarkResumed();
  return ret;
}

}  // namespace

std::string MbedtlsError(int ret) {
  char text[128];
  mbedtls_strerror(ret, text, sizeof(text));
  char code[24];
  std::snprintf(code, sizeof(code), " (-0x%04x)", static_cast<unsigned>(-ret));
  return std::string(text) + code;
}

TlsRandom::TlsRandom() {
  mbedtls_entropy_init(&entropy_);
  mbedtls_ctr_drbg_init(&drbg_);
}

TlsRandom::~TlsRandom() {
  mbedtls_ctr_drbg_free(&drbg_);
  mbedtls_entropy_free(&entropy_);
}

Status TlsRandom::Seed(std::string_view personalization) {
  int ret = mbedtls_ctr_drbg_seed(&drbg_, mbedtls_entropy_func, &entropy_,
                                  reinterpret_cast<const unsigned char*>(personalization.data()),
                                  personalization.size());
  if (ret != 0) return Status::Error(Code::kInternal, "seeding the TLS random generator: " + MbedtlsError(ret));
  return Status::Ok();
}

int TlsRandom::Random(void* self, unsigned char* out, size_t len) {
  return mbedtls_ctr_drbg_random(static_cast<TlsRandom*>(self)->drbg(), out, len);
}

TicketKeys::TicketKeys() { mbedtls_ssl_ticket_init(&ticket_); }
TicketKeys::~TicketKeys() { mbedtls_ssl_ticket_free(&ticket_); }

Status TicketKeys::Setup(TlsRandom* random, Duration lifetime) {
  uint32_t seconds = static_cast<uint32_t>(std::max<Duration>(lifetime / kSecond, 1));
  int ret = mbedtls_ssl_ticket_setup(&ticket_, TlsRandom::Random, random, MBEDTLS_CIPHER_AES_256_GCM, seconds);
  if (ret != 0) return Status::Error(Code::kInternal, "session ticket keys: " + MbedtlsError(ret));
  return Status::Ok();
}

TlsContext::TlsContext() {
  mbedtls_ssl_config_init(&config_);
  mbedtls_x509_crt_init(&chain_);
  mbedtls_pk_init(&key_);
}

TlsContext::~TlsContext() {
  mbedtls_ssl_config_free(&config_);
  mbedtls_x509_crt_free(&chain_);
  mbedtls_pk_free(&key_);
}

Status TlsContext::Init(const std::string& certificate_file, const std::string& key_file, TlsRandom* random,
                        TicketKeys* tickets) {
  // TLS 1.3 in mbedTLS 3.6 runs its key schedule through PSA.
  psa_status_t psa = psa_crypto_init();
  if (psa != PSA_SUCCESS) {
    return Status::Error(Code::kInternal, "psa_crypto_init failed: " + std::to_string(static_cast<int>(psa)));
  }
  int ret;
  if (certificate_file.empty() && key_file.empty()) {
    Status s = GenerateSelfSigned(TlsRandom::Random, random, &chain_, &key_);
    if (!s.ok()) return s;
    self_signed_ = true;
  } else {
    if (certificate_file.empty() || key_file.empty()) {
      return Status::Error(Code::kInvalidArgument, "certificate and certificate_key go together");
    }
    if ((ret = mbedtls_x509_crt_parse_file(&chain_, certificate_file.c_str())) != 0) {
      return Status::Error(Code::kInvalidArgument, certificate_file + ": " + MbedtlsError(ret));
    }
    ret = mbedtls_pk_parse_keyfile(&key_, key_file.c_str(), nullptr, TlsRandom::Random, random);
    if (ret != 0) return Status::Error(Code::kInvalidArgument, key_file + ": " + MbedtlsError(ret));
    if (!mbedtls_pk_can_do(&key_, MBEDTLS_PK_ECDSA) && !mbedtls_pk_can_do(&key_, MBEDTLS_PK_RSA)) {
      return Status::Error(Code::kInvalidArgument, key_file + ": neither an ECDSA nor an RSA key");
    }
    ret = mbedtls_pk_check_pair(&chain_.pk, &key_, TlsRandom::Random, random);
    if (ret != 0) {
      return Status::Error(Code::kInvalidArgument,
                           key_file + ": does not match " + certificate_file + ": " + MbedtlsError(ret));
    }
  }
  fingerprint_ = CertificateFingerprint(&chain_);

  ret = mbedtls_ssl_config_defaults(&config_, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT);
  if (ret != 0) return Status::Error(Code::kInternal, "TLS configuration: " + MbedtlsError(ret));
  mbedtls_ssl_conf_rng(&config_, TlsRandom::Random, random);
  mbedtls_ssl_conf_min_tls_version(&config_, MBEDTLS_SSL_VERSION_TLS1_2);
  mbedtls_ssl_conf_max_tls_version(&config_, MBEDTLS_SSL_VERSION_TLS1_3);
  mbedtls_ssl_conf_ciphersuites(&config_, kCiphersuites);
  mbedtls_ssl_conf_preference_order(&config_, MBEDTLS_SSL_SRV_CIPHERSUITE_ORDER_SERVER);
  mbedtls_ssl_conf_groups(&config_, kGroups);
  mbedtls_ssl_conf_sig_algs(&config_, kSigAlgs);
  mbedtls_ssl_conf_renegotiation(&config_, MBEDTLS_SSL_RENEGOTIATION_DISABLED);
  mbedtls_ssl_conf_authmode(&config_, MBEDTLS_SSL_VERIFY_NONE);
  mbedtls_ssl_conf_tls13_key_exchange_modes(&config_, MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_ALL);
  mbedtls_ssl_conf_session_tickets_cb(&config_, mbedtls_ssl_ticket_write, ParseTicket, tickets->get());
  mbedtls_ssl_conf_new_session_tickets(&config_, 1);
  if ((ret = mbedtls_ssl_conf_alpn_protocols(&config_, kAlpn)) != 0) {
    return Status::Error(Code::kInternal, "TLS ALPN: " + MbedtlsError(ret));
  }
  if ((ret = mbedtls_ssl_conf_own_cert(&config_, &chain_, &key_)) != 0) {
    return Status::Error(Code::kInternal, "TLS certificate: " + MbedtlsError(ret));
  }
  return Status::Ok();
}

TlsSession::TlsSession(TlsContext* context, BufferPool* pool) : context_(context), cipher_in_(pool) {
  mbedtls_ssl_init(&ssl_);
}

TlsSession::~TlsSession() { mbedtls_ssl_free(&ssl_); }

Status TlsSession::Init() {
  int ret = mbedtls_ssl_setup(&ssl_, context_->config());
  if (ret != 0) return Status::Error(Code::kInternal, "TLS session: " + MbedtlsError(ret));
  mbedtls_ssl_set_bio(&ssl_, this, Send, Recv, nullptr);
  return Status::Ok();
}

int TlsSession::first_byte() {
  if (first_byte_ < 0 && !cipher_in_.empty()) first_byte_ = static_cast<unsigned char>(cipher_in_.Live()[0]);
  return first_byte_;
}

int TlsSession::Send(void* self, const unsigned char* buf, size_t len) {
  static_cast<TlsSession*>(self)->out_->append(reinterpret_cast<const char*>(buf), len);
  return static_cast<int>(len);
}

int TlsSession::Recv(void* self, unsigned char* buf, size_t len) {
  TlsSession* s = static_cast<TlsSession*>(self);
  size_t n = std::min(len, s->cipher_in_.size());
  if (n == 0) return MBEDTLS_ERR_SSL_WANT_READ;
  std::memcpy(buf, s->cipher_in_.Live().data(), n);
  s->cipher_in_.Consume(n);
  s->cipher_in_.ReleaseIfEmpty();
  return static_cast<int>(n);
}

void TlsSession::MarkResumed() {
  if (g_handshaking != nullptr) g_handshaking->resumed_ = true;
}

Code TlsSession::Handshake() {
  if (handshake_done_) return Code::kOk;
  first_byte();
  g_handshaking = this;
  int ret = mbedtls_ssl_handshake(&ssl_);
  g_handshaking = nullptr;
  if (ret == 0) {
    handshake_done_ = true;
    return Code::kOk;
  }
  if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) return Code::kAgain;
  last_error_ = ret;
  return Code::kMalformed;
}

Result<size_t> TlsSession::Read(std::span<char> into) {
  int ret = mbedtls_ssl_read(&ssl_, reinterpret_cast<unsigned char*>(into.data()), into.size());
  if (ret > 0) return static_cast<size_t>(ret);
  if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
    return Failure{Code::kAgain, "need more ciphertext", 0};
  }
  if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == 0) return Failure{Code::kClosed, "close_notify", 0};
  last_error_ = ret;
  return Failure{Code::kMalformed, "TLS record error", 0};
}

bool TlsSession::HasBufferedInput() const {
  return !cipher_in_.empty() || mbedtls_ssl_get_bytes_avail(&ssl_) > 0 || mbedtls_ssl_check_pending(&ssl_);
}

Code TlsSession::Write(std::string_view plain) {
  while (!plain.empty()) {
    int ret = mbedtls_ssl_write(&ssl_, reinterpret_cast<const unsigned char*>(plain.data()), plain.size());
    if (ret <= 0) {
      last_error_ = ret;
      return Code::kMalformed;
    }
    plain.remove_prefix(static_cast<size_t>(ret));
  }
  return Code::kOk;
}

void TlsSession::CloseNotify() { mbedtls_ssl_close_notify(&ssl_); }

}  // namespace amfgate
