#include "cookie_jar.h"

#include <charconv>

namespace amfgate::bench {
namespace {

std::string_view Trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

}  // namespace

bool ParseSetCookie(std::string_view header_value, SetCookie* out) {
  size_t semi = header_value.find(';');
  std::string_view pair = Trim(header_value.substr(0, semi));
  size_t eq = pair.find('=');
  if (eq == std::string_view::npos || eq == 0) return false;
  out->name = Trim(pair.substr(0, eq));
  out->value = Trim(pair.substr(eq + 1));
  out->expired = false;
  while (semi != std::string_view::npos) {
    size_t next = header_value.find(';', semi + 1);
    std::string_view attr = Trim(header_value.substr(semi + 1, next - semi - 1));
    semi = next;
    if (StartsWithNoCase(attr, "max-age=")) {
      std::string_view n = attr.substr(8);
      long long age = 0;
      auto [p, e] = std::from_chars(n.data(), n.data() + n.size(), age);
      if (e == std::errc() && age <= 0) out->expired = true;
    }
  }
  return true;
}

void CookieJar::Apply(const SetCookie& cookie) {
  for (auto it = cookies_.begin(); it != cookies_.end(); ++it) {
    if (it->first == cookie.name) {
      if (cookie.expired) {
        cookies_.erase(it);
      } else {
        it->second.assign(cookie.value);
      }
      Render();
      return;
    }
  }
  if (cookie.expired) return;
  cookies_.emplace_back(std::string(cookie.name), std::string(cookie.value));
  Render();
}

void CookieJar::Set(std::string_view name, std::string_view value) {
  Apply(SetCookie{name, value, false});
}

void CookieJar::Render() {
  header_.clear();
  for (const auto& [n, v] : cookies_) {
    if (!header_.empty()) header_ += "; ";
    header_ += n;
    header_ += '=';
    header_ += v;
  }
}

}  // namespace amfgate::bench
