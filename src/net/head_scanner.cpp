#include "net/head_scanner.h"

#include <cstring>

#include "net/http_chars.h"

namespace amfgate {

void HeadScanner::Reset() {
  line_start_ = 0;
  scanned_ = 0;
  slow_line_ = false;
  request_line_end_ = 0;
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

Code HeadScanner::NeedMore(size_t received) {
  // Fail as soon as a partial line can no longer fit (limit plus its CR),
  // rather than buffering up to the section limit first.
  size_t partial = received - line_start_;
  uint32_t limit = seen_request_line_ ? limits_.max_header_line : limits_.max_request_line;
  if (partial > static_cast<size_t>(limit) + 1) {
    return seen_request_line_ ? Fail(431, "header line too long")
                              : Fail(414, "request line too long");
  }
  if (received > limits_.max_header_section) return Fail(431, "header section too large");
  return Code::kAgain;
}

Code HeadScanner::Scan(std::string_view head) {
  if (http_status_ != 0) return Code::kMalformed;
  if (head_size_ != 0) return Code::kOk;
  const char* data = head.data();
  const size_t size = head.size();
  for (;;) {
    size_t from = line_start_ + scanned_;
    size_t lf_at = 0;
    if (!slow_line_) {
      size_t at = from + FindControl(data + from, size - from);
      if (at + 1 < size && data[at] == '\r' && data[at + 1] == '\n') {
        lf_at = at + 1;
      } else if (at == size || (at + 1 == size && data[at] == '\r')) {
        // No control byte yet, or a CR whose LF is still to come: look at
        // that CR again with the next bytes.
        scanned_ = at - line_start_;
        return NeedMore(size);
      } else {
        slow_line_ = true;
        from = at;
      }
    }
    if (slow_line_) {
      const void* lf = std::memchr(data + from, '\n', size - from);
      if (lf == nullptr) {
        scanned_ = size - line_start_;
        return NeedMore(size);
      }
      lf_at = static_cast<const char*>(lf) - data;
      if (lf_at == line_start_ || data[lf_at - 1] != '\r') return Fail(400, "bare LF in head");
    }
    size_t next = lf_at + 1;
    bool clean = !slow_line_;
    std::string_view line(data + line_start_, lf_at - 1 - line_start_);
    if (!seen_request_line_) {
      if (Code c = CheckRequestLine(line, clean); c != Code::kOk) return c;
      seen_request_line_ = true;
      request_line_end_ = next;
    } else if (line.empty()) {
      if (next > limits_.max_header_section) return Fail(431, "header section too large");
      head_size_ = next;
      return Code::kOk;
    } else if (Code c = CheckHeaderLine(line, line_start_, clean); c != Code::kOk) {
      return c;
    }
    if (next > limits_.max_header_section) return Fail(431, "header section too large");
    line_start_ = next;
    scanned_ = 0;
    slow_line_ = false;
  }
}

Code HeadScanner::CheckRequestLine(std::string_view line, bool clean) {
  if (line.size() > limits_.max_request_line) return Fail(414, "request line too long");
  if (!clean && line.find('\r') != std::string_view::npos)
    return Fail(400, "bare CR in request line");
  // The method runs up to the first byte that is not a tchar, which must be
  // the space; the target up to the first byte that is not a target byte
  // (SP is not one), which must be the second space. Neither loop tests for
  // the line's end: the CR after it is neither, and stops them. They look at
  // two bytes a step, the second only when the first passed, so never past
  // the CR.
  const unsigned char* p = reinterpret_cast<const unsigned char*>(line.data());
  size_t sp1 = 0;
  while (IsTchar(p[sp1])) ++sp1;
  if (sp1 == 0 || sp1 == line.size() || line[sp1] != ' ') return Fail(400, "bad method");
  size_t sp2 = sp1 + 1;
  while (IsTargetByte(p[sp2]) && IsTargetByte(p[sp2 + 1])) sp2 += 2;
  if (IsTargetByte(p[sp2])) ++sp2;
  // "GET /" with no version is an HTTP/0.9 request: never answered as one.
  if (sp2 == line.size()) return Fail(400, "request line without version (HTTP/0.9)");
  if (line[sp2] != ' ') return Fail(400, "bad byte in request target");
  if (sp2 == sp1 + 1 || line[sp1 + 1] != '/') return Fail(400, "request target not in origin form");
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

[[gnu::always_inline]] inline Code HeadScanner::CheckHeaderLine(std::string_view line,
                                                                size_t offset, bool clean) {
  // A line that starts with whitespace continues the previous one (obs-fold);
  // RFC 9112 lets a server reject it, and a front door must.
  if (line[0] == ' ' || line[0] == '\t') return Fail(400, "obs-fold header line");
  if (line.size() > limits_.max_header_line) return Fail(431, "header line too long");
  if (++header_count_ > limits_.max_headers) return Fail(431, "too many header lines");
  // The name runs up to the first byte that is not a tchar, which must be
  // the colon: one pass finds it and checks the name. As in the request
  // line, the CR after the line stops the loops that look for no end.
  const unsigned char* p = reinterpret_cast<const unsigned char*>(line.data());
  size_t colon = 0;
  while (IsTchar(p[colon]) && IsTchar(p[colon + 1])) colon += 2;
  if (IsTchar(p[colon])) ++colon;
  if (colon == 0 || colon == line.size() || line[colon] != ':') return Fail(400, "bad header name");
  size_t first = colon + 1;
  if (!clean) {
    size_t bad = first + FindNonFieldByte(line.substr(first));
    if (bad != line.size())
      return Fail(400, line[bad] == '\r' ? "bare CR in header" : "control byte in header value");
  }
  while (p[first] == ' ' || p[first] == '\t') ++first;
  size_t last = line.size();
  while (last > first && (p[last - 1] == ' ' || p[last - 1] == '\t')) --last;
  // Offsets fit in 32 bits: a line starts within max_header_section.
  uint32_t at = static_cast<uint32_t>(offset);
  fields_.push_back(
      FieldSpan{ByteSpan{at, static_cast<uint32_t>(colon)},
                ByteSpan{at + static_cast<uint32_t>(first), static_cast<uint32_t>(last - first)},
                at + static_cast<uint32_t>(line.size() + 2)});
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
