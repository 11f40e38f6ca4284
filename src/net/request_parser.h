// One HTTP/1.x request's framing: the HeadScanner's checks, then llhttp.
//
// The parser looks at the bytes of one request, from its first byte to the
// end of what has been received (`bytes`, passed again on every call, longer
// each time). It never copies the head: the URL and the header fields are
// kept as offsets from the request's first byte, so the caller may move the
// buffer between calls (it only has to keep the request's bytes in order).
//
// Order of work:
//  1. HeadScanner until the head is complete (line checks, size limits).
//  2. One pass over the scanner's fields picks out the ones the parser or
//     llhttp give a meaning to. llhttp then reads the request line, only
//     the header lines whose names it interprets (Connection,
//     Proxy-Connection, Transfer-Encoding, Upgrade) and the blank line, as
//     consecutive pieces of one head; it collects the URL span and counts
//     the fields it saw, and the head is refused unless it saw exactly the
//     lines handed to it. llhttp refuses no line of another name that the
//     scanner accepts (tested over every byte), so skipping those lines
//     changes no answer and spares llhttp most of the head. Content-Length
//     is read by the parser itself, with llhttp's rules (digits, no
//     overflow, trailing spaces only) and refused where llhttp refuses it
//     (repeated, or next to any Transfer-Encoding), so that llhttp ends the
//     message at the head and never runs over a Content-Length body. The
//     fuzz target fuzz_http checks every accepted request against llhttp
//     reading all of its bytes.
//     Then the semantic checks llhttp 8.1 leaves out: exactly one Host,
//     no Transfer-Encoding on HTTP/1.0, Transfer-Encoding only "chunked",
//     no CONNECT, Content-Length within max_body (413 before any body byte
//     is read), Expect handled.
//  3. Content-Length body: waits until all of it is in `bytes`; the body is
//     a view into `bytes`.
//     Chunked body: llhttp parses the chunks as they arrive and the data is
//     appended to an owned buffer; the parser pauses llhttp at every chunk
//     header, chunk end and message end to check that a real CRLF precedes
//     that point (llhttp 8.1 skips whatever two bytes follow chunk data, and
//     one byte after a CR elsewhere). The chunk framing already parsed can be
//     dropped from the input (TakeDiscardable), so a chunked body holds at
//     most max_body bytes plus one read's worth of framing. Trailer fields
//     are refused.
//
// Results of Parse: kAgain (needs more bytes: wanted() says how many bytes
// from the request's start must fit contiguously), kOk (consumed() bytes of
// `bytes` form the whole request), or an error with http_status() and a
// static reason(). After an error the parser stays failed until Reset.
#pragma once

#include <llhttp.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "net/head_scanner.h"
#include "net/http_message.h"

namespace amfgate {

struct ParserLimits {
  HeadLimits head;
  uint64_t max_body = 1024 * 1024;
};

class RequestParser {
 public:
  explicit RequestParser(const ParserLimits& limits);
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  void Reset();
  Code Parse(std::string_view bytes);

  // True once the head is complete and accepted (from the call that said so).
  bool head_done() const { return head_done_; }
  // The client sent `Expect: 100-continue` and the body is still to come.
  bool expects_continue() const { return expect_continue_; }
  size_t wanted() const { return wanted_; }
  size_t consumed() const { return consumed_; }
  int http_status() const { return http_status_; }
  const char* reason() const { return reason_; }

  // Chunked bodies only: the number of framing bytes, starting *offset bytes
  // into the request (the end of the head), that the caller must now delete
  // from the request's bytes. 0 when there is nothing to delete.
  size_t TakeDiscardable(size_t* offset);

  // Builds the request's views over `bytes` (the same bytes the last Parse
  // saw, possibly moved). `fields` is the caller's reusable storage for the
  // header table. Valid after kOk.
  void Fill(std::string_view bytes, std::vector<HeaderField>* fields, Request* request) const;
  bool keep_alive() const { return keep_alive_; }
  Method method() const { return method_; }

  bool Validate() const;

 private:
  using Span = ByteSpan;

  static int OnUrl(llhttp_t* p, const char* at, size_t length);
  static int OnHeaderFieldComplete(llhttp_t* p);
  static int OnHeadersComplete(llhttp_t* p);
  static int OnBody(llhttp_t* p, const char* at, size_t length);
  static int OnChunkHeader(llhttp_t* p);
  static int OnChunkComplete(llhttp_t* p);
  static int OnMessageComplete(llhttp_t* p);
  static const llhttp_settings_t* Settings();

  Code ParseHead(std::string_view bytes);
  llhttp_errno_t ExecuteHead(std::string_view bytes);
  Code ParseBody(std::string_view bytes);
  Code CheckHead();
  Code Fail(int status, const char* reason);
  Code FailFromLlhttp(llhttp_errno_t err);
  Span SpanOf(const char* at, size_t length) const;
  // The spans come from the scanner or llhttp over these same bytes, so
  // they lie within them: no bounds check.
  static std::string_view View(std::string_view bytes, Span s) {
    return std::string_view(bytes.data() + s.offset, s.length);
  }

  ParserLimits limits_;
  HeadScanner scanner_;
  llhttp_t llhttp_;
  const char* base_ = nullptr;  // bytes.data() during the current Parse call

  bool head_done_ = false;
  bool chunked_ = false;
  bool message_done_ = false;
  bool keep_alive_ = true;
  bool expect_continue_ = false;
  Method method_ = Method::kOther;
  int version_minor_ = 1;
  size_t head_size_ = 0;
  uint64_t content_length_ = 0;
  size_t raw_pos_ = 0;  // bytes already given to llhttp, from the request's start
  size_t wanted_ = 0;
  size_t consumed_ = 0;
  int http_status_ = 0;
  const char* reason_ = "";

  Span url_;
  uint32_t llhttp_fields_ = 0;  // header fields llhttp has seen
  // What the pass over the scanner's fields found, for CheckHead.
  uint32_t fed_fields_ = 0;  // header lines handed to llhttp
  uint32_t hosts_ = 0;
  uint32_t transfer_encodings_ = 0;
  uint32_t content_lengths_ = 0;
  Span host_;
  Span content_length_value_;
  Span content_length_rest_;  // after the value, up to the line's CR
  Span transfer_encoding_;
  Span expect_;
  std::string chunked_body_;
};

}  // namespace amfgate
