#include "http_response.h"

#include <charconv>

namespace amfgate::bench {
namespace {

constexpr size_t kMaxHead = 64 * 1024;
constexpr size_t kMaxBody = 64 * 1024 * 1024;

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool ContainsTokenNoCase(std::string_view list, std::string_view token) {
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string_view::npos) comma = list.size();
    std::string_view item = list.substr(start, comma - start);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (EqualsNoCase(item, token)) return true;
    start = comma + 1;
  }
  return false;
}

std::string_view Trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

}  // namespace

void Response::Reset() {
  status = 0;
  keep_alive = true;
  content_type = {};
  set_cookies.clear();
  body = {};
}

Code ResponseParser::Fail(const char* why) {
  error_ = why;
  known_total_ = 0;
  return Code::kMalformed;
}

Code ResponseParser::Parse(std::string_view in, size_t* consumed, Response* out) {
  if (known_total_ != 0 && in.size() < known_total_) return Code::kAgain;
  const size_t head_end = in.find("\r\n\r\n");
  if (head_end == std::string_view::npos) {
    return in.size() > kMaxHead ? Fail("response head too large") : Code::kAgain;
  }
  const size_t head_len = head_end + 4;
  out->Reset();

  // Status line: HTTP/1.x SP 3DIGIT SP reason
  size_t line_end = in.find("\r\n");
  std::string_view line = in.substr(0, line_end);
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || (line[7] != '0' && line[7] != '1') ||
      line[8] != ' ' || (line.size() > 12 && line[12] != ' ')) {
    return Fail("bad status line");
  }
  const bool http10 = line[7] == '0';
  int status = 0;
  auto [ptr, ec] = std::from_chars(line.data() + 9, line.data() + 12, status);
  if (ec != std::errc() || ptr != line.data() + 12 || status < 100) return Fail("bad status code");
  out->status = status;
  out->keep_alive = !http10;

  bool have_length = false, chunked = false;
  size_t content_length = 0;
  size_t pos = line_end + 2;
  while (pos < head_end) {
    size_t eol = in.find("\r\n", pos);
    std::string_view h = in.substr(pos, eol - pos);
    pos = eol + 2;
    size_t colon = h.find(':');
    if (colon == std::string_view::npos || colon == 0) return Fail("bad header line");
    std::string_view name = h.substr(0, colon);
    std::string_view value = Trim(h.substr(colon + 1));
    if (EqualsNoCase(name, "content-length")) {
      size_t n = 0;
      auto [p, e] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (e != std::errc() || p != value.data() + value.size() || value.empty() || n > kMaxBody) {
        return Fail("bad Content-Length");
      }
      if (have_length && n != content_length) return Fail("conflicting Content-Length");
      have_length = true;
      content_length = n;
    } else if (EqualsNoCase(name, "transfer-encoding")) {
      if (!ContainsTokenNoCase(value, "chunked")) return Fail("unsupported Transfer-Encoding");
      chunked = true;
    } else if (EqualsNoCase(name, "connection")) {
      if (ContainsTokenNoCase(value, "close")) out->keep_alive = false;
      if (ContainsTokenNoCase(value, "keep-alive")) out->keep_alive = out->keep_alive || http10;
    } else if (EqualsNoCase(name, "content-type")) {
      out->content_type = value;
    } else if (EqualsNoCase(name, "set-cookie")) {
      out->set_cookies.push_back(value);
    }
  }
  if (chunked && have_length) return Fail("both Content-Length and chunked");

  const bool no_body = status < 200 || status == 204 || status == 304;
  if (no_body) {
    *consumed = head_len;
    known_total_ = 0;
    return Code::kOk;
  }
  if (chunked) return ParseChunked(in, head_len, consumed, out);
  if (!have_length)
    return Fail("response without Content-Length (read-until-close is not supported)");
  if (in.size() < head_len + content_length) {
    known_total_ = head_len + content_length;
    return Code::kAgain;
  }
  out->body = in.substr(head_len, content_length);
  *consumed = head_len + content_length;
  known_total_ = 0;
  return Code::kOk;
}

Code ResponseParser::ParseChunked(std::string_view in, size_t head_len, size_t* consumed,
                                  Response* out) {
  chunked_body_.clear();
  size_t pos = head_len;
  for (;;) {
    size_t eol = in.find("\r\n", pos);
    if (eol == std::string_view::npos) return Code::kAgain;
    std::string_view size_line = in.substr(pos, eol - pos);
    size_t semi = size_line.find(';');
    if (semi != std::string_view::npos) size_line = size_line.substr(0, semi);
    size_t size = 0;
    auto [p, e] = std::from_chars(size_line.data(), size_line.data() + size_line.size(), size, 16);
    if (e != std::errc() || p != size_line.data() + size_line.size() || size_line.empty()) {
      return Fail("bad chunk size");
    }
    if (chunked_body_.size() + size > kMaxBody) return Fail("chunked body too large");
    pos = eol + 2;
    if (size == 0) {
      // Trailer section, ended by an empty line.
      for (;;) {
        size_t t = in.find("\r\n", pos);
        if (t == std::string_view::npos) return Code::kAgain;
        bool empty = t == pos;
        pos = t + 2;
        if (empty) break;
      }
      out->body = chunked_body_;
      *consumed = pos;
      return Code::kOk;
    }
    if (in.size() < pos + size + 2) return Code::kAgain;
    if (in.substr(pos + size, 2) != "\r\n") return Fail("chunk not followed by CRLF");
    chunked_body_.append(in.substr(pos, size));
    pos += size + 2;
  }
}

}  // namespace amfgate::bench
