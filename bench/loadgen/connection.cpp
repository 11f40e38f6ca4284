#include "connection.h"

#include <string_view>

#include "driver.h"

namespace amfgate::bench {

Connection::Connection(Driver* driver, size_t index) : driver_(driver), index_(index) {}

void Connection::Begin(User* user) {
  user_ = user;
  user_done_ = false;
  done_reported_ = false;
  released_ = 0;
  sent_ = 0;
  if (state_ == State::kClosed) {
    Connect();
  } else if (state_ == State::kOpen) {
    Pump();
  }
}

void Connection::Shutdown() {
  shutting_down_ = true;
  if (state_ != State::kClosed && state_ != State::kClosing) Close(false);
}

void Connection::Release() {
  ++released_;
  Pump();
}

void Connection::Connect() {
  uv_tcp_init(driver_->loop(), &tcp_);
  tcp_.data = this;
  connect_req_.data = this;
  write_req_.data = this;
  connect_started_ns_ = uv_hrtime();
  fresh_ = true;
  state_ = State::kConnecting;
  driver_->OnConnect(server_closed_);
  server_closed_ = false;
  int rc = uv_tcp_connect(&connect_req_, &tcp_, driver_->address(), OnConnectCb);
  if (rc != 0) {
    Fail(std::string("connect: ") + uv_strerror(rc));
    Close(false);
  }
}

void Connection::OnConnectCb(uv_connect_t* req, int status) {
  static_cast<Connection*>(req->data)->OnConnect(status);
}

void Connection::OnConnect(int status) {
  if (state_ != State::kConnecting) return;  // closed meanwhile (status is UV_ECANCELED)
  if (status != 0) {
    Fail(std::string("connect: ") + uv_strerror(status));
    Close(false);
    return;
  }
  uv_tcp_nodelay(&tcp_, 1);
  uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), OnAllocCb, OnReadCb);
  if (driver_->tls() == nullptr) {
    state_ = State::kOpen;
    Pump();
    return;
  }
  tls_ = std::make_unique<TlsStream>();
  Status s = tls_->Setup(*driver_->tls(), user_->ResumeFrom(), user_->TicketSink());
  if (!s.ok()) {
    Fail(s.message());
    return;
  }
  state_ = State::kHandshaking;
  Code c = tls_->Handshake();
  out_.append(*tls_->pending_output());
  tls_->pending_output()->clear();
  if (c != Code::kAgain) {
    Fail("TLS: " + tls_->error());
    return;
  }
  Flush();
}

void Connection::OnAllocCb(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  *buf = static_cast<Connection*>(handle->data)->driver_->ReadBuffer();
}

void Connection::OnReadCb(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  static_cast<Connection*>(stream->data)->OnRead(nread, buf);
}

void Connection::OnRead(ssize_t nread, const uv_buf_t* buf) {
  if (nread == 0 || state_ == State::kClosing || state_ == State::kClosed) return;
  if (nread < 0) {
    if (nread != UV_EOF && nread != UV_ECONNRESET) {
      Fail(std::string("read: ") + uv_strerror(static_cast<int>(nread)));
      return;
    }
    if (!sent_at_.empty()) {
      Fail("server closed the connection with " + std::to_string(sent_at_.size()) +
           " request(s) unanswered");
      return;
    }
    // An idle keep-alive connection the server let go: open a new one if the
    // user still has work.
    server_closed_ = true;
    Close(true);
    return;
  }
  bool peer_closed = false;
  if (tls_ != nullptr) {
    tls_->Feed(buf->base, static_cast<size_t>(nread));
    if (state_ == State::kHandshaking) {
      Code c = tls_->Handshake();
      out_.append(*tls_->pending_output());
      tls_->pending_output()->clear();
      if (c == Code::kAgain) {
        Flush();
        return;
      }
      if (c != Code::kOk) {
        Fail("TLS: " + tls_->error());
        return;
      }
      OnHandshakeDone();
      if (state_ != State::kOpen) return;
    }
    Code c = tls_->Read(&in_);
    out_.append(*tls_->pending_output());
    tls_->pending_output()->clear();
    if (c == Code::kIoError) {
      Fail("TLS: " + tls_->error());
      return;
    }
    peer_closed = c == Code::kClosed;
    Flush();
  } else {
    in_.append(buf->base, static_cast<size_t>(nread));
  }
  ParseResponses();
  if (state_ != State::kOpen) return;
  if (peer_closed) {
    if (!sent_at_.empty()) {
      Fail("server sent close_notify with " + std::to_string(sent_at_.size()) +
           " request(s) unanswered");
      return;
    }
    server_closed_ = true;
    Close(true);
    return;
  }
  Pump();
}

void Connection::OnHandshakeDone() {
  state_ = State::kOpen;
  const bool full = tls_->saw_certificate();
  driver_->OnHandshake(full);
  std::string error;
  if (!user_->OnHandshake(full, &error)) Fail(error);
}

void Connection::ParseResponses() {
  while (state_ == State::kOpen && in_pos_ < in_.size()) {
    size_t consumed = 0;
    Code c = parser_.Parse(std::string_view(in_).substr(in_pos_), &consumed, &response_);
    if (c == Code::kAgain) break;
    if (c != Code::kOk) {
      Fail(std::string("bad HTTP response: ") + parser_.error());
      return;
    }
    if (sent_at_.empty()) {
      Fail("a response arrived with no request in flight");
      return;
    }
    const uint64_t latency = uv_hrtime() - sent_at_.front();
    sent_at_.pop_front();
    std::string error;
    const int ops = user_->OnResponse(response_, &error);
    const bool keep_alive = response_.keep_alive;
    in_pos_ += consumed;
    if (ops < 0) {
      Fail(error);
      return;
    }
    driver_->OnResponse(static_cast<int64_t>(latency), ops);
    if (!keep_alive || user_->OneRequestPerConnection()) {
      if (!sent_at_.empty()) {
        Fail("server closed the connection with " + std::to_string(sent_at_.size()) +
             " pipelined request(s) unanswered");
        return;
      }
      server_closed_ = !keep_alive && !user_->OneRequestPerConnection();
      Close(true);
      CheckDone();
      return;
    }
    CheckDone();
  }
  if (in_pos_ == in_.size()) {
    in_.clear();
    in_pos_ = 0;
  } else if (in_pos_ > 65536) {
    in_.erase(0, in_pos_);
    in_pos_ = 0;
  }
}

void Connection::Pump() {
  if (state_ != State::kOpen || user_ == nullptr || user_done_) return;
  const size_t depth =
      user_->OneRequestPerConnection() ? 1 : static_cast<size_t>(driver_->pipeline());
  const bool paced = driver_->paced();
  while (sent_at_.size() < depth && driver_->accepting()) {
    if (user_->OneRequestPerConnection() && !fresh_) break;
    if (paced && sent_ == released_) break;
    Next next = user_->NextRequest(&requests_);
    if (next == Next::kSend) {
      if (paced) {
        sent_at_.push_back(driver_->DueNs(index_, sent_));
      } else {
        sent_at_.push_back(fresh_ ? connect_started_ns_ : uv_hrtime());
      }
      ++sent_;
      fresh_ = false;
      driver_->OnSent();
      continue;
    }
    if (next == Next::kDone) user_done_ = true;
    break;
  }
  if (!requests_.empty()) {
    if (tls_ != nullptr) {
      if (tls_->Write(requests_) != Code::kOk) {
        Fail("TLS: " + tls_->error());
        return;
      }
      out_.append(*tls_->pending_output());
      tls_->pending_output()->clear();
    } else {
      out_.append(requests_);
    }
    requests_.clear();
    Flush();
  }
  CheckDone();
}

void Connection::CheckDone() {
  if (user_done_ && sent_at_.empty() && !done_reported_) {
    done_reported_ = true;
    driver_->OnUserDone();
  }
}

void Connection::Flush() {
  if (writing_now_ || out_.empty() || state_ == State::kClosing || state_ == State::kClosed) return;
  auto* stream = reinterpret_cast<uv_stream_t*>(&tcp_);
  uv_buf_t b = uv_buf_init(out_.data(), static_cast<unsigned>(out_.size()));
  int n = uv_try_write(stream, &b, 1);
  if (n == static_cast<int>(out_.size())) {
    out_.clear();
    return;
  }
  if (n < 0 && n != UV_EAGAIN) {
    Fail(std::string("write: ") + uv_strerror(n));
    return;
  }
  if (n > 0) out_.erase(0, static_cast<size_t>(n));
  writing_.swap(out_);
  out_.clear();
  b = uv_buf_init(writing_.data(), static_cast<unsigned>(writing_.size()));
  writing_now_ = true;
  int rc = uv_write(&write_req_, stream, &b, 1, OnWriteCb);
  if (rc != 0) {
    writing_now_ = false;
    Fail(std::string("write: ") + uv_strerror(rc));
  }
}

void Connection::OnWriteCb(uv_write_t* req, int status) {
  static_cast<Connection*>(req->data)->OnWritten(status);
}

void Connection::OnWritten(int status) {
  writing_now_ = false;
  writing_.clear();
  if (state_ == State::kClosing || state_ == State::kClosed) return;
  if (status != 0) {
    Fail(std::string("write: ") + uv_strerror(status));
    return;
  }
  Flush();
}

void Connection::Close(bool reconnect) {
  if (state_ == State::kClosing || state_ == State::kClosed) return;
  if (tls_ != nullptr && state_ == State::kOpen && !writing_now_) {
    // A polite close_notify, best effort: the socket closes right after.
    tls_->Close();
    std::string* alert = tls_->pending_output();
    uv_buf_t b = uv_buf_init(alert->data(), static_cast<unsigned>(alert->size()));
    (void)uv_try_write(reinterpret_cast<uv_stream_t*>(&tcp_), &b, 1);
  }
  state_ = State::kClosing;
  reconnect_ = reconnect;
  uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), OnCloseCb);
}

void Connection::OnCloseCb(uv_handle_t* handle) {
  static_cast<Connection*>(handle->data)->OnClosed();
}

void Connection::OnClosed() {
  state_ = State::kClosed;
  tls_.reset();
  in_.clear();
  in_pos_ = 0;
  out_.clear();
  requests_.clear();
  sent_at_.clear();
  parser_ = ResponseParser();
  if (reconnect_ && !shutting_down_ && !user_done_ && driver_->accepting()) Connect();
}

void Connection::Fail(const std::string& what) { driver_->Fail(what); }

}  // namespace amfgate::bench
