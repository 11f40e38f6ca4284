#include "net/request_parser.h"

#include "net/http_chars.h"

namespace amfgate {
namespace {

RequestParser* Self(llhttp_t* p) { return static_cast<RequestParser*>(p->data); }

Method MethodFromLlhttp(uint8_t m) {
  switch (m) {
    case HTTP_GET:
      return Method::kGet;
    case HTTP_HEAD:
      return Method::kHead;
    case HTTP_POST:
      return Method::kPost;
    case HTTP_PUT:
      return Method::kPut;
    case HTTP_DELETE:
      return Method::kDelete;
    case HTTP_OPTIONS:
      return Method::kOptions;
    case HTTP_PATCH:
      return Method::kPatch;
    default:
      return Method::kOther;
  }
}

// reg-name, IPv4, IP-literal in brackets, optional port: the bytes RFC 3986
// allows there. Anything else (spaces, '/', '@', '\\') is refused.
bool IsHostValue(std::string_view v) {
  if (v.empty()) return false;
  for (unsigned char c : v) {
    if (!IsHostByte(c)) return false;
  }
  return true;
}

// Content-Length as llhttp 8.1 reads it: after the optional whitespace
// before the value (which the scanner trimmed), one or more digits without
// overflow, then only spaces up to the line's CR (llhttp refuses a tab
// there). `value` is the trimmed value, `line_rest` what follows it up to the
// CR.
bool ParseContentLength(std::string_view value, std::string_view line_rest, uint64_t* out) {
  if (value.empty() || line_rest.find('\t') != std::string_view::npos) return false;
  uint64_t n = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return false;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (n > (UINT64_MAX - digit) / 10) return false;
    n = n * 10 + digit;
  }
  *out = n;
  return true;
}

bool EndsWithCrlf(const char* base, size_t pos) {
  return pos >= 2 && base[pos - 2] == '\r' && base[pos - 1] == '\n';
}

}  // namespace

RequestParser::RequestParser(const ParserLimits& limits) : limits_(limits), scanner_(limits.head) {
  Reset();
}

const llhttp_settings_t* RequestParser::Settings() {
  static const llhttp_settings_t settings = [] {
    llhttp_settings_t s;
    llhttp_settings_init(&s);
    s.on_url = OnUrl;
    s.on_header_field_complete = OnHeaderFieldComplete;
    s.on_headers_complete = OnHeadersComplete;
    s.on_body = OnBody;
    s.on_chunk_header = OnChunkHeader;
    s.on_chunk_complete = OnChunkComplete;
    s.on_message_complete = OnMessageComplete;
    return s;
  }();
  return &settings;
}

void RequestParser::Reset() {
  scanner_.Reset();
  llhttp_init(&llhttp_, HTTP_REQUEST, Settings());
  llhttp_.data = this;
  base_ = nullptr;
  head_done_ = false;
  chunked_ = false;
  message_done_ = false;
  keep_alive_ = true;
  expect_continue_ = false;
  method_ = Method::kOther;
  version_minor_ = 1;
  head_size_ = 0;
  content_length_ = 0;
  content_length_value_ = Span();
  content_length_rest_ = Span();
  raw_pos_ = 0;
  wanted_ = 0;
  consumed_ = 0;
  http_status_ = 0;
  reason_ = "";
  url_ = Span();
  llhttp_fields_ = 0;
  fed_fields_ = 0;
  hosts_ = 0;
  transfer_encodings_ = 0;
  content_lengths_ = 0;
  host_ = Span();
  transfer_encoding_ = Span();
  expect_ = Span();
  chunked_body_.clear();
}

Code RequestParser::Fail(int status, const char* reason) {
  if (http_status_ == 0) {
    http_status_ = status;
    reason_ = reason;
  }
  return Code::kMalformed;
}

Code RequestParser::FailFromLlhttp(llhttp_errno_t err) {
  switch (err) {
    case HPE_INVALID_METHOD:
      return Fail(501, "unknown method");
    case HPE_INVALID_VERSION:
      return Fail(505, "unsupported HTTP version");
    case HPE_INVALID_CONTENT_LENGTH:
      return Fail(400, "bad Content-Length");
    case HPE_UNEXPECTED_CONTENT_LENGTH:
      return Fail(400, "Content-Length with Transfer-Encoding");
    case HPE_INVALID_TRANSFER_ENCODING:
      return Fail(400, "bad Transfer-Encoding");
    case HPE_INVALID_CHUNK_SIZE:
      return Fail(400, "bad chunk size");
    default:
      return Fail(400, "malformed request");
  }
}

RequestParser::Span RequestParser::SpanOf(const char* at, size_t length) const {
  return Span{static_cast<uint32_t>(at - base_), static_cast<uint32_t>(length)};
}

Code RequestParser::Parse(std::string_view bytes) {
  if (http_status_ != 0) return Code::kMalformed;
  if (consumed_ != 0) return Code::kOk;
  base_ = bytes.data();
  Code c = head_done_ ? ParseBody(bytes) : ParseHead(bytes);
  base_ = nullptr;
  return c;
}

Code RequestParser::ParseHead(std::string_view bytes) {
  Code c = scanner_.Scan(bytes);
  if (c == Code::kAgain) {
    wanted_ = bytes.size() + 1;
    return c;
  }
  if (c != Code::kOk) return Fail(scanner_.http_status(), scanner_.reason());
  head_size_ = scanner_.head_size();
  version_minor_ = scanner_.version_minor();
  llhttp_errno_t err = ExecuteHead(bytes);
  if (http_status_ != 0) return Code::kMalformed;  // a callback refused the head
  if (err != HPE_OK && err != HPE_PAUSED && err != HPE_PAUSED_UPGRADE) return FailFromLlhttp(err);
  if (llhttp_fields_ != fed_fields_) return Fail(400, "header lines and fields disagree");
  head_done_ = true;
  raw_pos_ = head_size_;
  // Without a chunked body llhttp, which never saw a Content-Length, has
  // completed the message at the head's end; with one it waits for chunks.
  if (message_done_ == chunked_) return Fail(400, "unexpected parser state after head");
  if (chunked_ && err != HPE_OK) return Fail(400, "unexpected parser state after head");
  return ParseBody(bytes);
}

llhttp_errno_t RequestParser::ExecuteHead(std::string_view bytes) {
  const char* data = bytes.data();
  llhttp_errno_t err = HPE_OK;
  // The pieces for llhttp, in order; touching pieces go in one call.
  size_t run_start = 0;
  size_t run_end = scanner_.request_line_end();
  auto feed = [&](size_t start, size_t end) {
    if (start != run_end) {
      err = llhttp_execute(&llhttp_, data + run_start, run_end - run_start);
      run_start = start;
    }
    run_end = end;
    return err == HPE_OK && http_status_ == 0;
  };
  // The length picks the one name a field can be, so most fields cost a
  // single comparison (or none).
  for (const FieldSpan& f : scanner_.fields()) {
    const char* name = data + f.name.offset;
    bool interpreted = false;
    switch (f.name.length) {
      case 4:
        if (EqualsIgnoreCaseN(name, "host", 4)) {
          ++hosts_;
          host_ = f.value;
        }
        break;
      case 6:
        if (EqualsIgnoreCaseN(name, "expect", 6)) expect_ = f.value;
        break;
      case 7:
        interpreted = EqualsIgnoreCaseN(name, "upgrade", 7);
        break;
      case 10:
        interpreted = EqualsIgnoreCaseN(name, "connection", 10);
        break;
      case 14:
        // Read here, not by llhttp: see CheckHead.
        if (EqualsIgnoreCaseN(name, "content-length", 14)) {
          ++content_lengths_;
          content_length_value_ = f.value;
          content_length_rest_ =
              Span{f.value.offset + f.value.length, f.end - 2 - (f.value.offset + f.value.length)};
        }
        break;
      case 16:
        interpreted = EqualsIgnoreCaseN(name, "proxy-connection", 16);
        break;
      case 17:
        interpreted = EqualsIgnoreCaseN(name, "transfer-encoding", 17);
        if (interpreted) {
          ++transfer_encodings_;
          transfer_encoding_ = f.value;
        }
        break;
      default:
        break;
    }
    if (!interpreted) continue;
    ++fed_fields_;
    if (!feed(f.name.offset, f.end)) return err;
  }
  if (!feed(head_size_ - 2, head_size_)) return err;
  return llhttp_execute(&llhttp_, data + run_start, run_end - run_start);
}

int RequestParser::OnUrl(llhttp_t* p, const char* at, size_t length) {
  RequestParser* self = Self(p);
  // The head is handed over in one piece, so the URL arrives in one span;
  // a second one would mean the bytes were not what the scanner saw.
  if (self->url_.length != 0) return -1;
  self->url_ = self->SpanOf(at, length);
  return 0;
}

int RequestParser::OnHeaderFieldComplete(llhttp_t* p) {
  RequestParser* self = Self(p);
  if (self->head_done_) {
    self->Fail(400, "trailer fields are not accepted");
    return -1;
  }
  if (self->llhttp_fields_ >= self->limits_.head.max_headers) {
    self->Fail(431, "too many header lines");
    return -1;
  }
  ++self->llhttp_fields_;
  return 0;
}

int RequestParser::OnHeadersComplete(llhttp_t* p) {
  return Self(p)->CheckHead() == Code::kOk ? 0 : -1;
}

Code RequestParser::CheckHead() {
  std::string_view head(base_, head_size_);
  // llhttp is never handed the Content-Length lines, so that it completes a
  // message at the end of its head and the body is counted here instead of
  // run through llhttp. What llhttp would refuse at those lines, or at the
  // end of the head before this callback (a Content-Length next to any
  // Transfer-Encoding), is refused first, with its status (400).
  if (content_lengths_ > 0) {
    if (content_lengths_ > 1) return Fail(400, "repeated Content-Length");
    if (!ParseContentLength(View(head, content_length_value_), View(head, content_length_rest_),
                            &content_length_)) {
      return Fail(400, "bad Content-Length");
    }
    if (transfer_encodings_ > 0) return Fail(400, "Content-Length with Transfer-Encoding");
  }
  method_ = MethodFromLlhttp(llhttp_.method);
  if (llhttp_.method == HTTP_CONNECT) return Fail(501, "CONNECT is not supported");
  if (llhttp_.http_major != 1 || llhttp_.http_minor != version_minor_)
    return Fail(400, "version mismatch");
  if (hosts_ == 0) return Fail(400, "missing Host");
  if (hosts_ > 1) return Fail(400, "repeated Host");
  if (!IsHostValue(View(head, host_))) return Fail(400, "bad Host");
  if (transfer_encodings_ > 0) {
    if (version_minor_ == 0) return Fail(400, "Transfer-Encoding on HTTP/1.0");
    if (transfer_encodings_ > 1 || !EqualsIgnoreCase(View(head, transfer_encoding_), "chunked"))
      return Fail(501, "unsupported Transfer-Encoding");
  }
  chunked_ = (llhttp_.flags & F_CHUNKED) != 0;
  if (transfer_encodings_ > 0 && !chunked_) return Fail(400, "bad Transfer-Encoding");
  if (content_length_ > limits_.max_body) return Fail(413, "body larger than max_body");
  bool has_body = chunked_ || content_length_ > 0;
  if (expect_.length != 0) {
    if (!EqualsIgnoreCase(View(head, expect_), "100-continue"))
      return Fail(417, "unsupported Expect");
    expect_continue_ = has_body;
  }
  return Code::kOk;
}

Code RequestParser::ParseBody(std::string_view bytes) {
  if (!chunked_) {
    size_t end = head_size_ + content_length_;
    if (bytes.size() < end) {
      wanted_ = end;
      return Code::kAgain;
    }
    consumed_ = end;
    expect_continue_ = false;
    return Code::kOk;
  }
  // Loop even when every byte has been given: after a pause llhttp may owe
  // callbacks that need no more input (the message end after the last chunk).
  for (;;) {
    llhttp_errno_t err = llhttp_execute(&llhttp_, bytes.data() + raw_pos_, bytes.size() - raw_pos_);
    if (http_status_ != 0) return Code::kMalformed;
    if (err == HPE_OK) {
      raw_pos_ = bytes.size();
      break;
    }
    if (err != HPE_PAUSED && err != HPE_PAUSED_UPGRADE) return FailFromLlhttp(err);
    raw_pos_ = static_cast<size_t>(llhttp_get_error_pos(&llhttp_) - bytes.data());
    // Every pause is at the end of a chunk-size line, of chunk data or of
    // the message: each must be a real CRLF, which llhttp does not check.
    if (!EndsWithCrlf(bytes.data(), raw_pos_)) return Fail(400, "chunk framing without CRLF");
    if (message_done_) {
      consumed_ = raw_pos_;
      expect_continue_ = false;
      return Code::kOk;
    }
    llhttp_resume(&llhttp_);
  }
  wanted_ = bytes.size() + 1;
  return Code::kAgain;
}

int RequestParser::OnBody(llhttp_t* p, const char* at, size_t length) {
  RequestParser* self = Self(p);
  if (self->chunked_) self->chunked_body_.append(at, length);
  return 0;
}

int RequestParser::OnChunkHeader(llhttp_t* p) {
  RequestParser* self = Self(p);
  if (p->content_length > self->limits_.max_body - self->chunked_body_.size()) {
    self->Fail(413, "body larger than max_body");
    return -1;
  }
  return HPE_PAUSED;
}

int RequestParser::OnChunkComplete(llhttp_t*) { return HPE_PAUSED; }

int RequestParser::OnMessageComplete(llhttp_t* p) {
  RequestParser* self = Self(p);
  self->message_done_ = true;
  self->keep_alive_ = llhttp_should_keep_alive(p) != 0;
  return HPE_PAUSED;
}

size_t RequestParser::TakeDiscardable(size_t* offset) {
  // Keep the two bytes before the parse position: the next CRLF check may
  // look back at them.
  if (!chunked_ || !head_done_ || message_done_ || raw_pos_ < head_size_ + 2) return 0;
  size_t n = raw_pos_ - 2 - head_size_;
  raw_pos_ -= n;
  *offset = head_size_;
  return n;
}

void RequestParser::Fill(std::string_view bytes, std::vector<HeaderField>* fields,
                         Request* request) const {
  std::span<const FieldSpan> spans = scanner_.fields();
  fields->resize(spans.size());
  HeaderField* out = fields->data();
  for (const FieldSpan& f : spans) *out++ = HeaderField{View(bytes, f.name), View(bytes, f.value)};
  request->method = method_;
  request->method_text = llhttp_method_name(static_cast<llhttp_method_t>(llhttp_.method));
  request->target = View(bytes, url_);
  size_t q = request->target.find('?');
  request->path = request->target.substr(0, q);
  request->query = q == std::string_view::npos ? std::string_view() : request->target.substr(q + 1);
  request->version_minor = version_minor_;
  request->keep_alive = keep_alive_;
  request->headers = *fields;
  request->body =
      chunked_ ? std::string_view(chunked_body_) : bytes.substr(head_size_, content_length_);
}

bool RequestParser::Validate() const {
  if (!scanner_.Validate()) return false;
  if (message_done_ && !head_done_) return false;
  if (head_done_ && raw_pos_ < head_size_) return false;
  if (chunked_body_.size() > limits_.max_body) return false;
  if (llhttp_fields_ > limits_.head.max_headers) return false;
  return true;
}

}  // namespace amfgate
