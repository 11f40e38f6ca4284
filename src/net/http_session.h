// One connection's HTTP/1.x conversation, independent of sockets and TLS.
//
// The transport (net/connection.h, or a test or fuzzer) puts received
// plaintext into ReadSpace()/Received() and calls Process(), which parses the
// buffered requests one at a time, runs each one's handler, and appends the
// responses, in request order, to the transport's output string. The session
// never does I/O and never reads a clock: `now` comes from the caller.
//
// Pipelining and backpressure: Process stops (paused() turns true) when the
// transport's unsent backlog plus what this call produced reaches
// max_pipelined responses or half of max_write_queue bytes; the unparsed
// requests wait in the buffer, and the transport stops reading until its
// writes drain and it calls Process again. Each call answers at most
// max_pipelined requests, which bounds the work per read callback.
//
// A response that would take the unsent backlog past max_write_queue while
// older bytes still wait is dropped and the session ends (overflowed()).
//
// Termination: after a parse error the session appends the error response
// (with `Connection: close`) and is done(): it never parses another byte.
// It is also done after a response that closes the connection (the client's
// `Connection: close`, HTTP/1.0 without keep-alive, the per-connection
// request limit, a handler's SetClose, or draining).
//
// Deadlines belong to the transport; phase() and phase_since() tell it which
// one applies: kIdle (no byte of the next request yet), kHead (since the
// request's first byte), kBody (since the end of the head).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/clock.h"
#include "net/http_message.h"
#include "net/input_buffer.h"
#include "net/request_parser.h"
#include "net/response_writer.h"
#include "net/router.h"
#include "net/server.h"

namespace amfgate {

// What every connection of a server shares; owned by the server.
struct HttpShared {
  ServerLimits limits;
  ResponsePolicy policy;
  DateCache date;
  BufferPool* pool = nullptr;
  ServerStats* stats = nullptr;
  bool draining = false;
};

// The parser's share of the server's limits.
ParserLimits ParserLimitsFrom(const ServerLimits& limits);

// What a connection knows about itself, fixed at accept.
struct ConnectionInfo {
  PeerAddress peer;
  std::string peer_text;
  bool tls = false;
  uint16_t local_port = 0;
};

class HttpSession {
 public:
  enum class Phase : unsigned char { kIdle, kHead, kBody };

  struct Backlog {
    uint64_t bytes = 0;      // written to the transport, not yet sent
    uint32_t responses = 0;  // responses among those bytes
  };

  // All three must outlive the session.
  HttpSession(HttpShared* shared, const Router* router, const ConnectionInfo* info);
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  // Room for received bytes; empty when the session cannot take more now.
  std::span<char> ReadSpace();
  void Received(size_t n, MonoTime now);

  // Returns the number of responses appended to *out.
  uint32_t Process(MonoTime now, Backlog backlog, std::string* out);

  Phase phase() const { return phase_; }
  MonoTime phase_since() const { return phase_since_; }
  bool paused() const { return paused_; }
  bool done() const { return done_; }
  // The session ended because the client let max_write_queue bytes pile up.
  bool overflowed() const { return overflowed_; }
  // Nothing of a next request has arrived (a draining server may close).
  bool idle() const { return phase_ == Phase::kIdle && input_.empty(); }
  uint64_t requests() const { return requests_; }
  // The status of the error response that ended the session, or 0.
  int error_status() const { return error_status_; }
  const char* error_reason() const { return error_reason_; }

  // Answers with `status` and ends the session (timeouts use 408).
  void Abort(int status, const char* reason, MonoTime now, std::string* out);

  bool Validate() const;

 private:
  bool SkipEmptyLines();
  void Dispatch(MonoTime now, std::string* out);
  void WriteError(int status, const char* reason, MonoTime now, std::string* out);
  void Count(int status);

  HttpShared* shared_;
  const Router* router_;
  const ConnectionInfo* info_;
  InputBuffer input_;
  RequestParser parser_;
  Response response_;
  std::vector<HeaderField> fields_;
  Phase phase_ = Phase::kIdle;
  MonoTime phase_since_ = 0;
  MonoTime request_since_ = 0;
  uint64_t requests_ = 0;
  bool paused_ = false;
  bool done_ = false;
  bool continue_sent_ = false;
  bool overflowed_ = false;
  int error_status_ = 0;
  const char* error_reason_ = "";
};

}  // namespace amfgate
