// One accepted client: its TCP handle, optional TLS, HTTP session, deadlines
// and write queue.
//
// States: kWaitSlot (TLS, waiting for a handshake slot: not reading),
// kHandshake, kHttp, kLinger (the last response is written, FIN sent, input
// read and discarded until the client closes or kLingerTime passes, so that
// closing with unread input does not reset the connection and destroy the
// response in flight), kClosing (uv_close called; the object is freed by the
// server when the close callback runs, after any write callback).
//
// Output: responses (plaintext, or ciphertext after TLS) collect in pending_;
// Flush tries one write(2) (uv_try_write) and hands what the kernel did not
// take to a single uv_write whose buffer (inflight_) stays untouched until
// its callback. What is unsent (pending_ plus the in-flight remainder) is
// the session's backlog: past its thresholds the session pauses and reading
// stops; if a single response would take the unsent bytes past
// max_write_queue while older bytes still wait, the connection closes.
//
// Deadlines, all from the loop clock: handshake (from accept), head (from
// the request's first byte; for the first request from the connection's
// start), body (from the end of the head), idle (keep-alive, from the last
// response), write (no write completion for write_timeout while bytes wait),
// linger. One uv_timer per connection, re-armed lazily: a deadline moving
// later costs nothing until the timer fires and finds it has not passed.
#pragma once

#include <list>
#include <memory>
#include <optional>
#include <string>

#include <sys/socket.h>
#include <uv.h>

#include "core/clock.h"
#include "net/http_session.h"
#include "net/server.h"
#include "net/tls.h"
#include "net/uv_handle.h"

namespace amfgate {

class Listener;

class Connection {
 public:
  static constexpr Duration kLingerTime = 2 * kSecond;

  Connection(Server::Impl* server, Listener* listener, const sockaddr_storage& peer);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Takes over `fd`. On failure the fd is closed and the connection must be
  // released with Close (it owns an initialised handle either way).
  Status Open(int fd);
  void Start();
  // A handshake slot was granted (after waiting in the queue).
  void BeginHandshake();
  // The server is draining: close if idle, else finish the current request.
  void Drain();
  // Closes at once (no response, no linger).
  void Close();

  bool closing() const { return state_ == State::kClosing; }

 private:
  // The server keeps these: where this connection sits in its lists.
  friend class Server::Impl;
  std::list<std::unique_ptr<Connection>>::iterator position_;
  std::optional<std::list<Connection*>::iterator> queue_position_;

  enum class State : unsigned char { kWaitSlot, kHandshake, kHttp, kLinger, kClosing };

  static void OnAlloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void OnWrite(uv_write_t* req, int status);
  static void OnShutdown(uv_shutdown_t* req, int status);
  static void OnTimer(uv_timer_t* timer);
  static void OnClosed(uv_handle_t* handle);

  void HandleRead(ssize_t nread);
  void StepHandshake();
  void Pump();
  void Decrypt();
  void Flush();
  void FinishThenClose();
  void StartLinger();
  void Fail(NetError kind);
  void ReleaseSlot();
  void UpdateReading();
  void UpdateTimer();
  MonoTime Deadline(NetError* kind) const;
  uint64_t Unsent() const;
  uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(&tcp_); }

  Server::Impl* server_;
  ConnectionInfo info_;
  State state_ = State::kHttp;
  uv_tcp_t tcp_;
  bool tcp_initialised_ = false;
  UvHandle<uv_timer_t> timer_;
  MonoTime timer_at_ = 0;  // when the armed timer fires; 0: not armed

  HttpSession session_;
  std::shared_ptr<TlsContext> tls_context_;
  std::unique_ptr<TlsSession> tls_;
  std::string plain_out_;  // TLS: responses before encryption

  std::string pending_;   // bytes not yet handed to the kernel or libuv
  uint32_t pending_responses_ = 0;
  std::string inflight_;  // the buffer of the uv_write in flight
  uint32_t inflight_responses_ = 0;
  size_t inflight_unsent_ = 0;  // bytes of inflight_ the uv_write carries
  bool writing_ = false;
  uv_write_t write_req_;
  uv_shutdown_t shutdown_req_;

  MonoTime accepted_at_ = 0;
  MonoTime established_at_ = 0;  // handshake done (or accept for plain)
  MonoTime write_progress_at_ = 0;
  MonoTime linger_until_ = 0;
  bool reading_ = false;
  bool holds_slot_ = false;
  bool peer_eof_ = false;
  bool close_after_flush_ = false;
};

}  // namespace amfgate
