// The HTTP(S) server: listeners, connections, TLS, limits, on one libuv loop.
//
// A Server is built on a uv_loop_t that the caller runs; everything it does
// happens on that loop's thread. Start() binds every listener (IPv4 and IPv6,
// plain or TLS) and loads or generates the TLS certificate; errors there are
// Status values that name the listener or file. Requests are routed by
// router() (or by the router given to AddListener, e.g. for the admin
// endpoints), whose handlers run synchronously on the loop (router.h).
//
// Limits and deadlines (ServerLimits) follow SPEC section 4 and the names of
// the configuration directives (core/config.h). Time comes from the loop
// (uv_now), read once per iteration, never per request.
//
// Backpressure: a connection stops parsing, and stops reading, while
// max_pipelined responses (or more than max_write_queue / 2 bytes) wait to be
// written; a connection whose unsent bytes would pass max_write_queue, or
// whose write makes no progress for write_timeout, is closed. A client that
// never reads therefore holds at most about max_write_queue bytes plus one
// input buffer of server memory.
//
// Shutdown: Drain() stops accepting, closes idle connections, lets requests in
// progress finish (their responses say `Connection: close`), and calls `done`
// once every connection is gone or when the deadline passes (then the rest
// are closed). Stop() closes everything at once. Either way the caller must
// then run the loop until the close callbacks have run (closed() is true)
// before destroying the Server: libuv frees handles only in those callbacks.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "net/router.h"

struct uv_loop_s;
typedef struct uv_loop_s uv_loop_t;

namespace amfgate {

struct ListenOptions {
  std::string address = "127.0.0.1";  // numeric IPv4 or IPv6, no brackets ("::" binds IPv6 only)
  uint16_t port = 0;                  // 0: an ephemeral port (see Server::listener_port)
  bool tls = true;
};

struct TlsOptions {
  // PEM files. Both empty: generate a self-signed ECDSA P-256 certificate in
  // memory at Start (its fingerprint is certificate_fingerprint()). An RSA or
  // ECDSA certificate is accepted; ECDSA P-256 is the recommended one.
  std::string certificate_file;
  std::string key_file;
  // Session ticket lifetime, also the ticket key rotation period (the
  // previous key stays valid for one more period).
  Duration ticket_lifetime = 3600 * kSecond;
};

struct ServerLimits {
  uint32_t max_request_line = 8192;       // bytes, CRLF excluded; past it 414
  uint32_t max_header_line = 8192;        // bytes of one header line; past it 431
  uint32_t max_header_section = 32768;    // request line + headers + CRLFs; past it 431
  uint32_t max_headers = 64;              // header lines; past it 431
  uint64_t max_body = 1024 * 1024;        // bytes, checked against Content-Length first; past it 413
  Duration head_timeout = 10 * kSecond;   // first byte of a request to the end of its head
  Duration body_timeout = 30 * kSecond;   // end of the head to the end of the body
  Duration idle_timeout = 75 * kSecond;   // keep-alive wait for the next request's first byte
  Duration write_timeout = 30 * kSecond;  // a write that makes no progress this long closes
  Duration handshake_timeout = 10 * kSecond;  // accept to the end of the TLS handshake
  uint32_t max_requests_per_connection = 10000;  // 0: no limit; the last one says Connection: close
  uint32_t max_pipelined = 16;            // responses waiting to be written before parsing pauses
  uint64_t max_write_queue = 1024 * 1024; // unsent bytes before the connection closes
  uint32_t max_connections = 10000;       // open connections; at the cap every listener pauses accepting
  uint32_t max_handshakes = 256;          // TLS handshakes in progress; later ones wait their turn
};

struct ServerOptions {
  std::vector<ListenOptions> listeners;
  TlsOptions tls;
  ServerLimits limits;
  // Security headers the server adds (http_message.h says which and when).
  std::string referrer_policy = "no-referrer";
  Duration hsts_max_age = 365LL * 24 * 3600 * kSecond;
  std::string html_csp =
      "default-src 'self'; frame-ancestors 'self'; object-src 'self'; base-uri 'none'; form-action 'self'";
};

// Why connections ended badly or work was refused; the metrics' error kinds.
enum class NetError : unsigned char {
  kAcceptFailed,       // accept(2) failed for a reason other than a full fd table
  kAcceptNoFds,        // EMFILE/ENFILE: accepting paused for a moment
  kConnectionCap,      // max_connections reached: accepting paused
  kHandshakeFailed,    // TLS handshake error (bad version, no common suite, ...)
  kHandshakeTimeout,
  kTlsError,           // TLS error after the handshake
  kBadRequest,         // a parse error or a limit: answered 4xx/5xx and closed
  kHeadTimeout,
  kBodyTimeout,
  kWriteTimeout,
  kWriteQueueFull,     // max_write_queue passed
  kReadError,          // ECONNRESET and friends
  kWriteError,
  kCount
};
const char* NetErrorName(NetError kind);

struct ServerStats {
  uint64_t connections_open = 0;
  uint64_t connections_total = 0;
  uint64_t handshakes_in_progress = 0;
  uint64_t handshakes_ok = 0;  // full and resumed
  uint64_t handshakes_resumed = 0;
  uint64_t handshakes_failed = 0;  // includes timeouts
  uint64_t requests_total = 0;
  uint64_t responses_by_code[600] = {};  // index: status code
  uint64_t bytes_in = 0;   // from the socket (ciphertext on TLS)
  uint64_t bytes_out = 0;  // to the socket
  uint64_t errors[static_cast<size_t>(NetError::kCount)] = {};

  uint64_t ResponsesInClass(int hundreds) const;  // e.g. 4 for 4xx
  uint64_t error(NetError kind) const { return errors[static_cast<size_t>(kind)]; }
};

class Server {
 public:
  // `loop` must outlive the Server.
  Server(uv_loop_t* loop, ServerOptions options);
  ~Server();  // requires closed() (see the paragraph on shutdown above)
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads or generates the certificate (if any listener uses TLS) and binds
  // every listener. On failure nothing is left listening.
  Status Start();

  // The router of the listeners in ServerOptions.
  Router& router();
  // Binds one more listener with its own router (e.g. the admin endpoints),
  // before or after Start. `router` must outlive the Server. Returns the
  // listener's index for listener_port.
  Result<size_t> AddListener(const ListenOptions& listen, Router* router);
  // The bound port of listener `index` (ServerOptions order, then AddListener
  // order): useful with port 0.
  uint16_t listener_port(size_t index) const;
  size_t listener_count() const;

  // Loads new certificate files into a new TLS context for new connections;
  // open connections keep theirs. On failure the current context stays and
  // the Status says why.
  Status ReloadTls(const TlsOptions& tls);
  // New limits (e.g. after a configuration reload). Counts, deadlines and
  // queue sizes apply at once; the head and body size limits apply to
  // connections accepted from now on (open ones keep those they began with).
  void UpdateLimits(const ServerLimits& limits);
  // "AB:CD:..." SHA-256 of the current certificate's DER; empty without TLS.
  std::string certificate_fingerprint() const;

  // Graceful shutdown; `done` runs once, on the loop. Calling Drain again
  // changes nothing.
  void Drain(Duration timeout, std::function<void()> done);
  // Closes every listener and connection now.
  void Stop();
  // No handle of this server is open or waiting for its close callback.
  bool closed() const;

  const ServerStats& stats() const;
  const ServerOptions& options() const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace amfgate
