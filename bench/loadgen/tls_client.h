// TLS for the load generator: an mbedTLS 3.6 client over memory buffers.
//
// TlsClientConfig owns what every connection shares (entropy, CTR_DRBG, the
// ssl_config) and must outlive every TlsStream made from it. A TlsStream is
// one connection's TLS state: the socket code feeds it ciphertext as it
// arrives and sends what it queues, so mbedTLS never touches a socket and the
// libuv loop never blocks. The bench does not authenticate the server (it
// talks to its own loopback servers with self-signed certificates) but still
// watches the certificate go by: a handshake that carried a Certificate
// message was a full one, a handshake without one was resumed, which is how
// the handshake scenario proves that resumption really happened.
//
// Costs are mbedTLS's: a full handshake on the client side does an ECDHE and
// an ECDSA verification; resumed ones skip the verification.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/ssl.h"

namespace amfgate::bench {

struct TlsOptions {
  uint16_t min_version = 0x0303;                                          // TLS 1.2
  uint16_t max_version = 0x0304;                                          // TLS 1.3
  std::vector<uint16_t> groups = {MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1};  // key exchange
  int tls13_kex_modes = MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_ALL;
  bool keep_tickets = false;  // ask mbedTLS to hand TLS 1.3 tickets to us
};

class TlsClientConfig {
 public:
  TlsClientConfig();
  ~TlsClientConfig();
  TlsClientConfig(const TlsClientConfig&) = delete;
  TlsClientConfig& operator=(const TlsClientConfig&) = delete;

  Status Init(const TlsOptions& options);
  const mbedtls_ssl_config* get() const { return &conf_; }

 private:
  mbedtls_entropy_context entropy_;
  mbedtls_ctr_drbg_context drbg_;
  mbedtls_ssl_config conf_;
  std::vector<uint16_t> groups_;  // referenced by conf_, so it lives here
};

// A saved session (ticket) to resume from; empty until a handshake fills it.
class SavedSession {
 public:
  SavedSession() { mbedtls_ssl_session_init(&session_); }
  ~SavedSession() { mbedtls_ssl_session_free(&session_); }
  SavedSession(const SavedSession&) = delete;
  SavedSession& operator=(const SavedSession&) = delete;

  bool valid() const { return valid_; }
  // Replaces the saved session with the one `ssl` holds now.
  bool Capture(const mbedtls_ssl_context* ssl);
  const mbedtls_ssl_session* get() const { return &session_; }

 private:
  mbedtls_ssl_session session_;
  bool valid_ = false;
};

class TlsStream {
 public:
  TlsStream();
  ~TlsStream();
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  // Starts a client session; resumes from `resume` when it is valid. Tickets
  // the server sends later are captured into `ticket_sink` (may be null).
  Status Setup(const TlsClientConfig& config, const SavedSession* resume,
               SavedSession* ticket_sink);

  // Ciphertext from the socket.
  void Feed(const char* data, size_t size);
  // kOk once the handshake is done; kAgain when it needs more input (send
  // pending_output() first); kIoError on failure (error() says why).
  Code Handshake();
  // Encrypts all of `plain` into pending_output().
  Code Write(std::string_view plain);
  // Decrypts everything available and appends it to *plain. kOk when it ran
  // out of input, kClosed after the peer's close_notify, kIoError on failure.
  Code Read(std::string* plain);
  // Queues a close_notify alert.
  void Close();

  std::string* pending_output() { return &out_; }
  bool saw_certificate() const { return certificates_ > 0; }
  const std::string& error() const { return error_; }

 private:
  static int SendCb(void* self, const unsigned char* buf, size_t len);
  static int RecvCb(void* self, unsigned char* buf, size_t len);
  static int VerifyCb(void* self, mbedtls_x509_crt* crt, int depth, uint32_t* flags);
  Code Error(const char* what, int ret);

  mbedtls_ssl_context ssl_;
  SavedSession* ticket_sink_ = nullptr;
  std::string in_;
  size_t in_pos_ = 0;
  std::string out_;
  int certificates_ = 0;
  std::string error_;
};

}  // namespace amfgate::bench
