// The server's internals, shared by server.cpp, listener.cpp and
// connection.cpp; not part of the public interface (see server.h).
//
// Server::Impl owns the listeners, every connection (a list of unique_ptr, a
// connection erased from it in its TCP handle's close callback), the TLS
// state (random generator, ticket keys, the current TlsContext; connections
// hold a shared_ptr to the context they started with, so a reload frees an
// old context when its last connection ends), the input buffer pool, the
// stats, and the queue of TLS connections waiting for a handshake slot.
// It also keeps one spare file descriptor: when accept fails with EMFILE, the
// spare is closed, the pending connection accepted and closed at once, and
// the spare reopened, so the kernel's queue drains instead of waking the loop
// again and again.
#pragma once

#include <sys/socket.h>
#include <uv.h>

#include <list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/http_session.h"
#include "net/input_buffer.h"
#include "net/server.h"
#include "net/tls.h"
#include "net/uv_handle.h"

namespace amfgate {

class Connection;
class Listener;

class Server::Impl {
 public:
  Impl(uv_loop_t* loop, ServerOptions options);
  ~Impl();

  Status Start();
  Result<size_t> AddListener(const ListenOptions& listen, Router* router);
  Status ReloadTls(const TlsOptions& tls);
  void UpdateLimits(const ServerLimits& limits);
  void Drain(Duration timeout, std::function<void()> done);
  void Stop();
  // Listeners stay open until Stop() or Drain(): only then can the loop
  // run dry, once the last connection's close callback has run.
  bool closed() const { return (draining_ || !started_) && connections_.empty(); }

  // Listener side.
  void OnAccepted(Listener* listener, int fd, const sockaddr_storage& peer);
  bool AtConnectionCap() const { return stats_.connections_open >= shared_.limits.max_connections; }
  // Sheds one pending connection of `listen_fd` after EMFILE/ENFILE.
  void ShedWithSpareFd(int listen_fd);

  // Connection side.
  void OnConnectionClosing(Connection* connection);
  void OnConnectionFreed(Connection* connection);
  // True when the handshake may start now; otherwise the connection waits
  // until ReleaseHandshake hands it a slot (Connection::BeginHandshake).
  bool AcquireHandshake(Connection* connection);
  void ReleaseHandshake();
  void LeaveHandshakeQueue(Connection* connection);

  MonoTime Now() const;
  uv_loop_t* loop() const { return loop_; }
  HttpShared* shared() { return &shared_; }
  BufferPool* pool() { return &pool_; }
  ServerStats* stats() { return &stats_; }
  const std::shared_ptr<TlsContext>& tls() const { return tls_; }
  char* discard_buffer() { return discard_.get(); }
  static constexpr size_t kDiscardSize = 16 * 1024;

  Router router_;
  ServerOptions options_;
  std::vector<std::unique_ptr<Listener>> listeners_;

 private:
  Status EnsureTls();
  void PauseListeners();
  void ResumeListeners();
  void FinishDrain();

  uv_loop_t* loop_;
  HttpShared shared_;
  BufferPool pool_;
  ServerStats stats_;
  std::unique_ptr<char[]> discard_;
  std::list<std::unique_ptr<Connection>> connections_;
  std::list<Connection*> handshake_queue_;
  bool listeners_paused_ = false;
  int spare_fd_ = -1;

  std::unique_ptr<TlsRandom> random_;
  std::unique_ptr<TicketKeys> tickets_;
  std::shared_ptr<TlsContext> tls_;
  bool started_ = false;

  bool draining_ = false;
  std::function<void()> drain_done_;
  UvHandle<uv_timer_t> drain_timer_;
};

}  // namespace amfgate
