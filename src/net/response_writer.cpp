#include "net/response_writer.h"

#include <charconv>
#include <cstdio>
#include <ctime>

#include "net/http_chars.h"

namespace amfgate {
namespace {

void AppendNumber(std::string* out, uint64_t n) {
  char digits[24];
  auto r = std::to_chars(digits, digits + sizeof(digits), n);
  out->append(digits, r.ptr);
}

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
  p.hsts_line_.append("Strict-Transport-Security: max-age=");
  AppendNumber(&p.hsts_line_, static_cast<uint64_t>(hsts_max_age / kSecond));
  p.hsts_line_.append("\r\n");
  if (!html_csp.empty()) p.csp_line_.append("Content-Security-Policy: ").append(html_csp).append("\r\n");
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

size_t WriteResponse(const Response& response, const ResponseFrame& frame, const ResponsePolicy& policy,
                     std::string_view date_line, std::string* out) {
  size_t start = out->size();
  int status = response.status();
  out->append("HTTP/1.1 ");
  AppendNumber(out, static_cast<uint64_t>(status));
  out->push_back(' ');
  out->append(ReasonPhrase(status));
  out->append("\r\n");
  out->append(date_line);
  bool no_body = StatusHasNoBody(status);
  if (!response.content_type().empty() && !no_body) {
    out->append("Content-Type: ").append(response.content_type()).append("\r\n");
  }
  if (!no_body) {
    out->append("Content-Length: ");
    AppendNumber(out, response.body().size());
    out->append("\r\n");
  }
  if (!frame.keep_alive) {
    out->append("Connection: close\r\n");
  } else if (frame.version_minor == 0) {
    out->append("Connection: keep-alive\r\n");
  }
  out->append("X-Content-Type-Options: nosniff\r\n");
  if (!response.has_referrer_policy()) out->append(policy.referrer_line());
  if (frame.tls) out->append(policy.hsts_line());
  if (!response.has_csp() && response.content_type().starts_with("text/html")) out->append(policy.csp_line());
  out->append(response.header_lines());
  out->append("\r\n");
  if (!frame.head && !no_body) out->append(response.body());
  return out->size() - start;
}

}  // namespace amfgate
