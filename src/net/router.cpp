#include "net/router.h"

#include <algorithm>

#include "net/http_chars.h"

namespace amfgate {

size_t Router::StringHash::operator()(std::string_view s) const {
  constexpr uint64_t kMultiplier = 0x9e3779b97f4a7c15ull;
  const size_t n = s.size();
  uint64_t h = n;
  if (n >= 8) {
    h = (h ^ Load8(s.data())) * kMultiplier;
    h ^= Load8(s.data() + n - 8);
  } else if (n >= 4) {
    h ^= Load4(s.data()) << 32 | Load4(s.data() + n - 4);
  } else {
    for (char c : s) h = h << 8 | static_cast<unsigned char>(c);
  }
  h *= kMultiplier;
  return static_cast<size_t>(h ^ h >> 32);
}

Router::Router() {
  not_found_ = [](const Request&, Response& response) { response.Error(404); };
}

Status Router::Exact(std::string path, Handler handler) {
  if (path.empty() || path[0] != '/') {
    return Status::Error(Code::kInvalidArgument, "route path must start with '/': " + path);
  }
  if (!handler) return Status::Error(Code::kInvalidArgument, "route without a handler: " + path);
  if (exact_.contains(path))
    return Status::Error(Code::kInvalidArgument, "route registered twice: " + path);
  exact_.emplace(std::move(path), std::move(handler));
  return Status::Ok();
}

Status Router::Prefix(std::string prefix, Handler handler) {
  if (prefix.empty() || prefix[0] != '/') {
    return Status::Error(Code::kInvalidArgument, "route prefix must start with '/': " + prefix);
  }
  if (!handler) return Status::Error(Code::kInvalidArgument, "route without a handler: " + prefix);
  for (const PrefixRoute& r : prefixes_) {
    if (r.prefix == prefix)
      return Status::Error(Code::kInvalidArgument, "prefix registered twice: " + prefix);
  }
  PrefixRoute route{std::move(prefix), std::move(handler)};
  // Keep the longest prefixes first so the first match is the most specific.
  auto at = std::find_if(prefixes_.begin(), prefixes_.end(), [&](const PrefixRoute& r) {
    return r.prefix.size() < route.prefix.size();
  });
  prefixes_.insert(at, std::move(route));
  return Status::Ok();
}

void Router::SetNotFound(Handler handler) {
  if (handler) not_found_ = std::move(handler);
}

const Handler& Router::Match(std::string_view path) const {
  auto it = exact_.find(path);
  if (it != exact_.end()) return it->second;
  for (const PrefixRoute& r : prefixes_) {
    if (path.starts_with(r.prefix)) return r.handler;
  }
  return not_found_;
}

bool Router::Validate() const {
  if (!not_found_) return false;
  for (size_t i = 1; i < prefixes_.size(); ++i) {
    if (prefixes_[i - 1].prefix.size() < prefixes_[i].prefix.size()) return false;
  }
  for (const auto& [path, handler] : exact_) {
    if (path.empty() || path[0] != '/' || !handler) return false;
  }
  return true;
}

}  // namespace amfgate
