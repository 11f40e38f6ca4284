#include "net/http_session.h"

#include <exception>

#include "core/log.h"

namespace amfgate {
namespace {

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace

ParserLimits ParserLimitsFrom(const ServerLimits& l) {
  ParserLimits p;
  p.head.max_request_line = l.max_request_line;
  p.head.max_header_line = l.max_header_line;
  p.head.max_header_section = l.max_header_section;
  p.head.max_headers = l.max_headers;
  p.max_body = l.max_body;
  return p;
}

HttpSession::HttpSession(HttpShared* shared, const Router* router, const ConnectionInfo* info)
    : shared_(shared),
      router_(router),
      info_(info),
      input_(shared->pool),
      parser_(ParserLimitsFrom(shared->limits)) {
  fields_.reserve(shared->limits.max_headers);
}

std::span<char> HttpSession::ReadSpace() {
  if (done_ || paused_) return {};
  return input_.Space();
}

void HttpSession::Received(size_t n, MonoTime now) {
  input_.Commit(n);
  if (phase_ == Phase::kIdle && n > 0) {
    phase_ = Phase::kHead;
    phase_since_ = now;
    request_since_ = now;
  }
}

bool HttpSession::SkipEmptyLines() {
  // RFC 9112 section 2.2: a server should ignore empty lines received before
  // a request line (some clients send CRLF after a POST body).
  std::string_view live = input_.Live();
  size_t skip = 0;
  while (live.size() - skip >= 2 && live[skip] == '\r' && live[skip + 1] == '\n') skip += 2;
  input_.Consume(skip);
  return !input_.empty() && !(input_.size() == 1 && input_.Live()[0] == '\r');
}

uint32_t HttpSession::Process(MonoTime now, Backlog backlog, std::string* out) {
  const ServerLimits& limits = shared_->limits;
  uint32_t produced = 0;
  size_t out_start = out->size();
  paused_ = false;
  while (!done_) {
    uint64_t bytes = backlog.bytes + (out->size() - out_start);
    if (backlog.responses + produced >= limits.max_pipelined ||
        (bytes > 0 && bytes >= limits.max_write_queue / 2)) {
      paused_ = true;
      break;
    }
    if (phase_ != Phase::kBody && !SkipEmptyLines()) {
      if (input_.empty()) {
        phase_ = Phase::kIdle;
        phase_since_ = now;
        input_.ReleaseIfEmpty();
      }
      break;
    }
    Code c = parser_.Parse(input_.Live());
    if (c == Code::kAgain) {
      if (parser_.head_done() && phase_ != Phase::kBody) {
        phase_ = Phase::kBody;
        phase_since_ = now;
      }
      size_t offset = 0;
      size_t discard = parser_.TakeDiscardable(&offset);
      if (discard > 0) input_.Erase(offset, discard);
      if (parser_.expects_continue() && !continue_sent_) {
        out->append(kContinue);
        continue_sent_ = true;
      }
      input_.Reserve(parser_.wanted());
      break;
    }
    if (c != Code::kOk) {
      WriteError(parser_.http_status(), parser_.reason(), now, out);
      ++produced;
      break;
    }
    size_t response_start = out->size();
    Dispatch(now, out);
    // A response that would take the unsent bytes past max_write_queue while
    // older ones still wait means the client is not keeping up: drop it and
    // end the session. A response alone may be larger (a big file), as the
    // transport holds it anyway.
    if (backlog.bytes > 0 && backlog.bytes + (out->size() - out_start) > limits.max_write_queue) {
      out->resize(response_start);
      overflowed_ = true;
      done_ = true;
      break;
    }
    ++produced;
    input_.Consume(parser_.consumed());
    parser_.Reset();
    continue_sent_ = false;
    phase_ = Phase::kHead;
    phase_since_ = now;
    request_since_ = now;
    if (input_.empty()) {
      phase_ = Phase::kIdle;
      input_.ReleaseIfEmpty();
    }
  }
  return produced;
}

void HttpSession::Dispatch(MonoTime now, std::string* out) {
  Request request;
  parser_.Fill(input_.Live(), &fields_, &request);
  request.peer = info_->peer;
  request.peer_text = info_->peer_text;
  request.is_tls = info_->tls;
  request.local_port = info_->local_port;
  request.request_index = requests_;
  request.received_at = request_since_;
  ++requests_;
  const ServerLimits& limits = shared_->limits;
  bool last =
      limits.max_requests_per_connection != 0 && requests_ >= limits.max_requests_per_connection;
  request.keep_alive = request.keep_alive && !last && !shared_->draining;

  response_.Reset();
  // Handlers report errors through the Response; an exception escaping one
  // is a bug, answered with a 500 rather than taking the process down.
  try {
    router_->Dispatch(request, response_);
  } catch (const std::exception& e) {
    LogError("handler for %.*s threw: %s", static_cast<int>(request.path.size()),
             request.path.data(), e.what());
    response_.Reset();
    response_.Error(500);
  }
  if (!response_.HasValidStatus()) {
    response_.Reset();
    response_.Error(500);
  }
  bool keep_alive = request.keep_alive && !response_.close();
  ResponseFrame frame{request.method == Method::kHead, keep_alive, info_->tls,
                      request.version_minor};
  size_t sent = WriteResponse(response_, frame, shared_->policy, shared_->date.Line(now), out);
  ++shared_->stats->requests_total;
  Count(response_.status());
  if (DefaultLogger().access_enabled()) {
    AccessEntry entry;
    entry.peer = info_->peer_text;
    entry.tls = info_->tls;
    entry.method = request.method_text;
    entry.target = request.path;
    entry.version = request.version_minor == 0 ? "HTTP/1.0" : "HTTP/1.1";
    entry.status = response_.status();
    entry.bytes_sent = sent;
    entry.duration = now - request_since_;
    LogAccess(entry);
  }
  if (!keep_alive) done_ = true;
}

void HttpSession::WriteError(int status, const char* reason, MonoTime now, std::string* out) {
  error_status_ = status;
  error_reason_ = reason;
  ++shared_->stats->errors[static_cast<size_t>(NetError::kBadRequest)];
  if (LogEnabled(LogLevel::kDebug)) {
    LogDebug("%s: %d %s", info_->peer_text.c_str(), status, reason);
  }
  response_.Reset();
  response_.Error(status);
  ResponseFrame frame{false, false, info_->tls, 1};
  WriteResponse(response_, frame, shared_->policy, shared_->date.Line(now), out);
  Count(status);
  done_ = true;
}

void HttpSession::Abort(int status, const char* reason, MonoTime now, std::string* out) {
  if (done_) return;
  WriteError(status, reason, now, out);
}

void HttpSession::Count(int status) {
  if (status >= 100 && status < 600) ++shared_->stats->responses_by_code[status];
}

bool HttpSession::Validate() const {
  if (!input_.Validate() || !parser_.Validate()) return false;
  if (done_ && paused_) return false;
  if (error_status_ != 0 && !done_) return false;
  return true;
}

}  // namespace amfgate
