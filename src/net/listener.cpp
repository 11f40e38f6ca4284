#include "net/listener.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "net/server_impl.h"

namespace amfgate {
namespace {

Status SocketError(const ListenOptions& o, const char* what) {
  return Status::Error(Code::kIoError, "listen " + o.address + ":" + std::to_string(o.port) + ": " + what + ": " +
                                           std::strerror(errno));
}

}  // namespace

Listener::Listener(Server::Impl* server, const ListenOptions& options, Router* router)
    : server_(server), options_(options), router_(router) {}

Listener::~Listener() { Close(); }

Status Listener::Bind() {
  sockaddr_storage addr;
  std::memset(&addr, 0, sizeof(addr));
  socklen_t addr_len;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
  if (inet_pton(AF_INET, options_.address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(options_.port);
    addr_len = sizeof(*v4);
  } else if (inet_pton(AF_INET6, options_.address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(options_.port);
    addr_len = sizeof(*v6);
  } else {
    return Status::Error(Code::kInvalidArgument, "listen " + options_.address + ": not a numeric IP address");
  }
  int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return SocketError(options_, "socket");
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (addr.ss_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), addr_len) != 0) {
    Status s = SocketError(options_, "bind");
    close(fd);
    return s;
  }
  if (listen(fd, 511) != 0) {
    Status s = SocketError(options_, "listen");
    close(fd);
    return s;
  }
  sockaddr_storage bound;
  socklen_t bound_len = sizeof(bound);
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &bound_len);
  port_ = ntohs(bound.ss_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&bound)->sin_port
                                           : reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
  uv_poll_t* poll = poll_.Allocate(this);
  if (int r = uv_poll_init(server_->loop(), poll, fd); r != 0) {
    close(fd);
    poll_.Close();
    return Status::Error(Code::kIoError, "listen: uv_poll_init: " + std::string(uv_strerror(r)));
  }
  poll_.set_initialised();
  uv_timer_t* timer = backoff_.Allocate(this);
  uv_timer_init(server_->loop(), timer);
  backoff_.set_initialised();
  fd_ = fd;
  UpdatePolling();
  return Status::Ok();
}

void Listener::Pause() {
  paused_ = true;
  UpdatePolling();
}

void Listener::Resume() {
  paused_ = false;
  UpdatePolling();
}

void Listener::Close() {
  if (fd_ < 0) return;
  // uv_close stops the poll watcher synchronously, so the descriptor can be
  // closed right after it.
  poll_.Close();
  backoff_.Close();
  close(fd_);
  fd_ = -1;
  polling_ = false;
}

void Listener::UpdatePolling() {
  if (fd_ < 0) return;
  bool want = !paused_ && !backing_off_;
  if (want == polling_) return;
  if (want) {
    uv_poll_start(poll_.get(), UV_READABLE, OnReadable);
  } else {
    uv_poll_stop(poll_.get());
  }
  polling_ = want;
}

void Listener::OnReadable(uv_poll_t* poll, int status, int) {
  auto* self = static_cast<Listener*>(poll->data);
  if (self == nullptr || status < 0) return;
  self->AcceptBatch();
}

void Listener::OnBackoffDone(uv_timer_t* timer) {
  auto* self = static_cast<Listener*>(timer->data);
  if (self == nullptr) return;
  self->backing_off_ = false;
  self->UpdatePolling();
}

void Listener::AcceptBatch() {
  ServerStats* stats = server_->stats();
  for (int i = 0; i < kAcceptBatch && !paused_ && fd_ >= 0; ++i) {
    sockaddr_storage peer;
    socklen_t len = sizeof(peer);
    int fd = accept4(fd_, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      server_->OnAccepted(this, fd, peer);
      continue;
    }
    int err = errno;
    if (err == EAGAIN || err == EWOULDBLOCK) return;
    if (err == EINTR || err == ECONNABORTED) continue;
    if (err == EMFILE || err == ENFILE) {
      ++stats->errors[static_cast<size_t>(NetError::kAcceptNoFds)];
      server_->ShedWithSpareFd(fd_);
    } else {
      ++stats->errors[static_cast<size_t>(NetError::kAcceptFailed)];
    }
    LogWarn("accept on %s:%u: %s; pausing accepts for %lld ms", options_.address.c_str(), port_, std::strerror(err),
            static_cast<long long>(kBackoff / kMillisecond));
    backing_off_ = true;
    UpdatePolling();
    uv_timer_start(backoff_.get(), OnBackoffDone, kBackoff / kMillisecond, 0);
    return;
  }
}

}  // namespace amfgate
