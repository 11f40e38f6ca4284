// libFuzzer target: the static file handler's path resolution (web/static_files.h:
// percent decoding, segment checks, openat2 RESOLVE_BENEATH or the
// /proc/self/fd fallback), its If-None-Match parsing (EtagMatches) and the
// media type table (web/mime.h), against a real document root.
//
// At start the harness builds, in a scratch directory, a document root with
// ordinary files, names that need escapes, hidden files, a FIFO, symlinks
// that stay inside (to a file, to a directory, "../" back into the root) and
// symlinks that leave it (relative, absolute, a directory link to the
// parent), plus a file next to the root that must never be served.
//
// Input: byte 0 picks the method (GET, HEAD, POST) and which of two handlers
// (openat2, or the /proc fallback) answers; the rest is the request target
// (bytes a request target cannot hold are dropped, as the server's head
// checks would refuse them) and, after a '\n', an If-None-Match value. The
// answer must be exactly what a model of the root predicts: the expected
// file's bytes with its media type and ETag (or 304 when the If-None-Match
// value matches by weak comparison), 404 for everything else, 405 for other
// methods, and the same again when the answer comes from the cache.
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/log.h"
#include "fuzz_check.h"
#include "net/http_chars.h"
#include "net/http_message.h"
#include "web/mime.h"
#include "web/static_files.h"

using namespace amfgate;

namespace {

constexpr std::string_view kSecret = "SECRET-OUTSIDE-THE-ROOT";

struct Root {
  std::string base;  // scratch directory; the root is base + "/root"
  std::string root;
  std::map<std::string, std::string, std::less<>> files;  // relative name -> content
  StaticFiles beneath{StaticFilesOptions{}};
  StaticFiles fallback{[] {
    StaticFilesOptions o;
    o.use_openat2 = false;
    return o;
  }()};

  Root() {
    char path[] = "/tmp/amfgate-fuzz-static-XXXXXX";
    FUZZ_CHECK(mkdtemp(path) != nullptr);
    base = path;
    root = base + "/root";
    Dir("");
    Dir("/a");
    Dir("/ruffle");
    Dir("/.git");
    Dir("/n");
    Dir("/n/deep");
    Write(base + "/secret.txt", kSecret);
    File("index.html", "<p>root index</p>");
    File("a/index.html", "<p>a index</p>");
    File("a/b.txt", "a/b contents");
    File("app.swf", std::string("FWS\x0a\x00\x01", 6));
    File("ruffle/core.wasm", std::string("\0asm\x01\0\0\0", 8));
    File("crossdomain.xml", "<cross-domain-policy/>");
    File("sp ace.txt", "space");
    File("perc%ent.JSON", "{}");
    File("q?.txt", "question");
    File("caf\xc3\xa9.css", "body{}");
    File("n/deep/x.Svg", "<svg/>");
    File("semi;colon.png", "png");
    Write(root + "/.hidden", "HIDDEN");
    Write(root + "/.git/config", "HIDDEN-GIT");
    Write(root + "/back\\slash.txt", "BACKSLASH");
    FUZZ_CHECK(mkfifo((root + "/fifo").c_str(), 0600) == 0);
    Link("a/b.txt", "link_in");
    files["link_in"] = files["a/b.txt"];
    Link("a", "link_dir");
    files["link_dir/b.txt"] = files["a/b.txt"];
    files["link_dir/index.html"] = files["a/index.html"];
    Link("../index.html", "a/up");
    files["a/up"] = files["index.html"];
    Link("../secret.txt", "link_out");
    Link(base + "/secret.txt", "abs_out");
    Link("..", "parent");
    Link("/etc", "etc");
    // Refusals are logged with the path; the logger must escape whatever
    // bytes the path decoded to.
    DefaultLogger().SetCapture([](char, std::string_view line) {
      for (unsigned char c : line) FUZZ_CHECK(c >= 0x20 && c < 0x7f);
    });
    FUZZ_CHECK(beneath.Open(root).ok());
    FUZZ_CHECK(fallback.Open(root).ok());
  }
  ~Root() {
    // Everything under base, children first, symlinks themselves (not their targets).
    nftw(
        base.c_str(), [](const char* path, const struct stat*, int, FTW*) { return remove(path); },
        16, FTW_DEPTH | FTW_PHYS);
  }
  void Dir(const std::string& sub) { FUZZ_CHECK(mkdir((root + sub).c_str(), 0700) == 0); }
  static void Write(const std::string& path, std::string_view content) {
    FILE* f = fopen(path.c_str(), "wb");
    FUZZ_CHECK(f != nullptr);
    FUZZ_CHECK(fwrite(content.data(), 1, content.size(), f) == content.size());
    FUZZ_CHECK(fclose(f) == 0);
  }
  void File(const std::string& name, std::string_view content) {
    Write(root + "/" + name, content);
    files[name] = std::string(content);
  }
  void Link(const std::string& target, const std::string& name) {
    FUZZ_CHECK(symlink(target.c_str(), (root + "/" + name).c_str()) == 0);
  }
};

// The model of request path -> file name: percent-decode (refusing a broken
// escape, %00 and %2F), then every segment must be non-empty, not start with
// '.', hold no backslash; a trailing '/' names the directory's index.html.
std::optional<std::string> ModelName(std::string_view path) {
  std::string decoded;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] != '%') {
      decoded += path[i];
      continue;
    }
    if (i + 2 >= path.size() || HexValue(path[i + 1]) < 0 || HexValue(path[i + 2]) < 0)
      return std::nullopt;
    char c = static_cast<char>(HexValue(path[i + 1]) * 16 + HexValue(path[i + 2]));
    if (c == '\0' || c == '/') return std::nullopt;
    decoded += c;
    i += 2;
  }
  if (decoded.empty() || decoded[0] != '/') return std::nullopt;
  std::string name;
  size_t start = 1;
  while (start < decoded.size()) {
    size_t slash = decoded.find('/', start);
    std::string_view segment = std::string_view(decoded).substr(
        start, slash == std::string::npos ? std::string::npos : slash - start);
    if (segment.empty() || segment[0] == '.' || segment.find('\\') != std::string_view::npos)
      return std::nullopt;
    name += segment;
    if (slash == std::string::npos) return name;
    name += '/';
    start = slash + 1;
  }
  return name + "index.html";
}

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// RFC 9110 section 13.1.2: weak comparison, "*" matches any current file.
bool ModelEtagMatch(std::string_view list, std::string_view etag) {
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string_view::npos) comma = list.size();
    std::string_view tag = TrimBlanks(list.substr(start, comma - start));
    start = comma + 1;
    if (tag == "*") return true;
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (!tag.empty() && tag == etag) return true;
  }
  return false;
}

std::string HeaderValue(std::string_view lines, std::string_view name) {
  std::string key = std::string(name) + ": ";
  size_t at = lines.find(key);
  if (at == std::string_view::npos) return "";
  size_t end = lines.find("\r\n", at);
  return std::string(lines.substr(at + key.size(), end - at - key.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Root root;
  Root* fs = &root;
  if (size == 0) return 0;
  std::string target = "/";
  std::string if_none_match;
  size_t i = 1;
  for (; i < size && data[i] != '\n'; ++i) {
    if (IsTargetByte(data[i]) && !(i == 1 && data[i] == '/')) target += static_cast<char>(data[i]);
  }
  for (++i; i < size; ++i) {
    if (IsFieldByte(data[i])) if_none_match += static_cast<char>(data[i]);
  }
  if_none_match = std::string(TrimBlanks(if_none_match));

  static constexpr Method kMethods[] = {Method::kGet, Method::kHead, Method::kPost, Method::kGet};
  Request request;
  request.method = kMethods[data[0] & 3];
  request.method_text = request.method == Method::kPost   ? "POST"
                        : request.method == Method::kHead ? "HEAD"
                                                          : "GET";
  request.target = target;
  request.path = std::string_view(target).substr(0, target.find('?'));
  request.query = target.find('?') == std::string::npos
                      ? std::string_view()
                      : std::string_view(target).substr(target.find('?') + 1);
  HeaderField fields[2] = {{"Host", "127.0.0.1"}, {"If-None-Match", if_none_match}};
  request.headers = std::span<const HeaderField>(fields, if_none_match.empty() ? 1 : 2);
  StaticFiles& handler = (data[0] & 4) ? fs->fallback : fs->beneath;

  std::optional<std::string> name = ModelName(request.path);
  auto file = name ? fs->files.find(*name) : fs->files.end();
  for (int round = 0; round < 2; ++round) {  // the second answer may come from the cache
    Response response;
    handler.Serve(request, response);
    FUZZ_CHECK(response.Validate());
    FUZZ_CHECK(handler.Validate());
    FUZZ_CHECK(response.body().find(kSecret) == std::string::npos);
    FUZZ_CHECK(response.body().find("HIDDEN") == std::string::npos);
    FUZZ_CHECK(response.body().find("BACKSLASH") == std::string::npos);
    if (request.method == Method::kPost) {
      FUZZ_CHECK(response.status() == 405);
      continue;
    }
    if (file == fs->files.end()) {
      FUZZ_CHECK(response.status() == 404);
      continue;
    }
    std::string etag = HeaderValue(response.header_lines(), "ETag");
    FUZZ_CHECK(etag.size() == 18 && etag.front() == '"' && etag.back() == '"');
    FUZZ_CHECK(HeaderValue(response.header_lines(), "Cache-Control") == "no-cache");
    if (!if_none_match.empty() && ModelEtagMatch(if_none_match, etag)) {
      FUZZ_CHECK(response.status() == 304);
      FUZZ_CHECK(EtagMatches(if_none_match, etag));
      continue;
    }
    FUZZ_CHECK(response.status() == 200);
    FUZZ_CHECK(response.body() == file->second);
    FUZZ_CHECK(response.content_type() == MediaTypeFor(file->first));
  }
  std::string_view type = MediaTypeFor(target);
  FUZZ_CHECK(!type.empty() && type.find_first_of("\r\n") == std::string_view::npos);
  return 0;
}
