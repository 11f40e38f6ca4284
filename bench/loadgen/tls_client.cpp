#include "tls_client.h"

#include <cstring>

#include "mbedtls/error.h"
#include "psa/crypto.h"

namespace amfgate::bench {
namespace {

constexpr char kPersonalization[] = "amfgate-bench tls client";
constexpr char kServerName[] = "localhost";

std::string MbedError(int ret) {
  char buf[128];
  mbedtls_strerror(ret, buf, sizeof buf);
  return buf;
}

}  // namespace

TlsClientConfig::TlsClientConfig() {
  mbedtls_entropy_init(&entropy_);
  mbedtls_ctr_drbg_init(&drbg_);
  mbedtls_ssl_config_init(&conf_);
}

TlsClientConfig::~TlsClientConfig() {
  mbedtls_ssl_config_free(&conf_);
  mbedtls_ctr_drbg_free(&drbg_);
  mbedtls_entropy_free(&entropy_);
}

Status TlsClientConfig::Init(const TlsOptions& options) {
  // TLS 1.3 in mbedTLS 3.6 does its key exchange through PSA.
  if (psa_crypto_init() != PSA_SUCCESS)
    return Status::Error(Code::kInternal, "psa_crypto_init failed");
  int ret = mbedtls_ctr_drbg_seed(&drbg_, mbedtls_entropy_func, &entropy_,
                                  reinterpret_cast<const unsigned char*>(kPersonalization),
                                  sizeof kPersonalization - 1);
  if (ret != 0) return Status::Error(Code::kInternal, "ctr_drbg_seed: " + MbedError(ret));
  ret = mbedtls_ssl_config_defaults(&conf_, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT);
  if (ret != 0) return Status::Error(Code::kInternal, "ssl_config_defaults: " + MbedError(ret));
  // OPTIONAL, not NONE: the verify callback must run so that each stream can
  // tell a full handshake (a certificate arrived) from a resumed one. The
  // callback accepts the loopback servers' self-signed certificates.
  mbedtls_ssl_conf_authmode(&conf_, MBEDTLS_SSL_VERIFY_OPTIONAL);
  mbedtls_ssl_conf_rng(&conf_, mbedtls_ctr_drbg_random, &drbg_);
  mbedtls_ssl_conf_min_tls_version(&conf_,
                                   static_cast<mbedtls_ssl_protocol_version>(options.min_version));
  mbedtls_ssl_conf_max_tls_version(&conf_,
                                   static_cast<mbedtls_ssl_protocol_version>(options.max_version));
  groups_ = options.groups;
  groups_.push_back(MBEDTLS_SSL_IANA_TLS_GROUP_NONE);
  mbedtls_ssl_conf_groups(&conf_, groups_.data());
  mbedtls_ssl_conf_session_tickets(&conf_, MBEDTLS_SSL_SESSION_TICKETS_ENABLED);
  mbedtls_ssl_conf_tls13_key_exchange_modes(&conf_, options.tls13_kex_modes);
  mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(
      &conf_, options.keep_tickets ? MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED
                                   : MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_DISABLED);
  return Status::Ok();
}

bool SavedSession::Capture(const mbedtls_ssl_context* ssl) {
  mbedtls_ssl_session_free(&session_);
  mbedtls_ssl_session_init(&session_);
  valid_ = mbedtls_ssl_get_session(ssl, &session_) == 0;
  return valid_;
}

TlsStream::TlsStream() { mbedtls_ssl_init(&ssl_); }
TlsStream::~TlsStream() { mbedtls_ssl_free(&ssl_); }

Status TlsStream::Setup(const TlsClientConfig& config, const SavedSession* resume,
                        SavedSession* ticket_sink) {
  int ret = mbedtls_ssl_setup(&ssl_, config.get());
  if (ret != 0) return Status::Error(Code::kInternal, "ssl_setup: " + MbedError(ret));
  ret = mbedtls_ssl_set_hostname(&ssl_, kServerName);
  if (ret != 0) return Status::Error(Code::kInternal, "ssl_set_hostname: " + MbedError(ret));
  mbedtls_ssl_set_bio(&ssl_, this, SendCb, RecvCb, nullptr);
  mbedtls_ssl_set_verify(&ssl_, VerifyCb, this);
  if (resume != nullptr && resume->valid()) {
    ret = mbedtls_ssl_set_session(&ssl_, resume->get());
    if (ret != 0) return Status::Error(Code::kInternal, "ssl_set_session: " + MbedError(ret));
  }
  ticket_sink_ = ticket_sink;
  return Status::Ok();
}

int TlsStream::SendCb(void* self, const unsigned char* buf, size_t len) {
  static_cast<TlsStream*>(self)->out_.append(reinterpret_cast<const char*>(buf), len);
  return static_cast<int>(len);
}

int TlsStream::RecvCb(void* self, unsigned char* buf, size_t len) {
  auto* s = static_cast<TlsStream*>(self);
  const size_t avail = s->in_.size() - s->in_pos_;
  if (avail == 0) return MBEDTLS_ERR_SSL_WANT_READ;
  const size_t n = avail < len ? avail : len;
  std::memcpy(buf, s->in_.data() + s->in_pos_, n);
  s->in_pos_ += n;
  if (s->in_pos_ == s->in_.size()) {
    s->in_.clear();
    s->in_pos_ = 0;
  }
  return static_cast<int>(n);
}

int TlsStream::VerifyCb(void* self, mbedtls_x509_crt*, int depth, uint32_t* flags) {
  if (depth == 0) ++static_cast<TlsStream*>(self)->certificates_;
  *flags = 0;
  return 0;
}

void TlsStream::Feed(const char* data, size_t size) { in_.append(data, size); }

Code TlsStream::Error(const char* what, int ret) {
  error_ = std::string(what) + ": " + MbedError(ret);
  return Code::kIoError;
}

Code TlsStream::Handshake() {
  for (;;) {
    int ret = mbedtls_ssl_handshake(&ssl_);
    if (ret == 0) {
      // TLS 1.2 delivers its ticket inside the handshake.
      if (ticket_sink_ != nullptr &&
          mbedtls_ssl_get_version_number(&ssl_) == MBEDTLS_SSL_VERSION_TLS1_2) {
        ticket_sink_->Capture(&ssl_);
      }
      return Code::kOk;
    }
    if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) return Code::kAgain;
    if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
      if (ticket_sink_ != nullptr) ticket_sink_->Capture(&ssl_);
      continue;
    }
    return Error("handshake", ret);
  }
}

Code TlsStream::Write(std::string_view plain) {
  while (!plain.empty()) {
    int ret = mbedtls_ssl_write(&ssl_, reinterpret_cast<const unsigned char*>(plain.data()),
                                plain.size());
    if (ret > 0) {
      plain.remove_prefix(static_cast<size_t>(ret));
      continue;
    }
    if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
      if (ticket_sink_ != nullptr) ticket_sink_->Capture(&ssl_);
      continue;
    }
    return Error("write", ret);
  }
  return Code::kOk;
}

Code TlsStream::Read(std::string* plain) {
  unsigned char buf[16384];
  int idle_turns = 0;
  for (;;) {
    int ret = mbedtls_ssl_read(&ssl_, buf, sizeof buf);
    if (ret > 0) {
      plain->append(reinterpret_cast<const char*>(buf), static_cast<size_t>(ret));
      idle_turns = 0;
      continue;
    }
    if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
      // mbedTLS also says WANT_READ when it has just switched state for a
      // TLS 1.3 NewSessionTicket, with records still waiting: call it again
      // while input remains, a few times at most.
      const bool input_left = in_pos_ < in_.size() || mbedtls_ssl_check_pending(&ssl_) != 0;
      if (input_left && ++idle_turns < 4) continue;
      return Code::kOk;
    }
    if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
      if (ticket_sink_ != nullptr) ticket_sink_->Capture(&ssl_);
      continue;
    }
    if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == 0) return Code::kClosed;
    return Error("read", ret);
  }
}

void TlsStream::Close() { mbedtls_ssl_close_notify(&ssl_); }

}  // namespace amfgate::bench
