// Static files from the document root: the router's fallback handler.
//
// Serves GET and HEAD for regular files under one directory (the SWF,
// Ruffle's .js and .wasm, images, crossdomain.xml), with the media type from
// web/mime.h, a strong ETag (XXH3-64 of the content) and If-None-Match
// answered with 304. `Cache-Control: no-cache` makes browsers revalidate each
// use, which costs them a 304 and keeps a rebuilt SWF from going stale.
//
// No way out of the root, by two independent layers:
//  1. the request path is percent-decoded (an encoded '/' or NUL is refused)
//     and every segment is checked: no "..", no ".", no empty segment, no
//     segment starting with '.' (hidden files such as .git are not served),
//     no backslash;
//  2. the file is opened relative to a descriptor of the root with
//     openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS), so the kernel refuses
//     any resolution, symlinks included, that leaves the root. Where openat2
//     is unavailable (old kernel, seccomp), the file is opened with openat and
//     the path the kernel actually opened (/proc/self/fd) must lie under the
//     root's real path.
// Symlinks that stay inside the root are followed. Directories are never
// listed: a path ending in '/' serves that directory's index.html, any other
// directory is 404. Everything refused is a plain 404, so a probe learns
// nothing about what exists outside; FIFOs and devices are refused without
// blocking (opened O_NONBLOCK, then checked to be regular files).
//
// Cost: a cached file is served with no system call (one hash lookup and a
// copy into the response). A miss costs an open, an fstat and a read of the
// whole file on the loop thread, so files are capped (max_file_bytes) and
// files up to cache_file_bytes are kept in memory, up to cache_total_bytes in
// all. Misses (404) are not cached, so a new file shows at once; a changed
// file that was cached shows after Reload (SIGHUP).
//
// Ownership: StaticFiles owns the root descriptor and the cache. The handler
// from AsHandler borrows `this`, which must outlive the router using it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/status.h"
#include "net/http_message.h"
#include "net/router.h"

namespace amfgate {

struct StaticFilesOptions {
  size_t max_file_bytes = 64 << 20;     // larger files are not served (500, logged)
  size_t cache_file_bytes = 16 << 20;   // files up to this size are cached
  size_t cache_total_bytes = 96 << 20;  // the cache's total size
  // false: skip openat2 and use the openat + /proc/self/fd check (for tests of
  // that path; it is chosen automatically when openat2 is unavailable).
  bool use_openat2 = true;
};

class StaticFiles {
 public:
  explicit StaticFiles(StaticFilesOptions options = {});
  ~StaticFiles();
  StaticFiles(const StaticFiles&) = delete;
  StaticFiles& operator=(const StaticFiles&) = delete;

  // Opens the document root (a directory). On failure nothing changes.
  Status Open(const std::string& root);
  // For SIGHUP: opens `root` (possibly a new path) and drops the cache. On
  // failure the old root and cache stay.
  Status Reload(const std::string& root) { return Open(root); }

  void Serve(const Request& request, Response& response);
  Handler AsHandler() {
    return [this](const Request& request, Response& response) { Serve(request, response); };
  }

  const std::string& root() const { return root_real_; }
  size_t cached_files() const { return cache_.size(); }
  size_t cached_bytes() const { return cached_bytes_; }
  bool Validate() const;

 private:
  struct File {
    std::string body;
    std::string etag;  // with its quotes
    std::string_view type;
  };
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };

  // Maps the request path to a relative file name in relative_; false to 404.
  bool MapPath(std::string_view path);
  // Opens relative_ beneath the root; -1 when refused or missing.
  int OpenBeneath();
  // Reads the file into *file; an HTTP status other than 200 on failure.
  int Load(File* file);
  void Send(const Request& request, Response& response, const File& file);

  StaticFilesOptions options_;
  int root_fd_ = -1;
  std::string root_real_;
  bool openat2_works_ = true;
  std::unordered_map<std::string, File, StringHash, std::equal_to<>> cache_;
  size_t cached_bytes_ = 0;
  std::string decoded_;   // scratch, reused per request
  std::string relative_;  // scratch, reused per request
};

// True when an If-None-Match header value matches `etag` (weak comparison,
// as RFC 9110 section 13.1.2 asks, and "*").
bool EtagMatches(std::string_view if_none_match, std::string_view etag);

}  // namespace amfgate
