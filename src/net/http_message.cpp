#include "net/http_message.h"

#include <cstdio>
#include <cstring>

#include "net/http_chars.h"

namespace amfgate {

const HeaderField* Request::FindHeader(std::string_view name) const {
  for (const HeaderField& h : headers) {
    if (EqualsIgnoreCase(h.name, name)) return &h;
  }
  return nullptr;
}

std::string_view Request::Header(std::string_view name) const {
  const HeaderField* h = FindHeader(name);
  return h != nullptr ? h->value : std::string_view();
}

size_t Request::CountHeader(std::string_view name) const {
  size_t n = 0;
  for (const HeaderField& h : headers) n += EqualsIgnoreCase(h.name, name) ? 1 : 0;
  return n;
}

bool PercentDecodePath(std::string_view path, std::string* out) {
  out->clear();
  out->reserve(path.size());
  for (size_t i = 0; i < path.size(); ++i) {
    char c = path[i];
    if (c != '%') {
      out->push_back(c);
      continue;
    }
    if (i + 2 >= path.size()) return false;
    int hi = HexValue(path[i + 1]);
    int lo = HexValue(path[i + 2]);
    if (hi < 0 || lo < 0) return false;
    char decoded = static_cast<char>(hi * 16 + lo);
    // An encoded NUL would truncate a file name; an encoded '/' would let
    // "a%2F..%2Fb" look like one segment to the router and two to the disk.
    if (decoded == '\0' || decoded == '/') return false;
    out->push_back(decoded);
    i += 2;
  }
  return true;
}

const char* ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 417:
      return "Expectation Failed";
    case 422:
      return "Unprocessable Content";
    case 426:
      return "Upgrade Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
  }
  return "Unknown";
}

void Response::Reset() {
  status_ = 200;
  headers_.clear();
  content_type_ = std::string_view();
  body_.clear();
  close_ = false;
  has_csp_ = false;
  has_cache_control_ = false;
  has_referrer_policy_ = false;
}

namespace {

// Whether `name`, already known to be as long as `literal`, is that name in
// any case: a constant-length compare, folded inline.
template <size_t N>
bool NameIs(std::string_view name, const char (&literal)[N]) {
  return EqualsIgnoreCaseN(name.data(), literal, N - 1);
}

}  // namespace

Code Response::AddHeader(std::string_view name, std::string_view value) {
  if (!IsToken(name) || !IsFieldValue(value)) return Code::kInvalidArgument;
  // The server writes these itself; a second copy from a handler would make
  // the framing ambiguous (Content-Length, Transfer-Encoding) or contradict
  // the server's decision (Connection, Date, the fixed security headers).
  // The length picks the one or two names a header can be.
  switch (name.size()) {
    case 4:
      if (NameIs(name, "date")) return Code::kInvalidArgument;
      break;
    case 10:
      if (NameIs(name, "connection") || NameIs(name, "keep-alive")) return Code::kInvalidArgument;
      break;
    case 12:
      if (NameIs(name, "content-type")) {
        content_type_storage_.assign(value);
        content_type_ = content_type_storage_;
        return Code::kOk;
      }
      break;
    case 13:
      if (NameIs(name, "cache-control")) has_cache_control_ = true;
      break;
    case 14:
      if (NameIs(name, "content-length")) return Code::kInvalidArgument;
      break;
    case 15:
      if (NameIs(name, "referrer-policy")) has_referrer_policy_ = true;
      break;
    case 17:
      if (NameIs(name, "transfer-encoding")) return Code::kInvalidArgument;
      break;
    case 22:
      if (NameIs(name, "x-content-type-options")) return Code::kInvalidArgument;
      break;
    case 23:
      if (NameIs(name, "content-security-policy")) has_csp_ = true;
      break;
    case 25:
      if (NameIs(name, "strict-transport-security")) return Code::kInvalidArgument;
      break;
    default:
      break;
  }
  value = TrimWhitespace(value);
  size_t at = headers_.size();
  headers_.resize(at + name.size() + value.size() + 4);
  char* out = headers_.data() + at;
  std::memcpy(out, name.data(), name.size());
  out += name.size();
  std::memcpy(out, ": ", 2);
  if (!value.empty()) std::memcpy(out + 2, value.data(), value.size());
  std::memcpy(out + 2 + value.size(), "\r\n", 2);
  return Code::kOk;
}

void Response::SetContentType(std::string_view type) {
  if (!IsFieldValue(type)) return;
  content_type_storage_.assign(TrimWhitespace(type));
  content_type_ = content_type_storage_;
}

void Response::SetNoStore() {
  if (has_cache_control_) return;
  has_cache_control_ = true;
  headers_.append("Cache-Control: no-store\r\n");
}

void Response::Text(int status, std::string_view body) {
  status_ = status;
  SetStaticContentType("text/plain; charset=utf-8");
  body_.assign(body);
}

void Response::Html(int status, std::string_view body) {
  status_ = status;
  SetStaticContentType("text/html; charset=utf-8");
  body_.assign(body);
}

void Response::Redirect(int status, std::string_view location) {
  if (AddHeader("Location", location) != Code::kOk) {
    Error(500);
    return;
  }
  status_ = status;
  body_.clear();
}

void Response::Error(int status) {
  status_ = status;
  SetStaticContentType("text/plain; charset=utf-8");
  body_.clear();
  char line[64];
  int n = std::snprintf(line, sizeof(line), "%d %s\n", status, ReasonPhrase(status));
  body_.append(line, n > 0 ? static_cast<size_t>(n) : 0);
}

bool Response::Validate() const {
  if (!HasValidStatus()) return false;
  if (!IsFieldValue(content_type_)) return false;
  // Every header line is "token: value\r\n" with a clean value: the name
  // runs to the colon, the value's first byte that is not a field byte must
  // be the CR of the line's end.
  std::string_view rest = headers_;
  while (!rest.empty()) {
    size_t colon = 0;
    while (colon < rest.size() && IsTchar(static_cast<unsigned char>(rest[colon]))) ++colon;
    if (colon == 0 || colon == rest.size() || rest[colon] != ':') return false;
    rest.remove_prefix(colon + 1);
    size_t end = FindNonFieldByte(rest);
    if (end + 1 >= rest.size() || rest[end] != '\r' || rest[end + 1] != '\n') return false;
    rest.remove_prefix(end + 2);
  }
  return true;
}

}  // namespace amfgate
