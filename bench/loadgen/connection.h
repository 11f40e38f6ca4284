// One client connection of the load generator, carrying one virtual user.
//
// Owns a uv_tcp_t (and, over TLS, a TlsStream) and the connection's buffers.
// It keeps up to the driver's pipeline depth of the user's requests in
// flight, parses responses in order, times each from the moment its request
// was queued (the first request on a fresh connection from the moment the
// connect started, so the handshake scenario's latency includes TCP and TLS
// set-up; in rate mode, from the moment it fell due, see schedule.h), and
// hands each response to the user to judge. When the user wants
// one request per connection, or the server says `Connection: close`, it
// closes and, while the phase still accepts requests, connects again.
//
// Lifetime: the libuv handle lives inside this object, so the Driver frees a
// Connection only after its close callback has run (Driver::Shutdown).
#pragma once

#include <uv.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "http_response.h"
#include "tls_client.h"
#include "user.h"

namespace amfgate::bench {

class Driver;

class Connection {
 public:
  // `index` is the connection's place among the driver's (its user's), which
  // fixes its due times in rate mode.
  Connection(Driver* driver, size_t index);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Gives the connection its user for the next phase and starts sending.
  void Begin(User* user);
  // Closes the socket; no reconnect follows.
  void Shutdown();
  // Rate mode: the connection's next request has fallen due; sends it now if
  // fewer than the pipeline depth are in flight, else when one is answered.
  void Release();

 private:
  enum class State { kClosed, kConnecting, kHandshaking, kOpen, kClosing };

  static void OnConnectCb(uv_connect_t* req, int status);
  static void OnAllocCb(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void OnReadCb(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void OnWriteCb(uv_write_t* req, int status);
  static void OnCloseCb(uv_handle_t* handle);

  void Connect();
  void OnConnect(int status);
  void OnRead(ssize_t nread, const uv_buf_t* buf);
  void OnWritten(int status);
  void OnClosed();
  void OnHandshakeDone();
  void ParseResponses();
  void Pump();
  void Flush();
  void Close(bool reconnect);
  void CheckDone();
  void Fail(const std::string& what);

  Driver* driver_;
  size_t index_;
  User* user_ = nullptr;
  State state_ = State::kClosed;
  bool user_done_ = false;
  bool done_reported_ = false;
  bool server_closed_ = false;  // the next connect replaces one the server closed
  bool reconnect_ = false;
  bool shutting_down_ = false;
  bool writing_now_ = false;
  bool fresh_ = true;  // no request sent on this connection yet
  uint64_t connect_started_ns_ = 0;
  uint64_t released_ = 0;  // rate mode: requests of this phase that fell due
  uint64_t sent_ = 0;      // requests of this phase sent

  uv_tcp_t tcp_;
  uv_connect_t connect_req_;
  uv_write_t write_req_;
  std::unique_ptr<TlsStream> tls_;
  std::string requests_;  // plaintext requests the user just wrote
  std::string out_;       // bytes waiting to be written
  std::string writing_;   // bytes handed to uv_write, alive until its callback
  std::string in_;        // plaintext response bytes not yet parsed
  size_t in_pos_ = 0;
  ResponseParser parser_;
  Response response_;
  std::deque<uint64_t> sent_at_;  // queue (rate mode: due) time of each request in flight
};

}  // namespace amfgate::bench
