#include "net/server.h"

#include <fcntl.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>

#include "core/log.h"
#include "net/connection.h"
#include "net/listener.h"
#include "net/server_impl.h"

namespace amfgate {
namespace {

// Input blocks: large enough for any ordinary request head and small body;
// the pool keeps enough idle ones for a burst without holding much memory.
constexpr size_t kBlockSize = 16 * 1024;
constexpr size_t kMaxIdleBlocks = 1024;

}  // namespace

const char* NetErrorName(NetError kind) {
  switch (kind) {
    case NetError::kAcceptFailed: return "accept_failed";
    case NetError::kAcceptNoFds: return "accept_no_fds";
    case NetError::kConnectionCap: return "connection_cap";
    case NetError::kHandshakeFailed: return "handshake_failed";
    case NetError::kHandshakeTimeout: return "handshake_timeout";
    case NetError::kTlsError: return "tls_error";
    case NetError::kBadRequest: return "bad_request";
    case NetError::kHeadTimeout: return "head_timeout";
    case NetError::kBodyTimeout: return "body_timeout";
    case NetError::kWriteTimeout: return "write_timeout";
    case NetError::kWriteQueueFull: return "write_queue_full";
    case NetError::kReadError: return "read_error";
    case NetError::kWriteError: return "write_error";
    case NetError::kCount: break;
  }
  return "unknown";
}

uint64_t ServerStats::ResponsesInClass(int hundreds) const {
  uint64_t n = 0;
  if (hundreds < 1 || hundreds > 5) return 0;
  for (int code = hundreds * 100; code < hundreds * 100 + 100; ++code) n += responses_by_code[code];
  return n;
}

Server::Impl::Impl(uv_loop_t* loop, ServerOptions options)
    : options_(std::move(options)), loop_(loop), pool_(kBlockSize, kMaxIdleBlocks) {
  shared_.limits = options_.limits;
  shared_.pool = &pool_;
  shared_.stats = &stats_;
  discard_ = std::make_unique_for_overwrite<char[]>(kDiscardSize);
  for (const ListenOptions& l : options_.listeners) {
    listeners_.push_back(std::make_unique<Listener>(this, l, &router_));
  }
}

Server::Impl::~Impl() {
  // Connections free themselves in their close callbacks and point back here;
  // the owner must have stopped the server and run the loop (server.h).
  assert(connections_.empty());
  for (auto& l : listeners_) l->Close();
  if (spare_fd_ >= 0) close(spare_fd_);
}

MonoTime Server::Impl::Now() const { return static_cast<MonoTime>(uv_now(loop_)) * kMillisecond; }

Status Server::Impl::EnsureTls() {
  if (tls_ != nullptr) return Status::Ok();
  if (random_ == nullptr) {
    auto random = std::make_unique<TlsRandom>();
    Status s = random->Seed("amfgate net tls");
    if (!s.ok()) return s;
    auto tickets = std::make_unique<TicketKeys>();
    s = tickets->Setup(random.get(), options_.tls.ticket_lifetime);
    if (!s.ok()) return s;
    random_ = std::move(random);
    tickets_ = std::move(tickets);
  }
  auto context = std::make_shared<TlsContext>();
  Status s = context->Init(options_.tls.certificate_file, options_.tls.key_file, random_.get(), tickets_.get());
  if (!s.ok()) return s;
  tls_ = std::move(context);
  return Status::Ok();
}

Status Server::Impl::Start() {
  if (started_) return Status::Error(Code::kInvalidArgument, "server already started");
  Result<ResponsePolicy> policy =
      ResponsePolicy::Make(options_.referrer_policy, options_.hsts_max_age, options_.html_csp);
  if (!policy.ok()) return Status::Error(Code::kInvalidArgument, policy.failure().reason);
  shared_.policy = std::move(policy.value());
  if (spare_fd_ < 0) spare_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
  for (auto& l : listeners_) {
    if (l->tls()) {
      Status s = EnsureTls();
      if (!s.ok()) return s;
      break;
    }
  }
  for (auto& l : listeners_) {
    Status s = l->Bind();
    if (!s.ok()) {
      for (auto& bound : listeners_) bound->Close();
      return s;
    }
  }
  started_ = true;
  return Status::Ok();
}

Result<size_t> Server::Impl::AddListener(const ListenOptions& listen, Router* router) {
  auto listener = std::make_unique<Listener>(this, listen, router);
  if (started_) {
    if (listen.tls) {
      if (Status s = EnsureTls(); !s.ok()) {
        LogError("%s", s.ToString().c_str());
        return Failure{Code::kInvalidArgument, "TLS set-up failed", 0};
      }
    }
    if (Status s = listener->Bind(); !s.ok()) {
      LogError("%s", s.ToString().c_str());
      return Failure{Code::kIoError, "cannot bind the listener", 0};
    }
  }
  listeners_.push_back(std::move(listener));
  return listeners_.size() - 1;
}

Status Server::Impl::ReloadTls(const TlsOptions& tls) {
  if (random_ == nullptr) return Status::Error(Code::kInvalidArgument, "no TLS listener");
  auto context = std::make_shared<TlsContext>();
  Status s = context->Init(tls.certificate_file, tls.key_file, random_.get(), tickets_.get());
  if (!s.ok()) return s;
  tls_ = std::move(context);
  options_.tls.certificate_file = tls.certificate_file;
  options_.tls.key_file = tls.key_file;
  return Status::Ok();
}

void Server::Impl::UpdateLimits(const ServerLimits& limits) {
  shared_.limits = limits;
  if (listeners_paused_ && !AtConnectionCap()) ResumeListeners();
}

void Server::Impl::OnAccepted(Listener* listener, int fd, const sockaddr_storage& peer) {
  if (draining_) {
    close(fd);
    return;
  }
  auto owned = std::make_unique<Connection>(this, listener, peer);
  Connection* connection = owned.get();
  connections_.push_front(std::move(owned));
  connection->position_ = connections_.begin();
  ++stats_.connections_open;
  ++stats_.connections_total;
  if (Status s = connection->Open(fd); !s.ok()) {
    LogWarn("accept: %s", s.ToString().c_str());
    connection->Close();
  } else {
    connection->Start();
  }
  if (AtConnectionCap() && !listeners_paused_) {
    ++stats_.errors[static_cast<size_t>(NetError::kConnectionCap)];
    LogWarn("max_connections (%u) reached; accepting paused", shared_.limits.max_connections);
    PauseListeners();
  }
}

void Server::Impl::ShedWithSpareFd(int listen_fd) {
  if (spare_fd_ < 0) return;
  close(spare_fd_);
  spare_fd_ = -1;
  for (int i = 0; i < Listener::kAcceptBatch; ++i) {
    int fd = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) break;
    close(fd);
  }
  spare_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

void Server::Impl::PauseListeners() {
  listeners_paused_ = true;
  for (auto& l : listeners_) l->Pause();
}

void Server::Impl::ResumeListeners() {
  listeners_paused_ = false;
  for (auto& l : listeners_) l->Resume();
}

void Server::Impl::OnConnectionClosing(Connection* connection) {
  --stats_.connections_open;
  LeaveHandshakeQueue(connection);
  if (listeners_paused_ && !AtConnectionCap()) ResumeListeners();
}

void Server::Impl::OnConnectionFreed(Connection* connection) {
  connections_.erase(connection->position_);
  if (draining_ && connections_.empty() && drain_done_) FinishDrain();
}

bool Server::Impl::AcquireHandshake(Connection* connection) {
  if (stats_.handshakes_in_progress < shared_.limits.max_handshakes) {
    ++stats_.handshakes_in_progress;
    return true;
  }
  connection->queue_position_ = handshake_queue_.insert(handshake_queue_.end(), connection);
  return false;
}

void Server::Impl::ReleaseHandshake() {
  --stats_.handshakes_in_progress;
  while (!handshake_queue_.empty() && stats_.handshakes_in_progress < shared_.limits.max_handshakes) {
    Connection* next = handshake_queue_.front();
    handshake_queue_.pop_front();
    next->queue_position_.reset();
    ++stats_.handshakes_in_progress;
    next->BeginHandshake();
  }
}

void Server::Impl::LeaveHandshakeQueue(Connection* connection) {
  if (!connection->queue_position_) return;
  handshake_queue_.erase(*connection->queue_position_);
  connection->queue_position_.reset();
}

void Server::Impl::Drain(Duration timeout, std::function<void()> done) {
  if (draining_) return;
  draining_ = true;
  shared_.draining = true;
  drain_done_ = std::move(done);
  for (auto& l : listeners_) l->Close();
  for (auto& c : connections_) c->Drain();
  uv_timer_t* timer = drain_timer_.Allocate(this);
  uv_timer_init(loop_, timer);
  drain_timer_.set_initialised();
  // With nothing left to wait for, the timer fires on the next iteration.
  uint64_t ms = connections_.empty() ? 0 : static_cast<uint64_t>(timeout / kMillisecond);
  uv_timer_start(timer, [](uv_timer_t* t) {
    auto* self = static_cast<Impl*>(t->data);
    if (self == nullptr) return;
    if (self->connections_.empty()) {
      self->FinishDrain();
    } else {
      LogWarn("drain deadline passed; closing %zu connections", self->connections_.size());
      self->Stop();
    }
  }, ms, 0);
}

void Server::Impl::FinishDrain() {
  drain_timer_.Close();
  std::function<void()> done = std::move(drain_done_);
  drain_done_ = nullptr;
  if (done) done();
}

void Server::Impl::Stop() {
  draining_ = true;
  shared_.draining = true;
  for (auto& l : listeners_) l->Close();
  // Close() does not free (that waits for the close callback), so the list
  // stays intact while it is walked.
  for (auto& c : connections_) c->Close();
  handshake_queue_.clear();
  if (connections_.empty() && drain_done_) FinishDrain();
  if (!drain_done_) drain_timer_.Close();
}

Server::Server(uv_loop_t* loop, ServerOptions options) : impl_(std::make_unique<Impl>(loop, std::move(options))) {}
Server::~Server() = default;

Status Server::Start() { return impl_->Start(); }
Router& Server::router() { return impl_->router_; }
Result<size_t> Server::AddListener(const ListenOptions& listen, Router* router) {
  return impl_->AddListener(listen, router);
}
uint16_t Server::listener_port(size_t index) const {
  return index < impl_->listeners_.size() ? impl_->listeners_[index]->port() : 0;
}
size_t Server::listener_count() const { return impl_->listeners_.size(); }
Status Server::ReloadTls(const TlsOptions& tls) { return impl_->ReloadTls(tls); }
void Server::UpdateLimits(const ServerLimits& limits) { impl_->UpdateLimits(limits); }
std::string Server::certificate_fingerprint() const {
  return impl_->tls() != nullptr ? impl_->tls()->fingerprint() : std::string();
}
void Server::Drain(Duration timeout, std::function<void()> done) { impl_->Drain(timeout, std::move(done)); }
void Server::Stop() { impl_->Stop(); }
bool Server::closed() const { return impl_->closed(); }
const ServerStats& Server::stats() const { return *impl_->stats(); }
const ServerOptions& Server::options() const { return impl_->options_; }

}  // namespace amfgate
