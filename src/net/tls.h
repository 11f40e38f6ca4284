// TLS by mbedTLS 3.6: the shared configuration and one connection's session.
//
// TlsRandom owns the entropy source and the CTR_DRBG every TLS object draws
// from. TicketKeys owns the session-ticket keys (AES-256-GCM, rotated every
// ticket lifetime by mbedTLS, the previous key still accepted for one more
// period), shared by every TlsContext so that a certificate reload does not
// invalidate the tickets clients hold. Both live as long as the server.
//
// A TlsContext is one immutable mbedtls_ssl_config with its certificate and
// key: TLS 1.3 and 1.2 (1.2 set as the minimum explicitly), for 1.2 only
// ECDHE with AES-GCM or ChaCha20-Poly1305, groups X25519, P-256, P-384,
// renegotiation off, tickets on for both versions. Connections hold a
// reference (Ref/Unref) because a reload replaces the server's current
// context while older connections still use theirs; the config must outlive
// every mbedtls_ssl_context set up from it.
//
// A TlsSession is one connection's mbedtls_ssl_context on memory "BIO"
// callbacks: ciphertext from the socket is put into CipherSpace()/
// CipherReceived(), mbedTLS pulls it from there, and every record mbedTLS
// writes is appended to the output string the transport gives (the
// transport sends it; the send callback never blocks). mbedTLS's WANT_READ
// becomes Code::kAgain here and nowhere else.
//
// Costs: a full handshake is one signature (ECDSA P-256: ~0.2 ms) and one
// key exchange (~0.6 ms); a resumed one (ticket) skips the signature and the
// certificate; records cost AES-GCM over their bytes plus one copy in.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_ticket.h>
#include <mbedtls/x509_crt.h>

#include "core/clock.h"
#include "core/status.h"
#include "net/input_buffer.h"

namespace amfgate {

// Formats an mbedTLS error code as "name (-0x7780)".
std::string MbedtlsError(int ret);

class TlsRandom {
 public:
  TlsRandom();
  ~TlsRandom();
  TlsRandom(const TlsRandom&) = delete;
  TlsRandom& operator=(const TlsRandom&) = delete;

  // Seeds from the OS entropy source; fails if it cannot.
  Status Seed(std::string_view personalization);
  mbedtls_ctr_drbg_context* drbg() { return &drbg_; }
  static int Random(void* self, unsigned char* out, size_t len);

 private:
  mbedtls_entropy_context entropy_;
  mbedtls_ctr_drbg_context drbg_;
};

class TicketKeys {
 public:
  TicketKeys();
  ~TicketKeys();
  TicketKeys(const TicketKeys&) = delete;
  TicketKeys& operator=(const TicketKeys&) = delete;

  Status Setup(TlsRandom* random, Duration lifetime);
  mbedtls_ssl_ticket_context* get() { return &ticket_; }

 private:
  mbedtls_ssl_ticket_context ticket_;
};

class TlsContext {
 public:
  TlsContext();
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // Loads PEM files, or generates a self-signed ECDSA P-256 certificate when
  // both paths are empty. Errors name the file.
  Status Init(const std::string& certificate_file, const std::string& key_file, TlsRandom* random,
              TicketKeys* tickets);

  const mbedtls_ssl_config* config() const { return &config_; }
  // "AB:CD:..." (SHA-256 of the leaf certificate's DER).
  const std::string& fingerprint() const { return fingerprint_; }
  bool self_signed() const { return self_signed_; }

  void Ref() { ++users_; }
  // Returns the remaining number of users.
  uint32_t Unref() { return --users_; }
  uint32_t users() const { return users_; }

 private:
  mbedtls_ssl_config config_;
  mbedtls_x509_crt chain_;
  mbedtls_pk_context key_;
  std::string fingerprint_;
  bool self_signed_ = false;
  uint32_t users_ = 0;
};

class TlsSession {
 public:
  // `context` must stay alive (and referenced) for the session's lifetime;
  // `pool` supplies the ciphertext input buffer.
  TlsSession(TlsContext* context, BufferPool* pool);
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  Status Init();

  // Where records go; must be set before any other call.
  void set_output(std::string* out) { out_ = out; }

  std::span<char> CipherSpace() { return cipher_in_.Space(); }
  void CipherReceived(size_t n) { cipher_in_.Commit(n); }
  size_t cipher_buffered() const { return cipher_in_.size(); }
  // The first ciphertext byte received (0x16 starts a TLS handshake), or -1
  // while none has arrived.
  int first_byte();

  // kOk when the handshake is complete, kAgain when it needs more bytes,
  // kMalformed when it failed (an alert may have been queued).
  Code Handshake();
  bool handshake_done() const { return handshake_done_; }
  bool resumed() const { return resumed_; }
  int last_error() const { return last_error_; }

  // Decrypts into `into`. Returns the byte count (> 0), or kAgain (no whole
  // record buffered), kClosed (close_notify), kMalformed (a fatal error).
  Result<size_t> Read(std::span<char> into);
  // True when decrypted bytes or ciphertext are waiting to be read.
  bool HasBufferedInput() const;
  // Encrypts all of `plain` into the output.
  Code Write(std::string_view plain);
  void CloseNotify();

  // The handshake of the session running on this thread (ticket callback).
  static void MarkResumed();

 private:
  static int Send(void* self, const unsigned char* buf, size_t len);
  static int Recv(void* self, unsigned char* buf, size_t len);

  TlsContext* context_;
  mbedtls_ssl_context ssl_;
  InputBuffer cipher_in_;
  std::string* out_ = nullptr;
  int first_byte_ = -1;
  bool handshake_done_ = false;
  bool resumed_ = false;
  int last_error_ = 0;
};

}  // namespace amfgate
