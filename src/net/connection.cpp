#include "net/connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "core/log.h"
#include "net/listener.h"
#include "net/server_impl.h"

namespace amfgate {
namespace {

// A client that speaks plain HTTP to a TLS port gets told so in plain text,
// as nginx does, instead of a TLS alert it cannot read.
constexpr std::string_view kPlainHttpOnTlsPort =
    "HTTP/1.1 400 Bad Request\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Length: 36\r\n"
    "Connection: close\r\n"
    "\r\n"
    "A plain HTTP request to a TLS port.\n";

// Output buffers above this capacity are released after use, so one large
// response does not pin its memory for the connection's whole life.
constexpr size_t kKeepCapacity = 64 * 1024;

// Rounds of decrypt/process/flush per read callback before yielding.
constexpr int kMaxRounds = 8;

void ShrinkIfLarge(std::string* s) {
  if (s->capacity() > kKeepCapacity) std::string().swap(*s);
}

void DescribePeer(const sockaddr_storage& ss, ConnectionInfo* info) {
  char text[INET6_ADDRSTRLEN + 16];
  char host[INET6_ADDRSTRLEN];
  if (ss.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
    info->peer.port = ntohs(a->sin6_port);
    if (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr)) {
      info->peer.family = AF_INET;
      std::memcpy(info->peer.bytes, a->sin6_addr.s6_addr + 12, 4);
      inet_ntop(AF_INET, info->peer.bytes, host, sizeof(host));
      std::snprintf(text, sizeof(text), "%s:%u", host, info->peer.port);
    } else {
      info->peer.family = AF_INET6;
      std::memcpy(info->peer.bytes, a->sin6_addr.s6_addr, 16);
      inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
      std::snprintf(text, sizeof(text), "[%s]:%u", host, info->peer.port);
    }
  } else {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    info->peer.family = AF_INET;
    info->peer.port = ntohs(a->sin_port);
    std::memcpy(info->peer.bytes, &a->sin_addr, 4);
    inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
    std::snprintf(text, sizeof(text), "%s:%u", host, info->peer.port);
  }
  info->peer_text = text;
}

ConnectionInfo MakeInfo(const Listener* listener, const sockaddr_storage& peer) {
  ConnectionInfo info;
  DescribePeer(peer, &info);
  info.tls = listener->tls();
  info.local_port = listener->port();
  return info;
}

}  // namespace

Connection::Connection(Server::Impl* server, Listener* listener, const sockaddr_storage& peer)
    : server_(server),
      info_(MakeInfo(listener, peer)),
      session_(server->shared(), listener->router(), &info_) {
  write_req_.data = this;
  shutdown_req_.data = this;
}

Connection::~Connection() = default;

Status Connection::Open(int fd) {
  uv_tcp_init(server_->loop(), &tcp_);
  tcp_.data = this;
  tcp_initialised_ = true;
  if (int r = uv_tcp_open(&tcp_, fd); r != 0) {
    close(fd);
    return Status::Error(Code::kIoError, std::string("uv_tcp_open: ") + uv_strerror(r));
  }
  uv_tcp_nodelay(&tcp_, 1);
  uv_timer_init(server_->loop(), timer_.Allocate(this));
  timer_.set_initialised();
  return Status::Ok();
}

void Connection::Start() {
  MonoTime now = server_->Now();
  accepted_at_ = now;
  if (!info_.tls) {
    state_ = State::kHttp;
    established_at_ = now;
    UpdateReading();
    UpdateTimer();
    return;
  }
  tls_context_ = server_->tls();
  tls_ = std::make_unique<TlsSession>(tls_context_.get(), server_->pool());
  tls_->set_output(&pending_);
  state_ = State::kWaitSlot;
  if (server_->AcquireHandshake(this)) {
    BeginHandshake();
  } else {
    UpdateTimer();
  }
}

void Connection::BeginHandshake() {
  holds_slot_ = true;
  state_ = State::kHandshake;
  UpdateReading();
  UpdateTimer();
}

void Connection::ReleaseSlot() {
  if (!holds_slot_) return;
  holds_slot_ = false;
  server_->ReleaseHandshake();
}

void Connection::OnAlloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  auto* self = static_cast<Connection*>(handle->data);
  std::span<char> space;
  switch (self->state_) {
    case State::kHandshake:
      space = self->tls_->CipherSpace();
      break;
    case State::kHttp:
      space = self->tls_ ? self->tls_->CipherSpace() : self->session_.ReadSpace();
      break;
    case State::kLinger:
      space = {self->server_->discard_buffer(), Server::Impl::kDiscardSize};
      break;
    default:
      break;
  }
  *buf = uv_buf_init(space.data(), static_cast<unsigned>(space.size()));
}

void Connection::OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t*) {
  static_cast<Connection*>(stream->data)->HandleRead(nread);
}

void Connection::HandleRead(ssize_t nread) {
  if (state_ == State::kClosing) return;
  if (nread > 0) {
    server_->stats()->bytes_in += static_cast<uint64_t>(nread);
    size_t n = static_cast<size_t>(nread);
    switch (state_) {
      case State::kLinger:
        return;
      case State::kHandshake:
        tls_->CipherReceived(n);
        StepHandshake();
        return;
      case State::kHttp:
        if (tls_) {
          tls_->CipherReceived(n);
        } else {
          session_.Received(n, server_->Now());
        }
        Pump();
        return;
      default:
        return;
    }
  }
  if (nread == 0) return;
  if (nread == UV_ENOBUFS) {
    uv_read_stop(stream());
    reading_ = false;
    return;
  }
  if (nread == UV_EOF) {
    peer_eof_ = true;
    if (state_ != State::kHttp) {
      Close();
      return;
    }
    uv_read_stop(stream());
    reading_ = false;
    Pump();
    return;
  }
  if (state_ == State::kLinger) {
    Close();
    return;
  }
  Fail(NetError::kReadError);
}

void Connection::StepHandshake() {
  // A TLS record starts with 0x16; an ASCII capital letter is an HTTP method.
  int first = tls_->first_byte();
  ServerStats* stats = server_->stats();
  if (first >= 'A' && first <= 'Z') {
    ++stats->handshakes_failed;
    ++stats->errors[static_cast<size_t>(NetError::kHandshakeFailed)];
    ReleaseSlot();
    state_ = State::kHttp;
    tls_.reset();
    pending_.append(kPlainHttpOnTlsPort);
    ++stats->responses_by_code[400];
    FinishThenClose();
    return;
  }
  Code c = tls_->Handshake();
  if (c == Code::kAgain) {
    Flush();
    UpdateTimer();
    return;
  }
  if (c != Code::kOk) {
    ++stats->handshakes_failed;
    ++stats->errors[static_cast<size_t>(NetError::kHandshakeFailed)];
    if (LogEnabled(LogLevel::kDebug)) {
      LogDebug("%s: TLS handshake failed: %s", info_.peer_text.c_str(),
               MbedtlsError(tls_->last_error()).c_str());
    }
    ReleaseSlot();
    // Send the alert mbedTLS queued, then close without close_notify.
    state_ = State::kHttp;
    tls_.reset();
    FinishThenClose();
    return;
  }
  ReleaseSlot();
  ++stats->handshakes_ok;
  if (tls_->resumed()) ++stats->handshakes_resumed;
  state_ = State::kHttp;
  established_at_ = server_->Now();
  Pump();
}

void Connection::Decrypt() {
  MonoTime now = server_->Now();
  while (!session_.done() && !session_.paused()) {
    std::span<char> space = session_.ReadSpace();
    if (space.empty()) return;
    Result<size_t> r = tls_->Read(space);
    if (r.ok()) {
      session_.Received(*r, now);
      continue;
    }
    if (r.code() == Code::kAgain) return;
    if (r.code() == Code::kClosed) {
      peer_eof_ = true;
      return;
    }
    Fail(NetError::kTlsError);
    return;
  }
}

uint64_t Connection::Unsent() const {
  return pending_.size() +
         (writing_ ? uv_stream_get_write_queue_size(reinterpret_cast<const uv_stream_t*>(&tcp_))
                   : 0);
}

void Connection::Pump() {
  if (state_ != State::kHttp || close_after_flush_) return;
  MonoTime now = server_->Now();
  for (int round = 0; round < kMaxRounds; ++round) {
    if (tls_) {
      Decrypt();
      if (state_ == State::kClosing) return;
    }
    HttpSession::Backlog backlog{Unsent(), pending_responses_ + inflight_responses_};
    std::string* out = tls_ ? &plain_out_ : &pending_;
    uint32_t produced = session_.Process(now, backlog, out);
    pending_responses_ += produced;
    if (tls_ && !plain_out_.empty()) {
      if (tls_->Write(plain_out_) != Code::kOk) {
        Fail(NetError::kTlsError);
        return;
      }
      plain_out_.clear();
      ShrinkIfLarge(&plain_out_);
    }
    if (session_.overflowed()) {
      Fail(NetError::kWriteQueueFull);
      return;
    }
    // The last response leaves with close_notify in one write (FinishThenClose).
    if (session_.done()) break;
    Flush();
    if (state_ == State::kClosing) return;
    // Go round again only if this round freed room that buffered input can
    // use: a pause whose writes all completed at once, or TLS records still
    // waiting to be decrypted into the session.
    bool resumable = session_.paused() && !writing_ && pending_.empty();
    bool more_tls = tls_ && !session_.paused() && produced > 0 && tls_->HasBufferedInput();
    if (!resumable && !more_tls) break;
  }
  if (session_.done() || (peer_eof_ && !session_.paused())) {
    FinishThenClose();
    return;
  }
  UpdateReading();
  UpdateTimer();
}

void Connection::Flush() {
  if (writing_ || pending_.empty() || state_ == State::kClosing) return;
  MonoTime now = server_->Now();
  uv_buf_t buf = uv_buf_init(pending_.data(), static_cast<unsigned>(pending_.size()));
  int n = uv_try_write(stream(), &buf, 1);
  if (n < 0 && n != UV_EAGAIN) {
    Fail(NetError::kWriteError);
    return;
  }
  size_t sent = n > 0 ? static_cast<size_t>(n) : 0;
  server_->stats()->bytes_out += sent;
  if (sent == pending_.size()) {
    pending_.clear();
    ShrinkIfLarge(&pending_);
    pending_responses_ = 0;
    write_progress_at_ = now;
    return;
  }
  // The kernel's buffer is full: hand the rest to one uv_write and keep its
  // bytes untouched (in inflight_) until the callback.
  std::swap(pending_, inflight_);
  pending_.clear();
  inflight_responses_ = pending_responses_;
  pending_responses_ = 0;
  buf = uv_buf_init(inflight_.data() + sent, static_cast<unsigned>(inflight_.size() - sent));
  if (int r = uv_write(&write_req_, stream(), &buf, 1, OnWrite); r != 0) {
    Fail(NetError::kWriteError);
    return;
  }
  writing_ = true;
  inflight_unsent_ = inflight_.size() - sent;
  write_progress_at_ = now;
}

void Connection::OnWrite(uv_write_t* req, int status) {
  auto* self = static_cast<Connection*>(req->data);
  self->writing_ = false;
  if (status == UV_ECANCELED || self->state_ == State::kClosing) return;
  if (status < 0) {
    self->Fail(NetError::kWriteError);
    return;
  }
  self->server_->stats()->bytes_out += self->inflight_unsent_;
  self->inflight_.clear();
  ShrinkIfLarge(&self->inflight_);
  self->inflight_responses_ = 0;
  self->write_progress_at_ = self->server_->Now();
  self->Flush();
  if (self->state_ == State::kClosing) return;
  if (self->close_after_flush_) {
    if (!self->writing_ && self->pending_.empty()) self->StartLinger();
    return;
  }
  if (self->state_ == State::kHttp) {
    self->Pump();
  } else {
    self->UpdateTimer();
  }
}

void Connection::FinishThenClose() {
  if (close_after_flush_ || state_ == State::kClosing) return;
  close_after_flush_ = true;
  if (tls_ && tls_->handshake_done()) {
    tls_->CloseNotify();
  }
  Flush();
  if (state_ == State::kClosing) return;
  if (!writing_ && pending_.empty()) {
    StartLinger();
    return;
  }
  UpdateReading();
  UpdateTimer();
}

void Connection::StartLinger() {
  if (state_ == State::kLinger || state_ == State::kClosing) return;
  if (peer_eof_) {
    Close();
    return;
  }
  state_ = State::kLinger;
  linger_until_ = server_->Now() + kLingerTime;
  if (uv_shutdown(&shutdown_req_, stream(), OnShutdown) != 0) {
    Close();
    return;
  }
  UpdateReading();
  UpdateTimer();
}

void Connection::OnShutdown(uv_shutdown_t* req, int status) {
  auto* self = static_cast<Connection*>(req->data);
  if (status < 0 && status != UV_ECANCELED && self->state_ != State::kClosing) self->Close();
}

void Connection::Fail(NetError kind) {
  ++server_->stats()->errors[static_cast<size_t>(kind)];
  if (LogEnabled(LogLevel::kDebug))
    LogDebug("%s: closing: %s", info_.peer_text.c_str(), NetErrorName(kind));
  Close();
}

void Connection::Close() {
  if (state_ == State::kClosing) return;
  if (state_ == State::kWaitSlot || state_ == State::kHandshake) {
    // A handshake that never finished counts as failed, whatever ended it.
    ++server_->stats()->handshakes_failed;
  }
  state_ = State::kClosing;
  ReleaseSlot();
  server_->OnConnectionClosing(this);
  timer_.Close();
  if (tcp_initialised_) {
    uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), OnClosed);
  } else {
    server_->OnConnectionFreed(this);
  }
}

void Connection::OnClosed(uv_handle_t* handle) {
  auto* self = static_cast<Connection*>(handle->data);
  // Frees this connection: nothing may touch it afterwards.
  self->server_->OnConnectionFreed(self);
}

void Connection::Drain() {
  switch (state_) {
    case State::kWaitSlot:
    case State::kHandshake:
      Close();
      return;
    case State::kHttp:
      if (close_after_flush_) return;
      if (session_.idle() && !writing_ && pending_.empty()) {
        Close();
      } else if (session_.idle()) {
        FinishThenClose();
      }
      return;
    default:
      return;
  }
}

MonoTime Connection::Deadline(NetError* kind) const {
  const ServerLimits& limits = server_->shared()->limits;
  *kind = NetError::kCount;
  switch (state_) {
    case State::kWaitSlot:
    case State::kHandshake:
      *kind = NetError::kHandshakeTimeout;
      return accepted_at_ + limits.handshake_timeout;
    case State::kLinger:
      return linger_until_;
    case State::kHttp:
      break;
    default:
      return 0;
  }
  if (writing_ || !pending_.empty()) {
    *kind = NetError::kWriteTimeout;
    return write_progress_at_ + limits.write_timeout;
  }
  if (session_.paused() || close_after_flush_) return 0;
  switch (session_.phase()) {
    case HttpSession::Phase::kIdle:
      if (session_.requests() == 0) {
        *kind = NetError::kHeadTimeout;
        return established_at_ + limits.head_timeout;
      }
      return session_.phase_since() + limits.idle_timeout;
    case HttpSession::Phase::kHead:
      *kind = NetError::kHeadTimeout;
      return session_.phase_since() + limits.head_timeout;
    case HttpSession::Phase::kBody:
      *kind = NetError::kBodyTimeout;
      return session_.phase_since() + limits.body_timeout;
  }
  return 0;
}

void Connection::UpdateTimer() {
  if (state_ == State::kClosing) return;
  NetError kind;
  MonoTime deadline = Deadline(&kind);
  if (state_ == State::kHttp && session_.paused() && !writing_ && pending_.empty()) {
    // Pump stopped after its rounds with requests still buffered and every
    // write done: continue on the next loop iteration, after other clients.
    deadline = server_->Now();
  }
  if (deadline == 0) return;
  if (timer_at_ != 0 && timer_at_ <= deadline) return;
  MonoTime now = server_->Now();
  uint64_t ms = deadline > now
                    ? static_cast<uint64_t>((deadline - now + kMillisecond - 1) / kMillisecond)
                    : 0;
  uv_timer_start(timer_.get(), OnTimer, ms, 0);
  timer_at_ = deadline;
}

void Connection::OnTimer(uv_timer_t* timer) {
  auto* self = static_cast<Connection*>(timer->data);
  if (self == nullptr || self->state_ == State::kClosing) return;
  self->timer_at_ = 0;
  NetError kind;
  MonoTime deadline = self->Deadline(&kind);
  MonoTime now = self->server_->Now();
  if (deadline == 0 || deadline > now) {
    if (self->state_ == State::kHttp && self->session_.paused() && !self->writing_ &&
        self->pending_.empty()) {
      self->Pump();
      return;
    }
    self->UpdateTimer();
    return;
  }
  ServerStats* stats = self->server_->stats();
  switch (kind) {
    case NetError::kHandshakeTimeout:
      ++stats->errors[static_cast<size_t>(kind)];
      self->Close();
      return;
    case NetError::kHeadTimeout:
    case NetError::kBodyTimeout: {
      ++stats->errors[static_cast<size_t>(kind)];
      if (self->session_.phase() == HttpSession::Phase::kIdle) {
        self->Close();
        return;
      }
      std::string* out = self->tls_ ? &self->plain_out_ : &self->pending_;
      self->session_.Abort(408, kind == NetError::kHeadTimeout ? "head timeout" : "body timeout",
                           now, out);
      if (self->tls_ && !self->plain_out_.empty()) {
        if (self->tls_->Write(self->plain_out_) != Code::kOk) {
          self->Close();
          return;
        }
        self->plain_out_.clear();
      }
      self->FinishThenClose();
      return;
    }
    case NetError::kWriteTimeout:
      self->Fail(kind);
      return;
    default:
      self->Close();
      return;  // keep-alive idle or the end of lingering
  }
}

void Connection::UpdateReading() {
  bool want = false;
  switch (state_) {
    case State::kHandshake:
      want = true;
      break;
    case State::kHttp:
      want = !peer_eof_ && !close_after_flush_ && !session_.done() && !session_.paused();
      break;
    case State::kLinger:
      want = !peer_eof_;
      break;
    default:
      break;
  }
  if (want && !reading_) {
    if (uv_read_start(stream(), OnAlloc, OnRead) == 0) reading_ = true;
  } else if (!want && reading_) {
    uv_read_stop(stream());
    reading_ = false;
  }
}

}  // namespace amfgate
