// The running binary: static files over plain HTTP and TLS, the admin
// endpoints, the access log, SIGHUP (certificates, configuration, log
// rotation) and SIGTERM/SIGINT drains. Everything on 127.0.0.1, ports chosen
// by the kernel (port 0) and read back from the start-up banner.
#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>

#include "ops_support.h"

namespace amfgate::ops {
namespace {

namespace fs = std::filesystem;

void Sleep(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// Polls `condition` every 20 ms for up to `seconds`.
template <typename F>
bool Eventually(double seconds, F condition) {
  for (int i = 0; i < static_cast<int>(seconds * 50); ++i) {
    if (condition()) return true;
    Sleep(20);
  }
  return condition();
}

std::string FileFingerprint(const std::string& cert) {
  std::string out = Shell("openssl x509 -in '" + cert + "' -noout -fingerprint -sha256");
  std::string fp = out.substr(out.find('=') + 1);
  while (!fp.empty() && fp.back() == '\n') fp.pop_back();
  return fp;
}

// A document root with a secret beside it and a symlink pointing at it.
struct Site {
  TempDir dir;
  std::string root;
  Site() {
    root = dir.path + "/www";
    dir.Write("secret.txt", "SECRET");
    dir.Write("www/crossdomain.xml", "<cross-domain-policy/>");
    dir.Write("www/movie.swf", "FWS\x0bswf");
    dir.Write("www/ruffle/core.wasm", std::string("\0asm\1\0\0\0", 8));
    fs::create_symlink(dir.path + "/secret.txt", root + "/link_out");
  }
};

std::vector<std::string> BaseArgs(const Site& site) {
  return {"--listen",       "127.0.0.1:0", "plain",     "--listen", "127.0.0.1:0", "tls",
          "--admin_listen", "127.0.0.1:0", "--docroot", site.root,  "--log_level", "info"};
}

TEST_CASE("static files over real sockets: types, HEAD, ETag/304, no escape") {
  Site site;
  ServerProcess server(BaseArgs(site));
  REQUIRE_MESSAGE(server.ready(), (server.banner() + server.ErrorLog()));
  int plain = server.port(0), tls = server.port(1);
  REQUIRE(plain > 0);
  REQUIRE(tls > 0);
  CHECK(server.banner().find("amfgate: listening on http://127.0.0.1:" + std::to_string(plain) +
                             " (plain)") != std::string::npos);
  CHECK(server.fingerprint().size() == 95);  // 32 bytes as "AB:" pairs

  std::string r = Get(plain, "/crossdomain.xml");
  CHECK(StatusOf(r) == 200);
  CHECK(HeaderOf(r, "Content-Type") == "application/xml; charset=utf-8");
  CHECK(HeaderOf(r, "X-Content-Type-Options") == "nosniff");
  CHECK(BodyOf(r) == "<cross-domain-policy/>");
  std::string etag = HeaderOf(r, "ETag");
  REQUIRE(etag.size() == 18);

  std::string head = Get(plain, "/crossdomain.xml", "", "HEAD");
  CHECK(StatusOf(head) == 200);
  CHECK(HeaderOf(head, "Content-Length") == "22");
  CHECK(BodyOf(head).empty());

  std::string not_modified = Get(plain, "/crossdomain.xml", "If-None-Match: " + etag + "\r\n");
  CHECK(StatusOf(not_modified) == 304);
  CHECK(BodyOf(not_modified).empty());

  CHECK(HeaderOf(Get(plain, "/ruffle/core.wasm"), "Content-Type") == "application/wasm");
  CHECK(HeaderOf(Get(plain, "/movie.swf"), "Content-Type") == "application/x-shockwave-flash");

  for (const char* path :
       {"/../secret.txt", "/%2e%2e/secret.txt", "/ruffle/%2E%2E/%2e%2e/secret.txt",
        "/..%2fsecret.txt", "/%2fetc%2fpasswd", "/link_out", "/ruffle/", "/ruffle"}) {
    std::string e = Get(plain, path);
    CHECK_MESSAGE(StatusOf(e) >= 400, std::string(path));
    CHECK_MESSAGE(e.find("SECRET") == std::string::npos, std::string(path));
  }

  REQUIRE(EnsureClientTools());
  bool ok = false;
  std::string curl = Shell(
      "curl -sk --max-time 10 -o /dev/null -w '%{http_code} %{content_type}' https://127.0.0.1:" +
          std::to_string(tls) + "/movie.swf",
      &ok);
  CHECK(curl == "200 application/x-shockwave-flash");
  std::string hsts =
      Shell("curl -sk --max-time 10 -D - -o /dev/null https://127.0.0.1:" + std::to_string(tls) +
            "/crossdomain.xml");
  CHECK(hsts.find("Strict-Transport-Security") != std::string::npos);
}

TEST_CASE("the admin listener answers /healthz and /metrics, and only those") {
  Site site;
  ServerProcess server(BaseArgs(site));
  REQUIRE_MESSAGE(server.ready(), (server.banner() + server.ErrorLog()));
  int plain = server.port(0), admin = server.admin_port();
  REQUIRE(admin > 0);
  CHECK(StatusOf(Get(plain, "/crossdomain.xml")) == 200);
  CHECK(StatusOf(Get(plain, "/nothing-here")) == 404);

  std::string health = Get(admin, "/healthz");
  CHECK(StatusOf(health) == 200);
  CHECK(BodyOf(health) == "ok\n");
  CHECK(StatusOf(Get(plain, "/healthz")) == 404);          // not on the public listeners
  CHECK(StatusOf(Get(admin, "/crossdomain.xml")) == 404);  // no files on the admin listener
  CHECK(StatusOf(Get(admin, "/metrics", "", "POST")) == 405);

  std::string metrics = Get(admin, "/metrics");
  CHECK(StatusOf(metrics) == 200);
  CHECK(HeaderOf(metrics, "Content-Type").rfind("text/plain; version=0.0.4", 0) == 0);
  std::string text = BodyOf(metrics);
  for (const char* family :
       {"amfgate_build_info", "amfgate_connections_open", "amfgate_connections_total",
        "amfgate_requests_total", "amfgate_responses_total", "amfgate_tls_handshakes_total",
        "amfgate_received_bytes_total", "amfgate_sent_bytes_total", "amfgate_errors_total",
        "amfgate_reloads_total", "amfgate_static_cache_bytes"}) {
    CHECK_MESSAGE(text.find(std::string("# TYPE ") + family + " ") != std::string::npos,
                  std::string(family));
  }
  CHECK(text.find("amfgate_responses_total{code=\"404\"} ") != std::string::npos);
  CHECK(text.find("amfgate_responses_total{code=\"200\"} ") != std::string::npos);
  CHECK(text.find("amfgate_errors_total{kind=\"") != std::string::npos);
}

TEST_CASE("the access log records requests without their query strings, and rotates on SIGHUP") {
  Site site;
  std::string access = site.dir.path + "/access.log";
  std::vector<std::string> args = BaseArgs(site);
  args.insert(args.end(), {"--access_log", access});
  ServerProcess server(args);
  REQUIRE_MESSAGE(server.ready(), (server.banner() + server.ErrorLog()));
  int plain = server.port(0);
  CHECK(StatusOf(Get(plain, "/crossdomain.xml?alias=SECRETALIAS")) == 200);
  CHECK(StatusOf(Get(plain, "/a%0d%0aforged")) == 404);
  REQUIRE(Eventually(
      2, [&] { return Shell("cat '" + access + "'").find("forged") != std::string::npos; }));
  std::string log = Shell("cat '" + access + "'");
  CHECK(log.find("\"GET /crossdomain.xml HTTP/1.1\" 200 ") != std::string::npos);
  CHECK(log.find("SECRETALIAS") == std::string::npos);
  CHECK(log.find("127.0.0.1:") != std::string::npos);

  std::string rotated = access + ".1";
  REQUIRE(std::rename(access.c_str(), rotated.c_str()) == 0);
  server.Signal(SIGHUP);
  REQUIRE(Eventually(
      5, [&] { return server.ErrorLog().find("reload: configuration") != std::string::npos; }));
  CHECK(StatusOf(Get(plain, "/movie.swf")) == 200);
  CHECK(Eventually(2, [&] {
    return Shell("cat '" + access + "' 2>/dev/null").find("/movie.swf") != std::string::npos;
  }));
  CHECK(Shell("cat '" + rotated + "'").find("/movie.swf") == std::string::npos);
}

TEST_CASE("SIGHUP loads a new certificate, and keeps the old one when the new one is bad") {
  Site site;
  std::string a_cert = site.dir.path + "/a.pem", a_key = site.dir.path + "/a.key";
  std::string b_cert = site.dir.path + "/b.pem", b_key = site.dir.path + "/b.key";
  REQUIRE(MakeCertificate(a_cert, a_key, "a.test"));
  REQUIRE(MakeCertificate(b_cert, b_key, "b.test"));
  std::string common =
      "listen 127.0.0.1:0 tls\nlisten 127.0.0.1:0 plain\nadmin_listen 127.0.0.1:0\ndocroot " +
      site.root + "\n";
  std::string conf = site.dir.Write(
      "amfgate.conf", common + "certificate " + a_cert + "\ncertificate_key " + a_key + "\n");
  ServerProcess server({"-c", conf});
  REQUIRE_MESSAGE(server.ready(), (server.banner() + server.ErrorLog()));
  int tls = server.port(0), plain = server.port(1);
  CHECK(server.fingerprint() == FileFingerprint(a_cert));
  CHECK(ServedFingerprint(tls) == FileFingerprint(a_cert));

  // A keep-alive connection opened before the reloads must survive them.
  int kept = Connect(plain);
  REQUIRE(kept >= 0);
  std::string keep_alive_get = "GET /movie.swf HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  REQUIRE(SendAll(kept, keep_alive_get));
  CHECK(StatusOf(ReadResponse(kept, 5)) == 200);

  site.dir.Write("amfgate.conf",
                 common + "certificate " + b_cert + "\ncertificate_key " + b_key + "\n");
  server.Signal(SIGHUP);
  CHECK(Eventually(5, [&] { return ServedFingerprint(tls) == FileFingerprint(b_cert); }));

  std::string junk = site.dir.Write(
      "junk.pem", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
  site.dir.Write("amfgate.conf",
                 common + "certificate " + junk + "\ncertificate_key " + b_key + "\n");
  server.Signal(SIGHUP);
  REQUIRE(Eventually(5, [&] {
    return server.ErrorLog().find("the current certificate stays") != std::string::npos;
  }));
  CHECK(server.ErrorLog().find(junk) != std::string::npos);  // the log says which file and why
  CHECK(ServedFingerprint(tls) == FileFingerprint(b_cert));

  site.dir.Write("amfgate.conf", common + "alias_ttl 0\n");
  server.Signal(SIGHUP);
  REQUIRE(Eventually(5, [&] {
    return server.ErrorLog().find("the running configuration stays") != std::string::npos;
  }));
  CHECK(server.ErrorLog().find(conf + ":5: alias_ttl: must be between 1 and 600 seconds") !=
        std::string::npos);
  CHECK(ServedFingerprint(tls) == FileFingerprint(b_cert));

  REQUIRE(SendAll(kept, keep_alive_get));
  CHECK(StatusOf(ReadResponse(kept, 5)) == 200);
  close(kept);
  std::string metrics = BodyOf(Get(server.admin_port(), "/metrics"));
  CHECK(metrics.find("amfgate_reloads_total{result=\"ok\"} 1\n") != std::string::npos);
  CHECK(metrics.find("amfgate_reloads_total{result=\"failed\"} 2\n") != std::string::npos);
}

// "name=value" of the first Set-Cookie whose name is `name`.
std::string CookieFrom(const std::string& response, const std::string& name) {
  size_t at = response.find("Set-Cookie: " + name + "=");
  if (at == std::string::npos) return "";
  at += 12;
  return response.substr(at, response.find(';', at) - at);
}

TEST_CASE("SIGHUP keeps the page sessions of logged-in users") {
  Site site;
  std::string conf =
      site.dir.Write("c.conf", "listen 127.0.0.1:0 plain\nadmin_listen 127.0.0.1:0\n");
  ServerProcess server({"-c", conf});
  REQUIRE_MESSAGE(server.ready(), (server.banner() + server.ErrorLog()));
  int plain = server.port(0);
  size_t at = server.banner().find("password: ");
  REQUIRE(at != std::string::npos);
  std::string password =
      server.banner().substr(at + 10, server.banner().find(' ', at + 10) - at - 10);

  std::string form = Get(plain, "/login");
  std::string csrf_cookie = CookieFrom(form, "csrf");
  const std::string marker = "name=\"csrf\" value=\"";
  size_t value = form.find(marker);
  REQUIRE(value != std::string::npos);
  value += marker.size();
  std::string csrf = form.substr(value, form.find('"', value) - value);
  std::string body = "username=demo&password=" + password + "&csrf=" + csrf;
  std::string login =
      Exchange(plain, "POST /login HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(plain) +
                          "\r\nConnection: close\r\n"
                          "Content-Type: application/x-www-form-urlencoded\r\nCookie: " +
                          csrf_cookie + "\r\nContent-Length: " + std::to_string(body.size()) +
                          "\r\n\r\n" + body);
  REQUIRE(StatusOf(login) == 303);
  std::string sid = CookieFrom(login, "sid");
  REQUIRE(!sid.empty());
  CHECK(StatusOf(Get(plain, "/app", "Cookie: " + sid + "\r\n")) == 200);

  site.dir.Write(
      "c.conf",
      "listen 127.0.0.1:0 plain\nadmin_listen 127.0.0.1:0\nalias_ttl 20\nlog_level notice\n");
  server.Signal(SIGHUP);
  REQUIRE(Eventually(
      5, [&] { return server.ErrorLog().find("reload: configuration") != std::string::npos; }));
  CHECK(StatusOf(Get(plain, "/app", "Cookie: " + sid + "\r\n")) == 200);
  CHECK(StatusOf(Get(plain, "/app")) ==
        303);  // and a visitor without the cookie is still sent to log in
  std::string metrics = BodyOf(Get(server.admin_port(), "/metrics"));
  CHECK(metrics.find("# TYPE amfgate_sessions gauge") != std::string::npos);
}

TEST_CASE("SIGTERM drains: in-flight requests finish, idle connections close, then exit 0") {
  Site site;
  std::vector<std::string> args = BaseArgs(site);
  args.insert(args.end(), {"--drain_timeout", "5"});
  ServerProcess server(args);
  REQUIRE_MESSAGE(server.ready(), (server.banner() + server.ErrorLog()));
  int plain = server.port(0);

  int idle = Connect(plain);
  REQUIRE(idle >= 0);
  REQUIRE(SendAll(idle, "GET /movie.swf HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  REQUIRE(StatusOf(ReadResponse(idle, 5)) == 200);

  int busy = Connect(plain);
  REQUIRE(busy >= 0);
  REQUIRE(SendAll(
      busy, "GET /crossdomain.xml HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n12345"));
  Sleep(100);  // the server has the head and half the body

  server.Signal(SIGTERM);
  CHECK(ReadUntilClose(idle, 3).empty());  // the idle keep-alive connection is closed, unanswered
  close(idle);
  CHECK(Eventually(2, [&] {
    int fd = Connect(plain);
    if (fd >= 0) close(fd);
    return fd < 0;
  }));
  CHECK(server.running());

  REQUIRE(SendAll(busy, "67890"));
  std::string answer = ReadResponse(busy, 5);
  CHECK(StatusOf(answer) == 200);
  CHECK(HeaderOf(answer, "Connection") == "close");
  CHECK(BodyOf(answer) == "<cross-domain-policy/>");
  close(busy);
  CHECK(server.WaitExit(5) == 0);
}

TEST_CASE("SIGINT drains too, and the drain deadline stops a client that never finishes") {
  Site site;
  std::vector<std::string> args = BaseArgs(site);
  args.insert(args.end(), {"--drain_timeout", "300ms"});
  ServerProcess server(args);
  REQUIRE_MESSAGE(server.ready(), (server.banner() + server.ErrorLog()));
  int stuck = Connect(server.port(0));
  REQUIRE(stuck >= 0);
  REQUIRE(SendAll(stuck, "POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nabc"));
  Sleep(100);
  auto start = std::chrono::steady_clock::now();
  server.Signal(SIGINT);
  CHECK(server.WaitExit(5) == 0);
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(took < 3);
  close(stuck);
}

TEST_CASE("a listener that cannot be bound stops the start with a clear error") {
  Site site;
  ServerProcess first(BaseArgs(site));
  REQUIRE(first.ready());
  RunResult second = RunBinary({"--listen", "127.0.0.1:" + std::to_string(first.port(0)), "plain",
                                "--admin_listen", "off", "--docroot", site.root});
  CHECK(second.exit_code == 1);
  CHECK(second.err.rfind("amfgate: ", 0) == 0);
  CHECK(second.err.find(std::to_string(first.port(0))) != std::string::npos);
}

}  // namespace
}  // namespace amfgate::ops
