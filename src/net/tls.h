// TLS by mbedTLS 3.6: the shared configuration and one connection's session.
//
// TlsRandom owns the entropy source and the CTR_DRBG every TLS object draws
// from. TicketKeys owns the session-ticket keys (AES-256-GCM, rotated every
// ticket lifetime by mbedTLS, the previous key still accepted for one more
// period), shared by every TlsContext so that a certificate reload does not
// invalidate the tickets clients hold. Both live as long as the server.
//
// A TlsContext is the immutable mbedTLS configuration with its certificate
// and key: TLS 1.3 and 1.2 (1.2 set as the minimum explicitly), for 1.2 only
// ECDHE with AES-GCM or ChaCha20-Poly1305, groups P-256, X25519, P-384,
// renegotiation off, tickets on for both versions (one TLS 1.3 ticket per
// handshake). Connections hold a reference (Ref/Unref) because a reload
// replaces the server's current context while older connections still use
// theirs; the configuration must outlive every mbedtls_ssl_context set up
// from it.
//
// Server preference. mbedTLS 3.6 follows the server's order for TLS 1.2 but
// the client's for TLS 1.3 (cipher suite and key share alike). The context
// therefore holds a few variants of its configuration, each offering one
// TLS 1.3 suite (and one with only P-256 key shares), and a session picks
// one after reading the client's first record (PeekClientHello): the suite
// the server prefers among those the client offers, and P-256 whenever the
// client sent a P-256 share. Why these: with the vendored (Debian) build of
// mbedTLS, ChaCha20-Poly1305 seals a 2 KiB record with ~12% less CPU than
// AES-128-GCM and ~17% less than AES-256-GCM (mbedTLS's GCM runs block by
// block, its GHASH with byte-order loops around PCLMUL); below ~250 bytes
// AES-GCM is cheaper, but a response with its head is rarely that small. A
// P-256 key exchange costs ~20% less than X25519 (a fixed-base comb for the
// ephemeral public key against a second Montgomery ladder). bench_tls_ceiling
// measures both. A client that sent only an X25519 share keeps X25519:
// asking it for another share would cost it a round trip.
//
// A TlsSession is one connection's mbedtls_ssl_context on memory "BIO"
// callbacks: ciphertext from the socket is put into CipherSpace()/
// CipherReceived(), mbedTLS pulls it from there, and every record mbedTLS
// writes is appended to the output string the transport gives (the
// transport sends it; the send callback never blocks). mbedTLS's WANT_READ
// becomes Code::kAgain here and nowhere else. The mbedTLS context (and its
// two ~17 KiB record buffers) is set up when the first record has arrived,
// so a connection that never speaks holds none of it.
//
// Resumption. A TLS 1.3 ticket resumes in the mode the client asks for.
// psk_dhe_ke (what browsers and OpenSSL offer) still costs one ECDHE, about
// two thirds of a full handshake with mbedTLS's P-256. psk_ke costs no
// public-key work at all, but mbedTLS 3.6's server ranks the modes
// psk_dhe_ke, then a full (certificate) handshake, then psk_ke: a client
// that offers only psk_ke, and a key share so that it can fall back to a
// full handshake, always gets the full one. So a ClientHello whose only
// resumption mode is psk_ke gets a configuration with the PSK mode alone,
// and the ClientHello is kept: if mbedTLS cannot resume from it (unknown or
// expired ticket, ticket age out of tolerance, a ticket issued for other
// modes) while nothing but an alert has been written, the alert is dropped
// and the same ClientHello is handed to a fresh context with the full
// configuration, so the client gets the full handshake it would have got.
// Any ClientHello with a ticket is kept the same way, for another limit of
// mbedTLS 3.6: a ticket whose suite's hash matches none of the suites on
// offer fails the handshake (decrypt_error) instead of being ignored. A
// ClientHello with a ticket therefore gets every suite (only decrypting the
// ticket tells which one it needs), and if it fails all the same, the retry
// gets a configuration with no resumption at all.
//
// Why psk_ke is allowed, and with no directive to refuse it: a psk_ke
// resumption is not forward secret against the ticket keys: whoever obtains
// the key that sealed a ticket (it stays in the server's memory for two
// rotation periods) and has recorded a connection resumed from that ticket
// can decrypt that connection; a psk_dhe_ke one would also need its ECDHE
// secret. TLS 1.2 ticket resumption, which SPEC section 4 requires and every
// TLS 1.2 client uses, is weaker still: its ticket carries the master
// secret of the original session too, where a TLS 1.3 ticket carries only a
// resumption key derived one-way from it. Refusing psk_ke while TLS 1.2
// tickets are accepted would therefore not raise the floor, and the mode is
// only used for a client that asks for nothing else. The exposure is bounded
// the same way for both: ticket keys live only in memory and rotate every
// ticket_lifetime (default 1 hour, at most a day), and a ticket is honoured
// for one lifetime after it was issued.
//
// Costs: a full handshake is one signature (ECDSA P-256: ~0.5 ms here) and
// one key exchange (P-256 ~1.2 ms, X25519 ~1.5 ms: key generation, public
// key, shared secret), about 95% of the server's instructions for it; a
// resumed one skips the signature and the certificate, psk_ke and TLS 1.2
// resumptions also the key exchange (then HKDF, the ticket's AEAD and the
// record layer are all that is left). A psk_ke ClientHello that cannot
// resume costs one copy of it and a second parse on top of the full
// handshake.
// Records cost their AEAD over their bytes (~4-5 ns per byte here, about
// 1 us fixed) plus one copy in and one out.
#pragma once

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_ticket.h>
#include <mbedtls/x509_crt.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"
#include "net/input_buffer.h"

namespace amfgate {

// Formats an mbedTLS error code as "name (-0x7780)".
std::string MbedtlsError(int ret);

// What the server's choice of configuration needs from a ClientHello.
struct ClientHelloOffer {
  bool tls13 = false;        // supported_versions lists TLS 1.3
  uint8_t tls13_suites = 0;  // bit i: the i-th TLS 1.3 suite of the server's preference is offered
  bool p256_share = false;   // a key_share entry for secp256r1
  bool pre_shared_key = false;  // a TLS 1.3 pre_shared_key (a ticket to resume from)
  bool psk_ke_only = false;     // a pre_shared_key, with psk_ke as the only resumption mode
};

// Reads the ClientHello in the first record of `bytes` (the connection's
// first ciphertext bytes) without consuming anything. kOk: `offer` is
// filled; kAgain: the record is not complete yet (*record_size, when not
// null, is its whole size once the header is in, else 0); kMalformed: the
// bytes are not a ClientHello that fits one record, and mbedTLS is left to
// judge them. Reads only within `bytes`; mbedTLS validates everything again.
Code PeekClientHello(std::string_view bytes, ClientHelloOffer* offer,
                     size_t* record_size = nullptr);

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

  // The configuration for a client whose first record says `offer`, or,
  // with nullptr, the one that offers everything (and lets mbedTLS choose).
  const mbedtls_ssl_config* config(const ClientHelloOffer* offer = nullptr) const;
  // Every suite and group, and no resumption: for a ClientHello whose
  // ticket made mbedTLS fail.
  const mbedtls_ssl_config* no_resumption_config() const { return &configs_[kNoResumption]; }
  // "AB:CD:..." (SHA-256 of the leaf certificate's DER).
  const std::string& fingerprint() const { return fingerprint_; }
  bool self_signed() const { return self_signed_; }

  void Ref() { ++users_; }
  // Returns the remaining number of users.
  uint32_t Unref() { return --users_; }
  uint32_t users() const { return users_; }

 private:
  // [0] offers every suite and group; [1 + 2 * i] only the i-th TLS 1.3 suite
  // of the server's preference, [2 + 2 * i] the same with only P-256 key
  // shares; [kPskOnly] resumes in psk_ke mode and does nothing else;
  // [kNoResumption] makes only full handshakes.
  static constexpr size_t kConfigs = 9;
  static constexpr size_t kPskOnly = kConfigs - 2;
  static constexpr size_t kNoResumption = kConfigs - 1;

  Status Configure(mbedtls_ssl_config* config, const int* suites, const uint16_t* groups,
                   int tls13_modes, TlsRandom* random, TicketKeys* tickets);

  mbedtls_ssl_config configs_[kConfigs];
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

  // Where records go; must be set before any other call.
  void set_output(std::string* out) { out_ = out; }

  std::span<char> CipherSpace() { return cipher_in_.Space(); }
  void CipherReceived(size_t n) { cipher_in_.Commit(n); }
  size_t cipher_buffered() const { return cipher_in_.size(); }
  // The first ciphertext byte received (0x16 starts a TLS handshake), or -1
  // while none has arrived.
  int first_byte();

  // kOk when the handshake is complete, kAgain when it needs more bytes,
  // kMalformed when it failed (an alert may have been queued; last_error()
  // says why).
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

 private:
  static int Send(void* self, const unsigned char* buf, size_t len);
  static int Recv(void* self, unsigned char* buf, size_t len);
  // Sets the mbedTLS context up once the first record is in; kAgain before.
  Code SetUp();
  Code Start(const mbedtls_ssl_config* config);
  // After a failed attempt to resume: when the server has written nothing
  // but alerts since `out_mark`, drops them and starts over from the kept
  // ClientHello with a configuration that makes a full handshake. False when
  // it cannot.
  bool RetryAsFullHandshake(size_t out_mark);

  TlsContext* context_;
  mbedtls_ssl_context ssl_;
  InputBuffer cipher_in_;
  std::string* out_ = nullptr;
  // The ClientHello of an attempt to resume, kept until that attempt has
  // either answered or been retried; and the bytes Recv hands out before
  // cipher_in_'s when it is retried.
  std::string kept_hello_;
  std::string replay_;
  int first_byte_ = -1;
  bool set_up_ = false;
  bool handshake_done_ = false;
  bool flight_read_ = false;  // the ServerHello flight has said whether this resumes
  bool resumed_ = false;
  int last_error_ = 0;
};

}  // namespace amfgate
