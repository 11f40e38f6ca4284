// One HTTP/1.x request as a handler sees it, and the response it fills in.
//
// A Request is a set of views into the connection's input buffer. They stay
// valid for the duration of the handler call and not one moment longer: the
// buffer is compacted and refilled as soon as the handler returns. A handler
// that needs a value later copies it. Nothing in a Request is allocated per
// request: the header table is a per-connection array reused across requests.
//
// What the server guarantees about a Request by the time a handler runs:
//  - the head passed the server's own checks on top of llhttp (no bare CR or
//    LF, no obs-fold, HTTP/1.0 or 1.1 only, exactly one Host, no
//    Transfer-Encoding on HTTP/1.0, header names are tokens, values hold no
//    control characters but HTAB);
//  - `target` is in origin form (starts with '/'); `path` is its part before
//    '?' and is NOT percent-decoded (PercentDecodePath does that for callers
//    that map paths to files); `query` is the part after '?', without it;
//  - `body` holds the whole body (Content-Length or de-chunked), within the
//    configured max_body.
//
// A Response is owned by the connection and reused for every request on it
// (Reset keeps its capacity), so filling one allocates nothing once warm.
// AddHeader refuses CR, LF and NUL (and names that are not tokens), so no
// header value the server emits can split a response. The server itself adds
// Date, Content-Length, Connection, and the security headers:
// `X-Content-Type-Options: nosniff`, `Referrer-Policy`, HSTS on TLS, and on
// `text/html` responses a default Content-Security-Policy with
// `frame-ancestors` unless the handler set its own. Handlers add
// `Cache-Control: no-store` (SetNoStore) to anything that carries or sets a
// credential. For HEAD the server sends the head (with the Content-Length of
// the body the handler produced) and drops the body.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"
#include "net/http_chars.h"

namespace amfgate {

enum class Method : unsigned char { kGet, kHead, kPost, kPut, kDelete, kOptions, kPatch, kOther };

// The client's address. IPv4-mapped IPv6 addresses are unmapped, so one
// client has one key whichever listener it used (for rate limits).
struct PeerAddress {
  int family = 0;          // AF_INET or AF_INET6; 0 when unknown
  uint8_t bytes[16] = {};  // 4 significant bytes for AF_INET, 16 for AF_INET6
  uint16_t port = 0;

  std::span<const uint8_t> Bytes() const { return {bytes, family == 10 /* AF_INET6 */ ? 16u : 4u}; }
};

struct HeaderField {
  std::string_view name;   // as sent (case preserved)
  std::string_view value;  // surrounding whitespace removed
};

// ASCII case-insensitive equality, for header names. Inline: most calls
// compare names of different lengths and end at the first test.
inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && EqualsIgnoreCaseN(a.data(), b.data(), a.size());
}

struct Request {
  Method method = Method::kOther;
  std::string_view method_text;  // "GET", "POST", ...
  std::string_view target;       // the request-target as sent
  std::string_view path;         // target up to '?', percent-encoded
  std::string_view query;        // after '?', empty if none
  int version_minor = 1;         // HTTP/1.<version_minor>: 0 or 1
  bool keep_alive = true;        // whether the connection stays open after this request
  std::span<const HeaderField> headers;
  std::string_view body;

  PeerAddress peer;
  std::string_view peer_text;  // "127.0.0.1:50312" or "[::1]:50312"
  bool is_tls = false;
  uint16_t local_port = 0;     // the listener's port
  uint64_t request_index = 0;  // 0 for the first request on the connection
  MonoTime received_at = 0;    // loop time of the request's first byte

  std::string_view scheme() const { return is_tls ? "https" : "http"; }
  // The first value of header `name` (case-insensitive), or an empty view.
  std::string_view Header(std::string_view name) const;
  const HeaderField* FindHeader(std::string_view name) const;
  // How many times header `name` occurs: tells a repeated header apart.
  size_t CountHeader(std::string_view name) const;
};

// Decodes %XX escapes of an URL path into *out. Fails (false) on a bad escape,
// an encoded NUL or an encoded '/' (which would change the path's segments).
bool PercentDecodePath(std::string_view path, std::string* out);

// The standard reason phrase, "Unknown" for codes it does not know.
const char* ReasonPhrase(int status);

// A content type fixed when the program is compiled (a string literal or a
// constexpr view of static storage). Its bytes are checked by the compiler
// (consteval: a CR, LF or other control byte does not compile), so setting it
// costs no scan and no copy: the Response keeps a view of it.
class StaticContentType {
 public:
  consteval StaticContentType(std::string_view type) : type_(type) {
    for (char c : type) {
      auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7f) throw "content type holds a control byte";
    }
    if (!type.empty() && (type.front() == ' ' || type.back() == ' '))
      throw "content type has surrounding whitespace";
  }
  consteval StaticContentType(const char* type) : StaticContentType(std::string_view(type)) {}
  std::string_view view() const { return type_; }

 private:
  std::string_view type_;
};

class Response {
 public:
  Response() = default;
  Response(const Response&) = delete;
  Response& operator=(const Response&) = delete;

  // Clears everything, keeping buffer capacity for the next request.
  void Reset();

  void SetStatus(int status) { status_ = status; }
  int status() const { return status_; }

  // Appends a header line. Fails with kInvalidArgument, adding nothing, when
  // the name is not a token, the value holds CR, LF, NUL or another control
  // byte but HTAB, or the name is one the server manages itself
  // (Content-Length, Transfer-Encoding, Connection, Date). Set-Cookie and
  // other headers may be added several times.
  [[nodiscard]] Code AddHeader(std::string_view name, std::string_view value);
  void SetContentType(std::string_view type);  // replaces an earlier one
  // The same for a type known when compiling: no check or copy per reply.
  void SetStaticContentType(StaticContentType type) { content_type_ = type.view(); }
  void SetNoStore();  // Cache-Control: no-store
  // Asks the server to close the connection after this response.
  void SetClose() { close_ = true; }

  void SetBody(std::string_view body) { body_.assign(body); }
  std::string& mutable_body() { return body_; }
  const std::string& body() const { return body_; }

  // Common cases: status, type and body in one call.
  void Text(int status, std::string_view body);  // text/plain; charset=utf-8
  void Html(int status, std::string_view body);  // text/html; charset=utf-8
  // Location must be free of CR/LF/NUL; a bad one becomes a 500.
  void Redirect(int status, std::string_view location);
  // A short text/plain body with the status and its reason phrase.
  void Error(int status);

  // For the response writer.
  std::string_view header_lines() const { return headers_; }  // "Name: value\r\n"...
  std::string_view content_type() const { return content_type_; }
  bool close() const { return close_; }
  bool has_csp() const { return has_csp_; }
  bool has_cache_control() const { return has_cache_control_; }
  bool has_referrer_policy() const { return has_referrer_policy_; }

  // Whether the status can go on a status line: the one thing a handler can
  // set wrong, since every header byte passed AddHeader's checks on its way
  // in. The server checks this per response, not the whole of Validate().
  bool HasValidStatus() const { return status_ >= 100 && status_ <= 599; }

  // Re-checks every header line and the content type (tests, debugging).
  bool Validate() const;

 private:
  int status_ = 200;
  std::string headers_;
  // Either a static type or a view of content_type_storage_.
  std::string_view content_type_;
  std::string content_type_storage_;
  std::string body_;
  bool close_ = false;
  bool has_csp_ = false;
  bool has_cache_control_ = false;
  bool has_referrer_policy_ = false;
};

}  // namespace amfgate
