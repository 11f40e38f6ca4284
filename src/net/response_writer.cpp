#include "net/response_writer.h"

#include <charconv>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "net/http_chars.h"

namespace amfgate {
namespace {

// The decimal digits of `n`, written into `buffer` (24 bytes).
std::string_view Digits(uint64_t n, char* buffer) {
  auto r = std::to_chars(buffer, buffer + 24, n);
  return std::string_view(buffer, static_cast<size_t>(r.ptr - buffer));
}

// Writes into memory the caller has sized: no capacity check per piece.
class HeadWriter {
 public:
  explicit HeadWriter(char* at) : at_(at) {}
  void Put(std::string_view s) {
    if (s.empty()) return;  // an empty view may hold a null pointer: no memcpy from it
    std::memcpy(at_, s.data(), s.size());
    at_ += s.size();
  }
  void PutNumber(uint64_t n) { at_ = std::to_chars(at_, at_ + 20, n).ptr; }
  char* at() const { return at_; }

 private:
  char* at_;
};

// A bound on the head's bytes besides the strings WriteResponse measures:
// the fixed names and lines (about 110 bytes), two numbers of at most 20
// digits and the longest reason phrase (31).
constexpr size_t kFixedHeadBound = 256;

}  // namespace

Result<ResponsePolicy> ResponsePolicy::Make(std::string_view referrer_policy, Duration hsts_max_age,
                                            std::string_view html_csp) {
  if (!IsFieldValue(referrer_policy) || !IsFieldValue(html_csp) || hsts_max_age < 0) {
    return Failure{Code::kInvalidArgument, "security header value holds a forbidden byte", 0};
  }
  ResponsePolicy p;
  if (!referrer_policy.empty()) {
    p.referrer_line_.append("Referrer-Policy: ").append(referrer_policy).append("\r\n");
  }
  char digits[24];
  p.hsts_line_.append("Strict-Transport-Security: max-age=")
      .append(Digits(static_cast<uint64_t>(hsts_max_age / kSecond), digits))
      .append("\r\n");
  if (!html_csp.empty())
    p.csp_line_.append("Content-Security-Policy: ").append(html_csp).append("\r\n");
  return p;
}

DateCache::DateCache() {
  timespec real;
  clock_gettime(CLOCK_REALTIME, &real);
  MonoTime wall = static_cast<MonoTime>(real.tv_sec) * kSecond + real.tv_nsec;
  wall_offset_ = wall - MonotonicNow();
}

std::string_view DateCache::Line(MonoTime now) {
  int64_t second = (now + wall_offset_) / kSecond;
  if (second != second_) {
    second_ = second;
    time_t t = static_cast<time_t>(second);
    struct tm tm;
    gmtime_r(&t, &tm);
    length_ = strftime(line_, sizeof(line_), "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
  }
  return std::string_view(line_, length_);
}

size_t WriteResponse(const Response& response, const ResponseFrame& frame,
                     const ResponsePolicy& policy, std::string_view date_line, std::string* out) {
  // One resize to a bound on the head's size, then plain copies, then a
  // trim: a capacity check per piece would cost more than the copies.
  int status = response.status();
  bool no_body = StatusHasNoBody(status);
  bool csp = !response.has_csp() && response.content_type().starts_with("text/html");
  size_t bound = kFixedHeadBound + date_line.size() + response.content_type().size() +
                 policy.referrer_line().size() + policy.hsts_line().size() +
                 policy.csp_line().size() + response.header_lines().size();
  size_t start = out->size();
  out->resize(start + bound);
  HeadWriter w(out->data() + start);
  w.Put("HTTP/1.1 ");
  w.PutNumber(static_cast<uint64_t>(status));
  w.Put(" ");
  w.Put(ReasonPhrase(status));
  w.Put("\r\n");
  w.Put(date_line);
  if (!response.content_type().empty() && !no_body) {
    w.Put("Content-Type: ");
    w.Put(response.content_type());
    w.Put("\r\n");
  }
  if (!no_body) {
    w.Put("Content-Length: ");
    w.PutNumber(response.body().size());
    w.Put("\r\n");
  }
  if (!frame.keep_alive) {
    w.Put("Connection: close\r\n");
  } else if (frame.version_minor == 0) {
    w.Put("Connection: keep-alive\r\n");
  }
  w.Put("X-Content-Type-Options: nosniff\r\n");
  if (!response.has_referrer_policy()) w.Put(policy.referrer_line());
  if (frame.tls) w.Put(policy.hsts_line());
  if (csp) w.Put(policy.csp_line());
  w.Put(response.header_lines());
  w.Put("\r\n");
  out->resize(static_cast<size_t>(w.at() - out->data()));
  if (!frame.head && !no_body) out->append(response.body());
  return out->size() - start;
}

}  // namespace amfgate
