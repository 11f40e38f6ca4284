#include "web/static_files.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "core/log.h"
#include "web/mime.h"

namespace amfgate {

namespace {

constexpr std::string_view kIndex = "index.html";

// A segment that may name a file: not empty, not hidden (which covers "." and
// ".."), no backslash (which some clients treat as a separator).
bool IsServableSegment(std::string_view segment) {
  if (segment.empty() || segment[0] == '.') return false;
  return segment.find('\\') == std::string_view::npos;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

void CloseFd(int fd) {
  if (fd >= 0) ::close(fd);
}

}  // namespace

bool EtagMatches(std::string_view if_none_match, std::string_view etag) {
  if (etag.starts_with("W/")) etag.remove_prefix(2);
  while (!if_none_match.empty()) {
    size_t comma = if_none_match.find(',');
    std::string_view candidate = TrimSpaces(if_none_match.substr(0, comma));
    if_none_match.remove_prefix(comma == std::string_view::npos ? if_none_match.size() : comma + 1);
    if (candidate == "*") return true;
    if (candidate.starts_with("W/")) candidate.remove_prefix(2);
    if (!candidate.empty() && candidate == etag) return true;
  }
  return false;
}

StaticFiles::StaticFiles(StaticFilesOptions options)
    : options_(options), openat2_works_(options.use_openat2) {}

StaticFiles::~StaticFiles() { CloseFd(root_fd_); }

Status StaticFiles::Open(const std::string& root) {
  int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::Error(Code::kIoError, "docroot " + root + ": " + strerror(errno));
  char real[PATH_MAX];
  if (realpath(root.c_str(), real) == nullptr) {
    Status s = Status::Error(Code::kIoError, "docroot " + root + ": " + strerror(errno));
    CloseFd(fd);
    return s;
  }
  CloseFd(root_fd_);
  root_fd_ = fd;
  root_real_ = real;
  cache_.clear();
  cached_bytes_ = 0;
  return Status::Ok();
}

bool StaticFiles::MapPath(std::string_view path) {
  if (!PercentDecodePath(path, &decoded_)) return false;
  std::string_view rest = decoded_;
  if (rest.empty() || rest[0] != '/') return false;
  rest.remove_prefix(1);
  relative_.clear();
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    std::string_view segment = rest.substr(0, slash);
    if (!IsServableSegment(segment)) return false;
    relative_.append(segment);
    if (slash == std::string_view::npos) return true;
    relative_.push_back('/');
    rest.remove_prefix(slash + 1);
  }
  // The path ends in '/' (or is "/"): the directory's index page.
  relative_.append(kIndex);
  return true;
}

int StaticFiles::OpenBeneath() {
  // O_NONBLOCK so that opening a FIFO cannot stall the loop; the file is
  // checked to be regular before it is read.
  const int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
  if (openat2_works_) {
    open_how how = {};
    how.flags = flags;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    long fd = syscall(SYS_openat2, root_fd_, relative_.c_str(), &how, sizeof how);
    if (fd >= 0) return static_cast<int>(fd);
    if (errno == EXDEV) {
      LogNotice("static: refused a path that resolves outside the document root: /%s",
                relative_.c_str());
      return -1;
    }
    if (errno != ENOSYS && errno != EPERM) return -1;
    LogNotice("static: openat2 unavailable (%s); checking opened paths through /proc",
              strerror(errno));
    openat2_works_ = false;
  }
  int fd = ::openat(root_fd_, relative_.c_str(), flags);
  if (fd < 0) return -1;
  char link[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  char real[PATH_MAX];
  ssize_t n = readlink(link, real, sizeof real - 1);
  std::string_view opened(real, n > 0 ? static_cast<size_t>(n) : 0);
  bool beneath = n > 0 && opened.size() > root_real_.size() && opened.starts_with(root_real_) &&
                 (root_real_ == "/" || opened[root_real_.size()] == '/');
  if (!beneath) {
    LogNotice("static: refused a path that resolves outside the document root: /%s",
              relative_.c_str());
    CloseFd(fd);
    return -1;
  }
  return fd;
}

int StaticFiles::Load(File* file) {
  int fd = OpenBeneath();
  if (fd < 0) return 404;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    CloseFd(fd);
    return 404;
  }
  if (static_cast<uint64_t>(st.st_size) > options_.max_file_bytes) {
    LogWarn("static: /%s is %lld bytes, above the %zu-byte limit", relative_.c_str(),
            static_cast<long long>(st.st_size), options_.max_file_bytes);
    CloseFd(fd);
    return 500;
  }
  file->body.resize(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (done < file->body.size()) {
    ssize_t n =
        pread(fd, file->body.data() + done, file->body.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // an error, or the file shrank while being read
    done += static_cast<size_t>(n);
  }
  CloseFd(fd);
  if (done != file->body.size()) {
    LogWarn("static: /%s: short read (%s)", relative_.c_str(), strerror(errno));
    return 500;
  }
  char tag[24];
  snprintf(tag, sizeof tag, "\"%016llx\"",
           static_cast<unsigned long long>(XXH3_64bits(file->body.data(), file->body.size())));
  file->etag = tag;
  file->type = MediaTypeFor(relative_);
  return 200;
}

void StaticFiles::Send(const Request& request, Response& response, const File& file) {
  // The ETag and type are built by this module from hex digits and a fixed
  // table, so AddHeader cannot refuse them.
  (void)response.AddHeader("ETag", file.etag);
  (void)response.AddHeader("Cache-Control", "no-cache");
  std::string_view if_none_match = request.Header("If-None-Match");
  if (!if_none_match.empty() && EtagMatches(if_none_match, file.etag)) {
    response.SetStatus(304);
    return;
  }
  response.SetStatus(200);
  response.SetContentType(file.type);
  response.SetBody(file.body);
}

void StaticFiles::Serve(const Request& request, Response& response) {
  if (request.method != Method::kGet && request.method != Method::kHead) {
    response.Error(405);
    (void)response.AddHeader("Allow", "GET, HEAD");
    return;
  }
  if (root_fd_ < 0 || !MapPath(request.path)) {
    response.Error(404);
    return;
  }
  auto hit = cache_.find(std::string_view(relative_));
  if (hit != cache_.end()) {
    Send(request, response, hit->second);
    return;
  }
  File file;
  int status = Load(&file);
  if (status != 200) {
    response.Error(status);
    return;
  }
  size_t size = file.body.size();
  if (size <= options_.cache_file_bytes && cached_bytes_ + size <= options_.cache_total_bytes) {
    auto [it, inserted] = cache_.emplace(relative_, std::move(file));
    if (inserted) cached_bytes_ += size;
    Send(request, response, it->second);
    return;
  }
  Send(request, response, file);
}

bool StaticFiles::Validate() const {
  size_t total = 0;
  for (const auto& [name, file] : cache_) {
    if (name.empty() || name[0] == '/' || file.etag.size() != 18) return false;
    total += file.body.size();
  }
  return total == cached_bytes_ && total <= options_.cache_total_bytes;
}

}  // namespace amfgate
