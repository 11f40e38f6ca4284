// Maps a request path to a handler: exact paths first, then the longest
// matching prefix, then the not-found handler.
//
// Handlers are synchronous: each runs to completion on the loop thread, with
// the Request's views valid for the call, and fills in the Response before it
// returns. A handler must not block (no disk waits longer than a small file
// read, no network); anything slow belongs in its own libuv work outside the
// request. Pipelined requests on one connection are handled one after the
// other in arrival order, so their responses go out in order.
//
// Matching is on the raw (percent-encoded) path: "/gate%77ay" is not
// "/gateway". A prefix such as "/static/" matches "/static/a.swf" but not
// "/static"; register the exact path as well when both should match.
//
// Cost: an exact lookup is one short hash of the path and at most a compare
// per route in its bucket (no allocation); prefixes are
// scanned longest first, so keep their number small (a handful). The tables
// are built at start-up (or on reload) and never change while requests run.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "net/http_message.h"

namespace amfgate {

using Handler = std::function<void(const Request&, Response&)>;

class Router {
 public:
  Router();

  // Paths must start with '/'. Registering the same exact path or prefix
  // twice is an error (kInvalidArgument) and keeps the first.
  Status Exact(std::string path, Handler handler);
  Status Prefix(std::string prefix, Handler handler);
  // Replaces the default not-found handler (a plain 404).
  void SetNotFound(Handler handler);

  // The handler for `path`; never null (falls back to the not-found handler).
  const Handler& Match(std::string_view path) const;
  // Runs the matching handler.
  void Dispatch(const Request& request, Response& response) const {
    Match(request.path)(request, response);
  }

  size_t size() const { return exact_.size() + prefixes_.size(); }
  bool Validate() const;

 private:
  // The exact routes are few and fixed at start-up, and a lookup only ever
  // walks the registered paths of one bucket, so the hash need not read the
  // whole path: its length and its first and last eight bytes are enough
  // to spread the routes, at a few instructions instead of a pass over it.
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const;
  };
  struct PrefixRoute {
    std::string prefix;
    Handler handler;
  };

  std::unordered_map<std::string, Handler, StringHash, std::equal_to<>> exact_;
  std::vector<PrefixRoute> prefixes_;  // longest first
  Handler not_found_;
};

}  // namespace amfgate
