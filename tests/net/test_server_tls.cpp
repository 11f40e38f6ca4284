// A real Server on 127.0.0.1 with TLS, driven by curl and openssl s_client.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <filesystem>
#include <fstream>

#include "net_harness.h"

namespace amfgate {
namespace {

using testing::Client;
using testing::LoopServer;
using testing::RunCommand;
using testing::StatusCode;

void Routes(Server& s) {
  REQUIRE(s.router().Exact("/hello", [](const Request& r, Response& w) {
    w.Text(200, r.is_tls ? "hello tls" : "hello plain");
  }).ok());
}

std::string Port(const LoopServer& s) { return std::to_string(s.port()); }

// s_client with stdin from `input`; returns its output.
std::string SClient(const LoopServer& s, const std::string& flags, const std::string& input = "") {
  // -ign_eof: keep reading after stdin ends, until the server closes.
  return RunCommand("sh -c \"printf '" + input + "' | openssl s_client -ign_eof -connect 127.0.0.1:" + Port(s) + " " +
                    flags + "\"");
}

// A scratch directory removed at the end of the test.
struct TempDir {
  TempDir() {
    char tmpl[] = "/tmp/amfgate-net-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string path;
};

TEST_CASE("curl speaks TLS 1.3 and 1.2 to the generated certificate and gets HSTS") {
  REQUIRE(testing::HaveTools());
  LoopServer server(testing::TlsOptionsOnly(), Routes);
  std::string fingerprint;
  server.Run([&](Server& s) { fingerprint = s.certificate_fingerprint(); });
  CHECK(fingerprint.size() == 32 * 3 - 1);
  for (const char* version : {"--tlsv1.3", "--tlsv1.2 --tls-max 1.2"}) {
    CAPTURE(version);
    int rc = 0;
    std::string out = RunCommand(std::string("curl -sS -k -i ") + version + " https://127.0.0.1:" + Port(server) +
                                     "/hello",
                                 &rc);
    CHECK(rc == 0);
    CHECK(StatusCode(out) == 200);
    CHECK(out.find("Strict-Transport-Security: max-age=") != std::string::npos);
    CHECK(out.find("hello tls") != std::string::npos);
  }
  // The certificate the client sees is the one whose fingerprint is exposed.
  std::string cert = RunCommand("sh -c \"openssl s_client -connect 127.0.0.1:" + Port(server) +
                                " </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256\"");
  CHECK(cert.find(fingerprint) != std::string::npos);
  CHECK(cert.find("=") != std::string::npos);
  std::string text = RunCommand("sh -c \"openssl s_client -connect 127.0.0.1:" + Port(server) +
                                " </dev/null 2>/dev/null | openssl x509 -noout -text\"");
  CHECK(text.find("prime256v1") != std::string::npos);
  CHECK(text.find("DNS:localhost") != std::string::npos);
  ServerStats stats = server.Stats();
  CHECK(stats.handshakes_ok >= 2);
}

TEST_CASE("TLS 1.0, TLS 1.1 and CBC-only TLS 1.2 clients are refused") {
  REQUIRE(testing::HaveTools());
  LoopServer server(testing::TlsOptionsOnly(), Routes);
  // OpenSSL 3 needs security level 0 to even offer TLS 1.0/1.1.
  for (const char* flags : {"-tls1 -cipher DEFAULT@SECLEVEL=0", "-tls1_1 -cipher DEFAULT@SECLEVEL=0",
                            "-tls1_2 -cipher ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:AES128-SHA256",
                            "-tls1_2 -cipher AES128-GCM-SHA256"}) {
    CAPTURE(flags);
    std::string out = SClient(server, flags);
    CHECK(out.find("Cipher is (NONE)") != std::string::npos);
    CHECK(out.find("hello") == std::string::npos);
  }
  ServerStats stats = server.Stats();
  CHECK(stats.handshakes_ok == 0);
  CHECK(stats.handshakes_failed == 4);
}

TEST_CASE("TLS 1.2 accepts only ECDHE with AES-GCM or ChaCha20-Poly1305") {
  REQUIRE(testing::HaveTools());
  LoopServer server(testing::TlsOptionsOnly(), Routes);
  for (const char* suite : {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
                            "ECDHE-ECDSA-CHACHA20-POLY1305"}) {
    CAPTURE(suite);
    std::string out = SClient(server, std::string("-tls1_2 -cipher ") + suite, "GET /hello HTTP/1.1\\r\\nHost: t\\r\\nConnection: close\\r\\n\\r\\n");
    CHECK(out.find(std::string("Cipher is ") + suite) != std::string::npos);
    CHECK(out.find("hello tls") != std::string::npos);
  }
}

TEST_CASE("renegotiation is refused") {
  REQUIRE(testing::HaveTools());
  LoopServer server(testing::TlsOptionsOnly(), Routes);
  // "R" on its own line asks s_client to renegotiate; then a request follows.
  std::string out = RunCommand("sh -c \"(sleep 0.5; printf 'R\\n'; sleep 1; printf 'GET /hello HTTP/1.1\\r\\nHost: "
                               "t\\r\\n\\r\\n'; sleep 0.5) | openssl s_client -tls1_2 -connect 127.0.0.1:" +
                               Port(server) + "\"");
  CHECK(out.find("RENEGOTIATING") != std::string::npos);
  // The server answers the new ClientHello with a no_renegotiation alert.
  CHECK(out.find("no renegotiation") != std::string::npos);
  // The renegotiation handshake never completes: no second "verify return"
  // round and no response to the request sent afterwards.
  CHECK(out.find("hello tls") == std::string::npos);
}

TEST_CASE("plain HTTP on the TLS port gets a plain-text 400 and a close") {
  LoopServer server(testing::TlsOptionsOnly(), Routes);
  Client c("127.0.0.1", server.port());
  REQUIRE(c.Send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"));
  std::string out = c.ReadAll();
  CHECK(StatusCode(out) == 400);
  CHECK(out.find("Connection: close") != std::string::npos);
  CHECK(out.find("TLS port") != std::string::npos);
  CHECK(server.Stats().handshakes_failed == 1);
}

TEST_CASE("session tickets resume TLS 1.2 and TLS 1.3 sessions") {
  REQUIRE(testing::HaveTools());
  LoopServer server(testing::TlsOptionsOnly(), Routes);
  TempDir dir;
  for (std::string version : {"-tls1_2", "-tls1_3"}) {
    CAPTURE(version);
    std::string sess = dir.path + "/sess" + version;
    std::string request = "GET /hello HTTP/1.1\\r\\nHost: t\\r\\nConnection: close\\r\\n\\r\\n";
    std::string first = SClient(server, version + " -sess_out " + sess, request);
    CHECK(first.find("New, TLSv1.") != std::string::npos);
    CHECK(first.find("hello tls") != std::string::npos);
    std::string second = SClient(server, version + " -sess_in " + sess, request);
    CHECK(second.find("Reused, TLSv1.") != std::string::npos);
    CHECK(second.find("hello tls") != std::string::npos);
  }
  ServerStats stats = server.Stats();
  CHECK(stats.handshakes_resumed == 2);
  CHECK(stats.handshakes_ok == 4);
}

TEST_CASE("certificate reload: a good pair replaces the certificate, a bad one keeps the old") {
  REQUIRE(testing::HaveTools());
  TempDir dir;
  std::string cert = dir.path + "/cert.pem", key = dir.path + "/key.pem";
  int rc = 0;
  RunCommand("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=reload "
             "-keyout " + key + " -out " + cert,
             &rc);
  REQUIRE(rc == 0);
  std::string rsa_cert = dir.path + "/rsa.pem", rsa_key = dir.path + "/rsa.key";
  RunCommand("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=rsa -keyout " + rsa_key + " -out " +
                 rsa_cert,
             &rc);
  REQUIRE(rc == 0);
  LoopServer server(testing::TlsOptionsOnly(), Routes);
  std::string before, after, after_bad;
  Status good, bad, mismatched;
  server.Run([&](Server& s) {
    before = s.certificate_fingerprint();
    good = s.ReloadTls(TlsOptions{cert, key});
    after = s.certificate_fingerprint();
    bad = s.ReloadTls(TlsOptions{dir.path + "/missing.pem", key});
    mismatched = s.ReloadTls(TlsOptions{rsa_cert, key});
    after_bad = s.certificate_fingerprint();
  });
  CHECK(good.ok());
  CHECK(before != after);
  CHECK_FALSE(bad.ok());
  CHECK(bad.message().find("missing.pem") != std::string::npos);
  CHECK_FALSE(mismatched.ok());
  CHECK(after_bad == after);
  std::string subject = RunCommand("sh -c \"openssl s_client -connect 127.0.0.1:" + Port(server) +
                                   " </dev/null 2>/dev/null | openssl x509 -noout -subject\"");
  CHECK(subject.find("reload") != std::string::npos);
  // An RSA certificate is accepted too.
  Status rsa;
  server.Run([&](Server& s) { rsa = s.ReloadTls(TlsOptions{rsa_cert, rsa_key}); });
  CHECK(rsa.ok());
  std::string out = RunCommand("curl -sS -k https://127.0.0.1:" + Port(server) + "/hello", &rc);
  CHECK(out == "hello tls");
}

TEST_CASE("concurrent handshakes are capped; a waiting one starts when a slot frees") {
  REQUIRE(testing::HaveTools());
  ServerOptions options = testing::TlsOptionsOnly();
  options.limits.max_handshakes = 1;
  LoopServer server(options, Routes);
  // A silent client takes the only slot.
  auto silent = std::make_unique<Client>("127.0.0.1", server.port());
  REQUIRE(silent->connected());
  std::atomic<bool> finished{false};
  std::string out;
  std::thread curl([&] {
    out = RunCommand("curl -sS -k https://127.0.0.1:" + Port(server) + "/hello");
    finished = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  CHECK_FALSE(finished.load());  // queued behind the silent handshake
  CHECK(server.Stats().handshakes_in_progress == 1);
  silent.reset();
  curl.join();
  CHECK(out == "hello tls");
  ServerStats stats = server.Stats();
  CHECK(stats.handshakes_ok == 1);
  CHECK(stats.handshakes_in_progress == 0);
}

TEST_CASE("a handshake that does not finish in handshake_timeout is closed") {
  ServerOptions options = testing::TlsOptionsOnly();
  options.limits.handshake_timeout = 300 * kMillisecond;
  LoopServer server(options, Routes);
  Client silent("127.0.0.1", server.port(), 3000);
  REQUIRE(silent.Send(std::string("\x16\x03\x01\x00", 4)));  // a record header, then nothing
  auto start = std::chrono::steady_clock::now();
  CHECK(silent.WaitClosed());
  auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed >= std::chrono::milliseconds(250));
  ServerStats stats = server.Stats();
  CHECK(stats.error(NetError::kHandshakeTimeout) == 1);
  CHECK(stats.handshakes_failed == 1);
  CHECK(stats.handshakes_in_progress == 0);
}

}  // namespace
}  // namespace amfgate
