// The client side of fuzz_gateway: the reader of the fuzz program, a
// browser's cookie jar, a reply as the harness sees it, and small text
// helpers. Header-only; included by fuzz_gateway.cpp alone.
#pragma once

#include <mbedtls/sha256.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz_check.h"
#include "web/encoding.h"

namespace amfgate::fuzz {

inline constexpr std::string_view kOrigin = "https://127.0.0.1:8443";
inline constexpr std::string_view kPartner = "https://partner.example";

// Reads the program; past its end every read is 0.
class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return at_ >= size_; }
  uint8_t Byte() { return at_ < size_ ? data_[at_++] : 0; }
  // A short string: a length byte (capped at `max`) and that many bytes.
  std::string Text(size_t max = 48) {
    size_t n = std::min<size_t>(Byte(), max);
    n = std::min(n, size_ - std::min(at_, size_));
    std::string s(reinterpret_cast<const char*>(data_ + at_), n);
    at_ += n;
    return s;
  }
  // Printable ASCII, for strings that go into AMF packets (the gateway
  // refuses invalid UTF-8 before it looks at anything; fuzz_packet covers that).
  std::string Ascii(size_t max = 48) {
    std::string s = Text(max);
    for (char& c : s) c = static_cast<char>(0x20 + static_cast<uint8_t>(c) % 95);
    return s;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t at_ = 0;
};

inline std::string Between(std::string_view text, std::string_view before, std::string_view after) {
  size_t a = text.find(before);
  if (a == std::string_view::npos) return "";
  a += before.size();
  size_t b = text.find(after, a);
  return b == std::string_view::npos ? "" : std::string(text.substr(a, b - a));
}

// Header lines "Name: value\r\n" named `name` (exact case, as the server writes them).
inline std::vector<std::string> HeaderValues(std::string_view lines, std::string_view name) {
  std::vector<std::string> out;
  std::string key = std::string(name) + ": ";
  for (size_t at = lines.find(key); at != std::string_view::npos; at = lines.find(key, at + 1)) {
    if (at != 0 && lines[at - 1] != '\n') continue;
    size_t end = lines.find("\r\n", at);
    out.emplace_back(lines.substr(at + key.size(), end - at - key.size()));
  }
  return out;
}

inline std::string Sha256Base64Url(std::string_view text) {
  unsigned char digest[32];
  FUZZ_CHECK(mbedtls_sha256(reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                            digest, 0) == 0);
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

inline bool IsPlainId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '-'))
      return false;
  }
  return true;
}

struct Browser {
  bool tls = true;
  uint8_t address = 1;  // 10.0.0.address
  std::map<std::string, std::string> jar;
  std::string login_csrf;
  std::string page_csrf;

  std::string Name(std::string_view base) const {
    return (tls ? "__Host-" : "") + std::string(base);
  }
  std::string Get(std::string_view base) const {
    auto it = jar.find(Name(base));
    return it == jar.end() ? "" : it->second;
  }
  std::string CookieHeader() const {
    std::string out;
    for (const auto& [k, v] : jar) out += (out.empty() ? "" : "; ") + k + "=" + v;
    return out;
  }
};

struct Reply {
  int status = 0;
  std::string headers;
  std::string content_type;
  std::string body;
  std::map<std::string, std::string> cookies;  // Set-Cookie name -> value ("" when expired)
};

// The Origin header a request carries: none, the site's own, the site's own
// with a slash (browsers never send a path), a foreign site, or the listed
// partner.
inline std::pair<std::string, std::string> OriginHeader(uint8_t choice) {
  switch (choice % 5) {
    case 1:
      return {"Origin", std::string(kOrigin)};
    case 2:
      return {"Origin", std::string(kOrigin) + "/"};
    case 3:
      return {"Origin", "https://evil.example"};
    case 4:
      return {"Origin", std::string(kPartner)};
    default:
      return {"X-No-Origin", "1"};
  }
}

}  // namespace amfgate::fuzz
