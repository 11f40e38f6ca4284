// Serializes a Response into wire bytes, adding the headers the server owns.
//
// The writer appends one complete HTTP/1.1 response to an output string: the
// status line, Date, Content-Type, Content-Length, Connection when it is not
// the version's default, the security headers of ResponsePolicy (nosniff and
// Referrer-Policy always, HSTS on TLS, the default CSP on text/html when the
// handler set none), the handler's own header lines, the blank line, and the
// body unless the request was HEAD or the status has no body (1xx, 204, 304).
// Every handler-supplied value already passed Response::AddHeader's checks;
// the policy strings are checked once when the policy is built.
//
// DateCache keeps the formatted Date line and rebuilds it when the second
// changes, from the loop's monotonic time plus an offset to wall time taken
// once at construction: no clock read per request.
//
// Cost: one pass over the head (a few hundred bytes) plus one copy of the
// body into the output; no allocation once the output has capacity.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"
#include "net/http_message.h"

namespace amfgate {

class ResponsePolicy {
 public:
  ResponsePolicy() = default;
  // Fails when a value holds bytes that may not appear in a header.
  static Result<ResponsePolicy> Make(std::string_view referrer_policy, Duration hsts_max_age,
                                     std::string_view html_csp);

  std::string_view referrer_line() const { return referrer_line_; }
  std::string_view hsts_line() const { return hsts_line_; }
  std::string_view csp_line() const { return csp_line_; }

 private:
  std::string referrer_line_;  // "Referrer-Policy: ...\r\n" or empty
  std::string hsts_line_;      // "Strict-Transport-Security: max-age=N\r\n" or empty
  std::string csp_line_;       // "Content-Security-Policy: ...\r\n" or empty
};

class DateCache {
 public:
  DateCache();
  // "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n" for loop time `now`.
  std::string_view Line(MonoTime now);

 private:
  Duration wall_offset_ = 0;
  int64_t second_ = -1;
  char line_[64] = {};
  size_t length_ = 0;
};

struct ResponseFrame {
  bool head = false;        // the request was HEAD: no body bytes
  bool keep_alive = true;   // the connection stays open after this response
  bool tls = false;
  int version_minor = 1;    // the request's; decides whether Connection is needed
};

// Appends the response; returns the number of bytes appended.
size_t WriteResponse(const Response& response, const ResponseFrame& frame, const ResponsePolicy& policy,
                     std::string_view date_line, std::string* out);

// True when `status` never carries a body (1xx, 204, 304).
inline bool StatusHasNoBody(int status) { return status < 200 || status == 204 || status == 304; }

}  // namespace amfgate
