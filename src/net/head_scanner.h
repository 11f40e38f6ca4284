// The server's own checks on a request head, before llhttp sees it.
//
// llhttp 8.1 as packaged (built without LLHTTP_STRICT_MODE) accepts things a
// front door must refuse: a bare CR inside a line (CVE-2023-30589), a bare LF
// as a line end, obs-fold continuation lines, HTTP/0.9 request lines and any
// version digits. The HeadScanner walks the head line by line and refuses
// those, and enforces the size limits, so that llhttp is only ever handed a
// complete head whose lines are already known to be well formed:
//
//   request-line = method SP origin-form SP "HTTP/1." ("0" / "1") CRLF
//   header-line  = token ":" *(field-byte) CRLF     ; no space before ':'
//   head         = request-line *header-line CRLF
//
// It is incremental: Scan() is called with the bytes of the head received so
// far (always from the head's first byte, growing), remembers where it
// stopped and looks at each byte once in total. A line is found by its first
// control byte (FindControl, 16 bytes a step): when that is the CR of a
// CRLF, the line holds no control byte, DEL, bare CR or bare LF, so its
// value needs no byte check of its own; any other control byte (HTAB, which
// a value may hold, or a bad one) sends the line down the slow path, which
// finds the LF with memchr and checks the value byte by byte. Both paths
// refuse the same lines with the same status.
//
// Each accepted header line is recorded as spans (offsets from the head's
// first byte): the name, the value without its optional whitespace, and the
// end of the line. The request parser takes the fields from here rather than
// from llhttp's per-field callbacks, and hands llhttp only the lines it
// interprets (see RequestParser).
//
// Results: kAgain (need more bytes), kOk (head_size() bytes form the whole
// head), or an error whose http_status() is 400, 414 (request line too long),
// 431 (header line, header section or header count over its limit), 505 (a
// well-formed version other than 1.0/1.1) and 501 is left to llhttp (unknown
// methods). Limits count bytes without the CRLF for lines and with every
// CRLF for the section.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace amfgate {

struct HeadLimits {
  uint32_t max_request_line = 8192;
  uint32_t max_header_line = 8192;
  uint32_t max_header_section = 32768;
  uint32_t max_headers = 64;
};

// Bytes of the head, as an offset from its first byte and a length.
struct ByteSpan {
  uint32_t offset = 0;
  uint32_t length = 0;
};

struct FieldSpan {
  ByteSpan name;
  ByteSpan value;    // without leading and trailing SP and HTAB
  uint32_t end = 0;  // one past the line's LF
};

class HeadScanner {
 public:
  // Reserves room for max_headers fields, so scanning never allocates.
  explicit HeadScanner(const HeadLimits& limits) : limits_(limits) {
    fields_.reserve(limits.max_headers);
  }

  // Forgets the previous head; the next Scan starts a new one.
  void Reset();
  // `head` holds the head's bytes received so far, starting at its first byte;
  // each call passes the same bytes again plus any new ones.
  Code Scan(std::string_view head);

  size_t head_size() const { return head_size_; }   // valid after kOk
  int http_status() const { return http_status_; }  // valid after an error
  const char* reason() const { return reason_; }    // valid after an error
  uint32_t header_count() const { return header_count_; }
  // The header fields in order; complete after kOk.
  std::span<const FieldSpan> fields() const { return fields_; }
  int version_minor() const { return version_minor_; }  // valid after kOk
  // One past the request line's LF; valid after kOk.
  size_t request_line_end() const { return request_line_end_; }

  bool Validate() const;

 private:
  Code Fail(int status, const char* reason);
  Code NeedMore(size_t received);
  // `line` is a whole line without its CRLF, and the CR follows it in
  // memory. `clean`: the line is known to hold no control byte nor DEL.
  Code CheckRequestLine(std::string_view line, bool clean);
  // Inlined into Scan, its one caller, once per header line.
  [[gnu::always_inline]] Code CheckHeaderLine(std::string_view line, size_t offset, bool clean);

  HeadLimits limits_;
  size_t line_start_ = 0;   // offset of the line being scanned
  size_t scanned_ = 0;      // bytes of that line already searched
  bool slow_line_ = false;  // that line holds a control byte before its CRLF
  size_t request_line_end_ = 0;
  size_t head_size_ = 0;
  uint32_t header_count_ = 0;
  bool seen_request_line_ = false;
  int http_status_ = 0;
  const char* reason_ = "";
  int version_minor_ = 1;
  std::vector<FieldSpan> fields_;
};

}  // namespace amfgate
