// Static files: media types, HEAD, ETag and If-None-Match, index pages, and
// every way out of the root we know of (dot segments plain and encoded,
// encoded slashes and NULs, hidden files, symlinks that escape, FIFOs), on
// both resolution paths (openat2 and the /proc check).
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "web/mime.h"
#include "web/static_files.h"

namespace amfgate {
namespace {

namespace fs = std::filesystem;

void WriteFile(const fs::path& p, const std::string& content) {
  std::ofstream f(p, std::ios::binary);
  f << content;
}

// A document root with a secret next to it, and links that try to reach it.
struct Tree {
  fs::path base;
  fs::path root;
  Tree() {
    char tmpl[] = "/tmp/amfgate-static-XXXXXX";
    base = mkdtemp(tmpl);
    root = base / "www";
    fs::create_directories(root / "sub");
    fs::create_directories(root / "ruffle");
    WriteFile(base / "secret.txt", "SECRET");
    WriteFile(root / "index.html", "<p>home</p>");
    WriteFile(root / "sub" / "index.html", "<p>sub</p>");
    WriteFile(root / "movie.swf", std::string("FWS\x0b", 4) + "swfdata");
    WriteFile(root / "ruffle" / "core.wasm", std::string("\0asm", 4));
    WriteFile(root / "ruffle" / "ruffle.js", "window.RufflePlayer={};");
    WriteFile(root / "crossdomain.xml", "<cross-domain-policy/>");
    WriteFile(root / "STYLE.CSS", "body{}");
    WriteFile(root / "blob.bin", "bin");
    WriteFile(root / ".htpasswd", "hidden");
    WriteFile(root / "big.dat", std::string(5000, 'x'));
    fs::create_symlink("movie.swf", root / "link_in");
    fs::create_symlink(base / "secret.txt", root / "link_abs_out");
    fs::create_symlink("../secret.txt", root / "link_rel_out");
    fs::create_symlink("..", root / "dir_out");
    fs::create_symlink("/proc/self/root/etc/passwd", root / "magic");
    REQUIRE(mkfifo((root / "fifo").c_str(), 0600) == 0);
  }
  ~Tree() { fs::remove_all(base); }
};

struct Call {
  int status;
  std::string body;
  std::string headers;
  std::string type;
};

Call Get(StaticFiles& files, std::string_view path, Method method = Method::kGet,
         std::vector<HeaderField> headers = {}) {
  Request req;
  req.method = method;
  req.method_text = method == Method::kHead ? "HEAD" : method == Method::kPost ? "POST" : "GET";
  req.target = path;
  req.path = path;
  req.headers = headers;
  Response res;
  files.Serve(req, res);
  CHECK(files.Validate());
  return {res.status(), res.body(), std::string(res.header_lines()),
          std::string(res.content_type())};
}

std::string EtagOf(const Call& c) {
  size_t at = c.headers.find("ETag: ");
  REQUIRE(at != std::string::npos);
  return c.headers.substr(at + 6, c.headers.find("\r\n", at) - at - 6);
}

TEST_CASE("media types follow the extension, case-insensitively") {
  CHECK(MediaTypeFor("/a/movie.swf") == "application/x-shockwave-flash");
  CHECK(MediaTypeFor("core.wasm") == "application/wasm");
  CHECK(MediaTypeFor("ruffle.js") == "text/javascript; charset=utf-8");
  CHECK(MediaTypeFor("x.HTML") == "text/html; charset=utf-8");
  CHECK(MediaTypeFor("s.css") == "text/css; charset=utf-8");
  CHECK(MediaTypeFor("i.png") == "image/png");
  CHECK(MediaTypeFor("i.svg") == "image/svg+xml");
  CHECK(MediaTypeFor("crossdomain.xml") == "application/xml; charset=utf-8");
  CHECK(MediaTypeFor("d.json") == "application/json; charset=utf-8");
  CHECK(MediaTypeFor("favicon.ico") == "image/x-icon");
  CHECK(MediaTypeFor("noext") == kDefaultMediaType);
  CHECK(MediaTypeFor(".swf") == kDefaultMediaType);
  CHECK(MediaTypeFor("dir.swf/file") == kDefaultMediaType);
}

TEST_CASE("files are served with their type, an ETag and no-cache") {
  Tree t;
  StaticFiles files;
  REQUIRE(files.Open(t.root.string()).ok());
  Call c = Get(files, "/movie.swf");
  CHECK(c.status == 200);
  CHECK(c.type == "application/x-shockwave-flash");
  CHECK(c.body == std::string("FWS\x0b", 4) + "swfdata");
  CHECK(c.headers.find("Cache-Control: no-cache\r\n") != std::string::npos);
  CHECK(EtagOf(c).size() == 18);
  CHECK(Get(files, "/ruffle/core.wasm").type == "application/wasm");
  CHECK(Get(files, "/ruffle/ruffle.js").type == "text/javascript; charset=utf-8");
  CHECK(Get(files, "/crossdomain.xml").type == "application/xml; charset=utf-8");
  CHECK(Get(files, "/STYLE.CSS").type == "text/css; charset=utf-8");
  CHECK(Get(files, "/blob.bin").type == "application/octet-stream");
  CHECK(Get(files, "/mov%69e.swf").status == 200);  // an encoded ordinary byte is fine
}

TEST_CASE("HEAD answers like GET and the ETag is stable") {
  Tree t;
  StaticFiles files;
  REQUIRE(files.Open(t.root.string()).ok());
  Call get = Get(files, "/movie.swf");
  Call head = Get(files, "/movie.swf", Method::kHead);
  CHECK(head.status == 200);
  CHECK(head.type == get.type);
  CHECK(EtagOf(head) == EtagOf(get));
  CHECK(Get(files, "/movie.swf", Method::kPost).status == 405);
  CHECK(Get(files, "/movie.swf", Method::kPost).headers.find("Allow: GET, HEAD") !=
        std::string::npos);
}

TEST_CASE("If-None-Match with the current ETag gives 304 without a body") {
  Tree t;
  StaticFiles files;
  REQUIRE(files.Open(t.root.string()).ok());
  std::string etag = EtagOf(Get(files, "/movie.swf"));
  Call c = Get(files, "/movie.swf", Method::kGet, {{"If-None-Match", etag}});
  CHECK(c.status == 304);
  CHECK(c.body.empty());
  CHECK(EtagOf(c) == etag);
  std::string weak_list = "\"other\", W/" + etag;
  CHECK(Get(files, "/movie.swf", Method::kGet, {{"if-none-match", weak_list}}).status == 304);
  CHECK(Get(files, "/movie.swf", Method::kGet, {{"If-None-Match", "*"}}).status == 304);
  CHECK(
      Get(files, "/movie.swf", Method::kGet, {{"If-None-Match", "\"0000000000000000\""}}).status ==
      200);
  CHECK(Get(files, "/crossdomain.xml", Method::kGet, {{"If-None-Match", etag}}).status == 200);
}

TEST_CASE("EtagMatches compares weakly and walks lists") {
  CHECK(EtagMatches("\"a\"", "\"a\""));
  CHECK(EtagMatches(" \"b\" ,\t\"a\"", "\"a\""));
  CHECK(EtagMatches("W/\"a\"", "\"a\""));
  CHECK_FALSE(EtagMatches("\"ab\"", "\"a\""));
  CHECK_FALSE(EtagMatches("", "\"a\""));
  CHECK_FALSE(EtagMatches(",,", "\"a\""));
}

TEST_CASE("directories serve their index.html and are never listed") {
  Tree t;
  StaticFiles files;
  REQUIRE(files.Open(t.root.string()).ok());
  CHECK(Get(files, "/").body == "<p>home</p>");
  CHECK(Get(files, "/sub/").body == "<p>sub</p>");
  CHECK(Get(files, "/sub").status == 404);
  CHECK(Get(files, "/ruffle/").status == 404);
  CHECK(Get(files, "/nope.swf").status == 404);
}

void CheckNoEscape(bool use_openat2) {
  Tree t;
  StaticFilesOptions options;
  options.use_openat2 = use_openat2;
  options.max_file_bytes = 4096;
  StaticFiles files(options);
  REQUIRE(files.Open(t.root.string()).ok());
  const char* attempts[] = {
      "/../secret.txt",
      "/%2e%2e/secret.txt",
      "/%2E%2E/secret.txt",
      "/sub/../../secret.txt",
      "/sub/%2e%2e/%2e%2e/secret.txt",
      "/..%2fsecret.txt",
      "/%2fetc/passwd",
      "/%2Fetc%2Fpasswd",
      "/..\\secret.txt",
      "/sub\\..\\..\\secret.txt",
      "/./movie.swf",
      "/sub//index.html",
      "/.htpasswd",
      "/%2ehtpasswd",
      "/movie.swf%00.html",
      "/link_abs_out",
      "/link_rel_out",
      "/dir_out/secret.txt",
      "/dir_out/../secret.txt",
      "/magic",
      "/fifo",
      "/%",
      "/%zz",
      "secret.txt",
      "",
  };
  for (const char* path : attempts) {
    Call c = Get(files, path);
    CHECK_MESSAGE(c.status == 404, std::string(path));
    CHECK_MESSAGE(c.body.find("SECRET") == std::string::npos, std::string(path));
    CHECK_MESSAGE(c.body.find("root:") == std::string::npos, std::string(path));
  }
  // A symlink that stays inside the root is followed.
  Call in = Get(files, "/link_in");
  CHECK(in.status == 200);
  CHECK(in.body.ends_with("swfdata"));
  // Files above max_file_bytes are refused, not read.
  CHECK(Get(files, "/big.dat").status == 500);
}

TEST_CASE("no request path leaves the root (openat2 RESOLVE_BENEATH)") { CheckNoEscape(true); }

TEST_CASE("no request path leaves the root (openat and the /proc check)") { CheckNoEscape(false); }

TEST_CASE("a cached file is served from memory until Reload") {
  Tree t;
  StaticFiles files;
  REQUIRE(files.Open(t.root.string()).ok());
  std::string first = EtagOf(Get(files, "/crossdomain.xml"));
  CHECK(files.cached_files() == 1);
  WriteFile(t.root / "crossdomain.xml",
            "<cross-domain-policy><allow-access-from domain=\"x\"/></cross-domain-policy>");
  CHECK(EtagOf(Get(files, "/crossdomain.xml")) == first);
  REQUIRE(files.Reload(t.root.string()).ok());
  CHECK(files.cached_files() == 0);
  Call after = Get(files, "/crossdomain.xml");
  CHECK(EtagOf(after) != first);
  CHECK(after.body.find("allow-access-from") != std::string::npos);
}

TEST_CASE("a file larger than the per-file cache limit is served but not kept") {
  Tree t;
  StaticFilesOptions options;
  options.cache_file_bytes = 100;
  StaticFiles files(options);
  REQUIRE(files.Open(t.root.string()).ok());
  CHECK(Get(files, "/big.dat").body.size() == 5000);
  CHECK(files.cached_files() == 0);
  CHECK(Get(files, "/movie.swf").status == 200);
  CHECK(files.cached_files() == 1);
}

TEST_CASE("opening a missing root fails and a failed reload keeps the old root") {
  Tree t;
  StaticFiles files;
  CHECK_FALSE(files.Open((t.base / "missing").string()).ok());
  CHECK(Get(files, "/movie.swf").status == 404);
  REQUIRE(files.Open(t.root.string()).ok());
  CHECK_FALSE(files.Reload((t.base / "missing").string()).ok());
  CHECK(Get(files, "/movie.swf").status == 200);
  CHECK_FALSE(files.Open((t.root / "movie.swf").string()).ok());
}

}  // namespace
}  // namespace amfgate
