// A client's cookies for one origin, as the load generator keeps them.
//
// Each virtual user holds separate jars for the page (browser) side and the
// gateway (embedded client) side, because the whole point of the handoff is
// that the embedded client does not share the browser's cookies. The jar
// applies Set-Cookie values (a Max-Age of 0 or less deletes) and renders the
// Cookie request header. Attributes other than Max-Age are ignored: every
// request of the bench goes to the one origin and path `/`. Sizes are tiny
// (a few cookies), so lookups are linear.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace amfgate::bench {

// NAME=VALUE and whether the cookie is being deleted, from a Set-Cookie value.
struct SetCookie {
  std::string_view name;
  std::string_view value;
  bool expired = false;  // Max-Age <= 0
};
// False when the value has no NAME=VALUE pair.
bool ParseSetCookie(std::string_view header_value, SetCookie* out);

class CookieJar {
 public:
  void Apply(const SetCookie& cookie);
  void Set(std::string_view name, std::string_view value);
  bool empty() const { return cookies_.empty(); }

  // "a=1; b=2": the value of a Cookie header; empty when the jar is.
  const std::string& header() const { return header_; }

 private:
  void Render();
  std::vector<std::pair<std::string, std::string>> cookies_;
  std::string header_;
};

}  // namespace amfgate::bench
