// HTTP/1.1 response parsing for the load generator.
//
// The load generator reads its own responses with this small parser rather
// than the server's (llhttp) so that a parsing bug in the server cannot be
// masked by the same bug on the client side. It parses one response at a time
// from the front of a connection's input buffer: framing by Content-Length or
// chunked transfer coding (bodies of 1xx/204/304 are empty), the status, and
// the few headers the scenarios check (Content-Type, Connection, Set-Cookie). It is strict where a
// bench must be (a malformed status line or framing is an error, not a guess) and keeps no state
// between responses except how much of the current one it already knows it needs.
//
// A Response's views point into the buffer passed to Parse (or, for chunked
// bodies, into the parser's own storage) and stay valid until that buffer or
// the parser changes. Cost: one pass over the head, one over a chunked body.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace amfgate::bench {

struct Response {
  int status = 0;
  bool keep_alive = true;  // false after `Connection: close` or an HTTP/1.0 reply
  std::string_view content_type;
  std::vector<std::string_view> set_cookies;  // each Set-Cookie value, as sent
  std::string_view body;

  void Reset();
};

class ResponseParser {
 public:
  // Parses the response at the front of `in`. kOk: *out is filled and
  // *consumed says how many bytes it took (the rest belongs to the next
  // response). kAgain: incomplete, call again with more bytes. kMalformed:
  // the reply breaks HTTP/1.1 framing; error() says how.
  Code Parse(std::string_view in, size_t* consumed, Response* out);

  const char* error() const { return error_; }

 private:
  Code Fail(const char* why);
  Code ParseChunked(std::string_view in, size_t head_len, size_t* consumed, Response* out);

  // Once a Content-Length framed head has been seen, the total size the
  // response needs, so that a body arriving in pieces is not re-parsed.
  size_t known_total_ = 0;
  std::string chunked_body_;
  const char* error_ = "";
};

}  // namespace amfgate::bench
