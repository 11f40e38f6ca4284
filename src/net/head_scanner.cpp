#include "net/head_scanner.h"

#include <cstring>

#include "net/http_chars.h"

namespace amfgate {

void HeadScanner::Reset() {
  line_start_ = 0;
  scanned_ = 0;
  head_size_ = 0;
  header_count_ = 0;
  seen_request_line_ = false;
  http_status_ = 0;
  reason_ = "";
  version_minor_ = 1;
  fields_.clear();
}

Code HeadScanner::Fail(int status, const char* reason) {
  http_status_ = status;
  reason_ = reason;
  return Code::kMalformed;
}

Code HeadScanner::Scan(std::string_view head) {
  if (http_status_ != 0) return Code::kMalformed;
  if (head_size_ != 0) return Code::kOk;
  for (;;) {
    size_t from = line_start_ + scanned_;
    const void* lf =
        from < head.size() ? std::memchr(head.data() + from, '\n', head.size() - from) : nullptr;
    if (lf == nullptr) {
      scanned_ = head.size() - line_start_;
      // Fail as soon as a partial line can no longer fit (limit plus its CR),
      // rather than buffering up to the section limit first.
      uint32_t limit = seen_request_line_ ? limits_.max_header_line : limits_.max_request_line;
      if (scanned_ > static_cast<size_t>(limit) + 1) {
        return seen_request_line_ ? Fail(431, "header line too long")
                                  : Fail(414, "request line too long");
      }
      if (head.size() > limits_.max_header_section) return Fail(431, "header section too large");
      return Code::kAgain;
    }
    size_t lf_at = static_cast<const char*>(lf) - head.data();
    size_t next = lf_at + 1;
    if (lf_at == line_start_ || head[lf_at - 1] != '\r') return Fail(400, "bare LF in head");
    std::string_view line = head.substr(line_start_, lf_at - 1 - line_start_);
    if (!seen_request_line_) {
      if (Code c = CheckRequestLine(line); c != Code::kOk) return c;
      seen_request_line_ = true;
    } else if (line.empty()) {
      if (next > limits_.max_header_section) return Fail(431, "header section too large");
      head_size_ = next;
      return Code::kOk;
    } else if (Code c = CheckHeaderLine(line, line_start_); c != Code::kOk) {
      return c;
    }
    if (next > limits_.max_header_section) return Fail(431, "header section too large");
    line_start_ = next;
    scanned_ = 0;
  }
}

Code HeadScanner::CheckRequestLine(std::string_view line) {
  if (line.size() > limits_.max_request_line) return Fail(414, "request line too long");
  if (line.find('\r') != std::string_view::npos) return Fail(400, "bare CR in request line");
  size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos || !IsToken(line.substr(0, sp1)))
    return Fail(400, "bad method");
  size_t sp2 = line.find(' ', sp1 + 1);
  // "GET /" with no version is an HTTP/0.9 request: never answered as one.
  if (sp2 == std::string_view::npos) return Fail(400, "request line without version (HTTP/0.9)");
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (target.empty() || target[0] != '/') return Fail(400, "request target not in origin form");
  for (unsigned char c : target) {
    if (!IsTargetByte(c)) return Fail(400, "bad byte in request target");
  }
  std::string_view version = line.substr(sp2 + 1);
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || !digit(version[5]) ||
      version[6] != '.' || !digit(version[7])) {
    return Fail(400, "bad HTTP version");
  }
  if (version[5] != '1' || (version[7] != '0' && version[7] != '1'))
    return Fail(505, "unsupported HTTP version");
  version_minor_ = version[7] - '0';
  return Code::kOk;
}

Code HeadScanner::CheckHeaderLine(std::string_view line, size_t offset) {
  // A line that starts with whitespace continues the previous one (obs-fold);
  // RFC 9112 lets a server reject it, and a front door must.
  if (line[0] == ' ' || line[0] == '\t') return Fail(400, "obs-fold header line");
  if (line.size() > limits_.max_header_line) return Fail(431, "header line too long");
  if (++header_count_ > limits_.max_headers) return Fail(431, "too many header lines");
  // The name runs up to the first byte that is not a tchar, which must be
  // the colon: one pass finds it and checks the name.
  size_t colon = 0;
  while (colon < line.size() && IsTchar(static_cast<unsigned char>(line[colon]))) ++colon;
  if (colon == 0 || colon == line.size() || line[colon] != ':') return Fail(400, "bad header name");
  std::string_view value = line.substr(colon + 1);
  size_t bad = FindNonFieldByte(value);
  if (bad != value.size())
    return Fail(400, value[bad] == '\r' ? "bare CR in header" : "control byte in header value");
  // Offsets fit in 32 bits: a line starts within max_header_section.
  uint32_t at = static_cast<uint32_t>(offset);
  uint32_t name_length = static_cast<uint32_t>(colon);
  fields_.push_back(FieldSpan{ByteSpan{at, name_length},
                              ByteSpan{at + name_length + 1, static_cast<uint32_t>(value.size())}});
  return Code::kOk;
}

bool HeadScanner::Validate() const {
  if (http_status_ != 0 && head_size_ != 0) return false;
  if (head_size_ != 0 && head_size_ > limits_.max_header_section) return false;
  if (header_count_ > limits_.max_headers && http_status_ == 0) return false;
  if (fields_.size() > header_count_) return false;
  return true;
}

}  // namespace amfgate
