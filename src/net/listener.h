// One listening socket: bind, accept in bounded batches, pause and back off.
//
// The Listener owns its socket and watches it with a uv_poll_t rather than
// uv_listen, so that accepting can be paused (at the connection cap) and
// resumed, and so that each wake-up accepts at most kAcceptBatch connections
// before the loop moves on. When accept fails for lack of file descriptors
// (EMFILE/ENFILE) or kernel memory, the server sheds the pending connection
// with its spare descriptor and the listener stops polling for
// kBackoff: a full fd table never makes the loop spin.
//
// IPv6 sockets are bound with IPV6_V6ONLY, so "::" and "0.0.0.0" can listen
// side by side on one port. Port 0 binds an ephemeral port (port()).
#pragma once

#include <cstdint>
#include <string>

#include <uv.h>

#include "core/clock.h"
#include "core/status.h"
#include "net/server.h"
#include "net/uv_handle.h"

namespace amfgate {

class Listener {
 public:
  static constexpr int kAcceptBatch = 64;
  static constexpr Duration kBackoff = 100 * kMillisecond;

  Listener(Server::Impl* server, const ListenOptions& options, Router* router);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  Status Bind();
  void Pause();   // stop accepting (the kernel queues new connections)
  void Resume();
  void Close();   // stop and close the socket; idempotent

  const ListenOptions& options() const { return options_; }
  bool tls() const { return options_.tls; }
  Router* router() const { return router_; }
  uint16_t port() const { return port_; }
  bool closed() const { return fd_ < 0; }

 private:
  static void OnReadable(uv_poll_t* poll, int status, int events);
  static void OnBackoffDone(uv_timer_t* timer);
  void AcceptBatch();
  void UpdatePolling();

  Server::Impl* server_;
  ListenOptions options_;
  Router* router_;
  int fd_ = -1;
  uint16_t port_ = 0;
  bool paused_ = false;
  bool backing_off_ = false;
  bool polling_ = false;
  UvHandle<uv_poll_t> poll_;
  UvHandle<uv_timer_t> backoff_;
};

}  // namespace amfgate
