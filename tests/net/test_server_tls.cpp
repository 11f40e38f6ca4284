// A real Server on 127.0.0.1 with TLS, driven by curl and openssl s_client.
#include <doctest/doctest.h>
#include <psa/crypto.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include "net/tls.h"
#include "net_harness.h"

namespace amfgate {
namespace {

using testing::Client;
using testing::LoopServer;
using testing::RunCommand;
using testing::StatusCode;

void Routes(Server& s) {
  REQUIRE(
      s.router()
          .Exact("/hello", [](const Request& r,
                              Response& w) { w.Text(200, r.is_tls ? "hello tls" : "hello plain"); })
          .ok());
}

std::string Port(const LoopServer& s) { return std::to_string(s.port()); }

// s_client with stdin from `input`; returns its output.
std::string SClient(const LoopServer& s, const std::string& flags, const std::string& input = "") {
  // -ign_eof: keep reading after stdin ends, until the server closes.
  return RunCommand("sh -c \"printf '" + input +
                    "' | openssl s_client -ign_eof -connect 127.0.0.1:" + Port(s) + " " + flags +
                    "\"");
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
    std::string out = RunCommand(
        std::string("curl -sS -k -i ") + version + " https://127.0.0.1:" + Port(server) + "/hello",
        &rc);
    CHECK(rc == 0);
    CHECK(StatusCode(out) == 200);
    CHECK(out.find("Strict-Transport-Security: max-age=") != std::string::npos);
    CHECK(out.find("hello tls") != std::string::npos);
  }
  // The certificate the client sees is the one whose fingerprint is exposed.
  std::string cert =
      RunCommand("sh -c \"openssl s_client -connect 127.0.0.1:" + Port(server) +
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
  for (const char* flags :
       {"-tls1 -cipher DEFAULT@SECLEVEL=0", "-tls1_1 -cipher DEFAULT@SECLEVEL=0",
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
    std::string out =
        SClient(server, std::string("-tls1_2 -cipher ") + suite,
                "GET /hello HTTP/1.1\\r\\nHost: t\\r\\nConnection: close\\r\\n\\r\\n");
    CHECK(out.find(std::string("Cipher is ") + suite) != std::string::npos);
    CHECK(out.find("hello tls") != std::string::npos);
  }
}

TEST_CASE("renegotiation is refused") {
  REQUIRE(testing::HaveTools());
  LoopServer server(testing::TlsOptionsOnly(), Routes);
  // "R" on its own line asks s_client to renegotiate; then a request follows.
  std::string out = RunCommand(
      "sh -c \"(sleep 0.5; printf 'R\\n'; sleep 1; printf 'GET /hello HTTP/1.1\\r\\nHost: "
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
  RunCommand(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "
      "/CN=reload "
      "-keyout " +
          key + " -out " + cert,
      &rc);
  REQUIRE(rc == 0);
  std::string rsa_cert = dir.path + "/rsa.pem", rsa_key = dir.path + "/rsa.key";
  RunCommand("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=rsa -keyout " + rsa_key +
                 " -out " + rsa_cert,
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

TEST_CASE("server preference: OpenSSL's default TLS 1.3 order gets ChaCha20, TLS 1.2 gets P-256") {
  REQUIRE(testing::HaveTools());
  LoopServer server(testing::TlsOptionsOnly(), Routes);
  std::string request = "GET /hello HTTP/1.1\\r\\nHost: t\\r\\nConnection: close\\r\\n\\r\\n";
  // OpenSSL offers AES-256-GCM first and sends only an X25519 share.
  std::string out = SClient(server, "-tls1_3", request);
  CHECK(out.find("Cipher is TLS_CHACHA20_POLY1305_SHA256") != std::string::npos);
  // Its X25519 share is taken: no HelloRetryRequest to get a P-256 one.
  CHECK(out.find("Server Temp Key: X25519") != std::string::npos);
  CHECK(out.find("hello tls") != std::string::npos);
  out = SClient(server, "-tls1_3 -ciphersuites TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256",
                request);
  CHECK(out.find("Cipher is TLS_AES_128_GCM_SHA256") != std::string::npos);
  out = SClient(server, "-tls1_3 -ciphersuites TLS_AES_256_GCM_SHA384", request);
  CHECK(out.find("Cipher is TLS_AES_256_GCM_SHA384") != std::string::npos);
  CHECK(out.find("hello tls") != std::string::npos);
  // TLS 1.2 follows the server's order for groups and suites alike.
  out = SClient(server, "-tls1_2 -groups X25519:P-256", request);
  CHECK(out.find("Server Temp Key: ECDH, prime256v1") != std::string::npos);
  CHECK(out.find("Cipher is ECDHE-ECDSA-CHACHA20-POLY1305") != std::string::npos);
  CHECK(out.find("hello tls") != std::string::npos);
}

// A client configuration that does not check the server's certificate.
void ClientDefaults(mbedtls_ssl_config* conf, TlsRandom* random) {
  REQUIRE(mbedtls_ssl_config_defaults(conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                      MBEDTLS_SSL_PRESET_DEFAULT) == 0);
  mbedtls_ssl_conf_rng(conf, TlsRandom::Random, random);
  mbedtls_ssl_conf_authmode(conf, MBEDTLS_SSL_VERIFY_NONE);
}

// Owns an mbedtls_ssl_config and an mbedtls_ssl_context for a client whose
// output is collected in `sent`.
class MbedClient {
 public:
  MbedClient(TlsRandom* random, mbedtls_ssl_protocol_version max_version, uint16_t group) {
    mbedtls_ssl_config_init(&conf_);
    mbedtls_ssl_init(&ssl_);
    ClientDefaults(&conf_, random);
    mbedtls_ssl_conf_max_tls_version(&conf_, max_version);
    groups_[0] = group;
    mbedtls_ssl_conf_groups(&conf_, groups_);
    REQUIRE(mbedtls_ssl_setup(&ssl_, &conf_) == 0);
    mbedtls_ssl_set_bio(
        &ssl_, &sent,
        [](void* out, const unsigned char* buf, size_t len) {
          static_cast<std::string*>(out)->append(reinterpret_cast<const char*>(buf), len);
          return static_cast<int>(len);
        },
        [](void*, unsigned char*, size_t) { return MBEDTLS_ERR_SSL_WANT_READ; }, nullptr);
  }
  ~MbedClient() {
    mbedtls_ssl_free(&ssl_);
    mbedtls_ssl_config_free(&conf_);
  }
  // The first flight: a ClientHello.
  std::string Hello() {
    CHECK(mbedtls_ssl_handshake(&ssl_) == MBEDTLS_ERR_SSL_WANT_READ);
    return sent;
  }
  std::string sent;

 private:
  mbedtls_ssl_config conf_;
  mbedtls_ssl_context ssl_;
  uint16_t groups_[3] = {0, MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1, MBEDTLS_SSL_IANA_TLS_GROUP_NONE};
};

TEST_CASE("PeekClientHello reads mbedTLS's ClientHellos and needs the whole record, never more") {
  REQUIRE(psa_crypto_init() == PSA_SUCCESS);
  TlsRandom random;
  REQUIRE(random.Seed("test peek").ok());
  ClientHelloOffer offer;
  std::string x25519 =
      MbedClient(&random, MBEDTLS_SSL_VERSION_TLS1_3, MBEDTLS_SSL_IANA_TLS_GROUP_X25519).Hello();
  REQUIRE(PeekClientHello(x25519, &offer) == Code::kOk);
  CHECK(offer.tls13);
  CHECK(offer.tls13_suites == 0x7);  // mbedTLS offers all three TLS 1.3 suites
  CHECK_FALSE(offer.p256_share);     // its one key share is for its first group

  std::string p256 =
      MbedClient(&random, MBEDTLS_SSL_VERSION_TLS1_3, MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1).Hello();
  REQUIRE(PeekClientHello(p256, &offer) == Code::kOk);
  CHECK(offer.tls13);
  CHECK(offer.p256_share);

  std::string tls12 =
      MbedClient(&random, MBEDTLS_SSL_VERSION_TLS1_2, MBEDTLS_SSL_IANA_TLS_GROUP_X25519).Hello();
  REQUIRE(PeekClientHello(tls12, &offer) == Code::kOk);
  CHECK_FALSE(offer.tls13);
  CHECK(offer.tls13_suites == 0);

  // Every prefix is "need more"; the record size is known once the header is.
  for (size_t n = 0; n < p256.size(); ++n) {
    size_t record_size = 1;
    std::string prefix = p256.substr(0, n);  // its own allocation: ASan sees an over-read
    CHECK(PeekClientHello(prefix, &offer, &record_size) == Code::kAgain);
    CHECK(record_size == (n < 5 ? 0 : p256.size()));
  }
  // Bytes after the first record are not looked at.
  CHECK(PeekClientHello(p256 + "\x17\x03\x03garbage", &offer) == Code::kOk);
  CHECK(PeekClientHello("GET / HTTP/1.1\r\n\r\n", &offer) == Code::kMalformed);
  CHECK(PeekClientHello(std::string("\x16\x03\x01\x00\x00", 5), &offer) == Code::kMalformed);

  // Seeded random damage: an answer, never a read outside the bytes.
  std::mt19937 rng(20240601);
  for (int i = 0; i < 20000; ++i) {
    std::string damaged = p256;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      damaged[5 + rng() % (damaged.size() - 5)] = static_cast<char>(rng());
    }
    if (rng() % 4 == 0) damaged.resize(5 + rng() % (damaged.size() - 5));
    Code c = PeekClientHello(damaged, &offer);
    CHECK((c == Code::kOk || c == Code::kMalformed || c == Code::kAgain));
  }
}

// A hand-built TLS 1.3 ClientHello with the given cipher suites and key
// shares (group, public key), as a browser that sends two shares makes it;
// `more` is appended to its extensions as it is.
std::string ClientHelloRecord(const std::vector<uint16_t>& suites,
                              const std::vector<std::pair<uint16_t, std::string>>& shares,
                              const std::string& more = "") {
  auto u16 = [](std::string* out, size_t v) {
    out->push_back(static_cast<char>(v >> 8));
    out->push_back(static_cast<char>(v & 0xff));
  };
  auto extension = [&](std::string* out, uint16_t type, const std::string& data) {
    u16(out, type);
    u16(out, data.size());
    *out += data;
  };
  std::string body = "\x03\x03" + std::string(32, '\x11') + '\x20' + std::string(32, '\x22');
  u16(&body, suites.size() * 2);
  for (uint16_t s : suites) u16(&body, s);
  body += std::string("\x01\x00", 2);
  std::string ext, data;
  extension(&ext, 43, std::string("\x02\x03\x04", 3));  // supported_versions: TLS 1.3
  data.clear();
  u16(&data, shares.size() * 2);
  for (const auto& share : shares) u16(&data, share.first);
  extension(&ext, 10, data);  // supported_groups
  // signature_algorithms: ecdsa_secp256r1_sha256
  extension(&ext, 13, std::string("\x00\x02\x04\x03", 4));
  std::string entries;
  for (const auto& share : shares) {
    u16(&entries, share.first);
    u16(&entries, share.second.size());
    entries += share.second;
  }
  data.clear();
  u16(&data, entries.size());
  extension(&ext, 51, data + entries);  // key_share
  ext += more;
  u16(&body, ext.size());
  body += ext;
  std::string handshake = std::string(1, '\x01') + '\0';
  u16(&handshake, body.size());
  handshake += body;
  std::string record = "\x16\x03\x01";
  u16(&record, handshake.size());
  return record + handshake;
}

// A ServerHello's extensions: type, and where its data starts in the flight.
using Extensions = std::vector<std::pair<uint16_t, size_t>>;

uint16_t U16At(const std::string& bytes, size_t i) {
  return static_cast<uint16_t>(static_cast<uint8_t>(bytes[i]) << 8 |
                               static_cast<uint8_t>(bytes[i + 1]));
}

// The extensions of the ServerHello that starts `flight` (the server's first
// bytes on a connection), in order, and its cipher suite into *suite; empty
// if it is not one.
Extensions ServerHelloExtensions(const std::string& flight, uint16_t* suite = nullptr) {
  Extensions found;
  if (flight.size() < 5 + 4 + 2 + 32 + 1 || flight[0] != 22 || flight[5] != 2) return found;
  size_t p = 5 + 4 + 2 + 32;
  p += 1 + static_cast<uint8_t>(flight[p]);  // legacy_session_id_echo
  if (p + 5 > flight.size()) return found;
  if (suite != nullptr) *suite = U16At(flight, p);
  p += 3;  // suite, compression
  size_t end = p + 2 + U16At(flight, p);
  if (end > flight.size()) return found;
  for (p += 2; p + 4 <= end; p += 4 + U16At(flight, p + 2))
    found.emplace_back(U16At(flight, p), p + 4);
  return found;
}

bool Has(const Extensions& extensions, uint16_t type) {
  return std::any_of(extensions.begin(), extensions.end(),
                     [&](const auto& e) { return e.first == type; });
}

// The cipher suite and key-share group of the ServerHello that starts
// `flight`; false if it is not one.
bool ReadServerHello(const std::string& flight, uint16_t* suite, uint16_t* group) {
  for (const auto& [type, at] : ServerHelloExtensions(flight, suite)) {
    if (type == 51) {
      *group = U16At(flight, at);
      return true;
    }
  }
  return false;
}

TEST_CASE(
    "server preference: ChaCha20 before the client's order, P-256 when a P-256 share is sent") {
  REQUIRE(psa_crypto_init() == PSA_SUCCESS);
  TlsRandom random;
  TicketKeys tickets;
  TlsContext context;
  REQUIRE(random.Seed("test preference").ok());
  REQUIRE(tickets.Setup(&random, 60 * kSecond).ok());
  REQUIRE(context.Init("", "", &random, &tickets).ok());
  // A real P-256 point for the share the server may use; the X25519 share
  // must not be touched when a P-256 one is there.
  psa_key_attributes_t attributes = PSA_KEY_ATTRIBUTES_INIT;
  psa_set_key_type(&attributes, PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECP_R1));
  psa_set_key_bits(&attributes, 256);
  psa_set_key_usage_flags(&attributes, PSA_KEY_USAGE_DERIVE);
  psa_set_key_algorithm(&attributes, PSA_ALG_ECDH);
  mbedtls_svc_key_id_t key;
  REQUIRE(psa_generate_key(&attributes, &key) == PSA_SUCCESS);
  unsigned char point[65];
  size_t point_length = 0;
  REQUIRE(psa_export_public_key(key, point, sizeof(point), &point_length) == PSA_SUCCESS);
  psa_destroy_key(key);
  std::string p256(reinterpret_cast<char*>(point), point_length);
  std::string x25519(32, '\x09');  // the X25519 base point: a valid share

  struct Case {
    std::vector<uint16_t> suites;
    std::vector<std::pair<uint16_t, std::string>> shares;
    uint16_t suite, group;
  };
  const Case cases[] = {
      {{0x1302, 0x1301, 0x1303}, {{0x001d, x25519}, {0x0017, p256}}, 0x1303, 0x0017},
      {{0x1302, 0x1301, 0x1303}, {{0x001d, x25519}}, 0x1303, 0x001d},
      {{0x1302, 0x1301}, {{0x0017, p256}, {0x001d, x25519}}, 0x1301, 0x0017},
      {{0x1302}, {{0x001d, x25519}}, 0x1302, 0x001d},
  };
  BufferPool pool(16 * 1024, 4);
  for (const Case& c : cases) {
    CAPTURE(c.suite);
    CAPTURE(c.group);
    std::string hello = ClientHelloRecord(c.suites, c.shares);
    std::string flight;
    TlsSession session(&context, &pool);
    session.set_output(&flight);
    // In two pieces: nothing is decided on half a record.
    size_t half = hello.size() / 2;
    std::span<char> space = session.CipherSpace();
    std::memcpy(space.data(), hello.data(), half);
    session.CipherReceived(half);
    CHECK(session.Handshake() == Code::kAgain);
    CHECK(flight.empty());
    space = session.CipherSpace();
    REQUIRE(space.size() >= hello.size() - half);
    std::memcpy(space.data(), hello.data() + half, hello.size() - half);
    session.CipherReceived(hello.size() - half);
    REQUIRE(session.Handshake() == Code::kAgain);  // now waiting for the client's Finished
    uint16_t suite = 0, group = 0;
    REQUIRE(ReadServerHello(flight, &suite, &group));
    CHECK(suite == c.suite);
    CHECK(group == c.group);
  }
}

TEST_CASE("PeekClientHello sees a psk_ke-only resumption offer, and only that") {
  const std::string share(65, '\x04');
  // psk_key_exchange_modes with the given modes; a pre_shared_key whose
  // contents PeekClientHello does not read.
  auto modes = [](const std::string& list) {
    return std::string("\x00\x2d\x00", 3) + static_cast<char>(list.size() + 1) +
           static_cast<char>(list.size()) + list;
  };
  const std::string psk("\x00\x29\x00\x04\xaa\xbb\xcc\xdd", 8);
  struct Case {
    std::string more;
    Code code;
    bool psk_ke_only;
  };
  const Case cases[] = {
      {modes(std::string("\x00", 1)) + psk, Code::kOk, true},
      {modes(std::string("\x00\x01", 2)) + psk, Code::kOk, false},  // psk_dhe_ke wins
      {modes(std::string("\x01", 1)) + psk, Code::kOk, false},
      {modes(std::string("\x00", 1)), Code::kOk, false},  // nothing to resume from
      {psk, Code::kOk, false},                            // no modes: mbedTLS refuses the PSK
      {std::string("\x00\x2d\x00\x02\x05\x00", 6) + psk, Code::kMalformed, false},  // list overruns
      {std::string("\x00\x2d\x00\x03\x01\x00\x00", 7) + psk, Code::kMalformed, false},  // trailing
  };
  for (const Case& c : cases) {
    CAPTURE(c.psk_ke_only);
    ClientHelloOffer offer;
    std::string hello = ClientHelloRecord({0x1301}, {{0x0017, share}}, c.more);
    CHECK(PeekClientHello(hello, &offer) == c.code);
    CHECK(offer.psk_ke_only == c.psk_ke_only);
  }
}

constexpr uint16_t kPreSharedKey = 41;
constexpr uint16_t kKeyShare = 51;

// A TLS 1.3 mbedTLS client on a real socket that keeps the last ticket the
// server gave it and resumes from it, offering the given key exchange modes.
class ResumingClient {
 public:
  ResumingClient(TlsRandom* random, int modes) {
    mbedtls_ssl_config_init(&conf_);
    mbedtls_ssl_session_init(&ticket_);
    ClientDefaults(&conf_, random);
    mbedtls_ssl_conf_min_tls_version(&conf_, MBEDTLS_SSL_VERSION_TLS1_3);
    mbedtls_ssl_conf_groups(&conf_, groups_);
    mbedtls_ssl_conf_session_tickets(&conf_, MBEDTLS_SSL_SESSION_TICKETS_ENABLED);
    mbedtls_ssl_conf_tls13_key_exchange_modes(&conf_, modes);
    mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(
        &conf_, MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED);
  }
  ~ResumingClient() {
    mbedtls_ssl_session_free(&ticket_);
    mbedtls_ssl_config_free(&conf_);
  }

  // The suites the next connections offer (zero-terminated, kept alive by
  // the caller).
  void OfferOnly(const int* suites) { mbedtls_ssl_conf_ciphersuites(&conf_, suites); }

  // Makes the kept ticket's obfuscated age lie by `ms`, as a client with a
  // broken clock would (the field is mbedTLS-private: no API sets it).
  void SkewTicketAge(uint32_t ms) { ticket_.MBEDTLS_PRIVATE(ticket_age_add) += ms; }

  // One connection: a handshake (from the kept ticket, if any), GET /hello,
  // the answer read to the close. Returns the body's last bytes seen and
  // fills *flight with the server's raw bytes.
  std::string Get(uint16_t port, std::string* flight) {
    Client socket("127.0.0.1", port);
    REQUIRE(socket.connected());
    Io io{&socket, flight, {}};
    mbedtls_ssl_context ssl;
    mbedtls_ssl_init(&ssl);
    REQUIRE(mbedtls_ssl_setup(&ssl, &conf_) == 0);
    REQUIRE(mbedtls_ssl_set_hostname(&ssl, "localhost") == 0);
    mbedtls_ssl_set_bio(&ssl, &io, Io::Send, Io::Recv, nullptr);
    if (have_ticket_) REQUIRE(mbedtls_ssl_set_session(&ssl, &ticket_) == 0);
    std::string answer;
    int ret;
    while ((ret = mbedtls_ssl_handshake(&ssl)) == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
      Keep(&ssl);
    }
    if (ret == 0) {
      const char request[] = "GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
      ret = mbedtls_ssl_write(&ssl, reinterpret_cast<const unsigned char*>(request),
                              sizeof(request) - 1);
      CHECK(ret == static_cast<int>(sizeof(request) - 1));
      unsigned char buf[4096];
      while ((ret = mbedtls_ssl_read(&ssl, buf, sizeof(buf))) != 0) {
        if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
          Keep(&ssl);
        } else if (ret == MBEDTLS_ERR_SSL_WANT_READ) {
          continue;  // after a NewSessionTicket; Recv blocks, so this is no spin
        } else if (ret > 0) {
          answer.append(reinterpret_cast<char*>(buf), static_cast<size_t>(ret));
        } else {
          break;  // close_notify, or the connection closed
        }
      }
    } else {
      FAIL_CHECK("handshake failed: " << MbedtlsError(ret));
    }
    mbedtls_ssl_free(&ssl);
    return answer;
  }

 private:
  struct Io {
    Client* socket;
    std::string* seen;
    std::string pending;
    static int Send(void* self, const unsigned char* buf, size_t len) {
      auto* io = static_cast<Io*>(self);
      bool sent = io->socket->Send(std::string_view(reinterpret_cast<const char*>(buf), len));
      return sent ? static_cast<int>(len) : MBEDTLS_ERR_SSL_CONN_EOF;
    }
    static int Recv(void* self, unsigned char* buf, size_t len) {
      auto* io = static_cast<Io*>(self);
      if (io->pending.empty()) {
        io->pending = io->socket->ReadSome();
        *io->seen += io->pending;
        if (io->pending.empty()) return MBEDTLS_ERR_SSL_CONN_EOF;
      }
      size_t n = std::min(len, io->pending.size());
      std::memcpy(buf, io->pending.data(), n);
      io->pending.erase(0, n);
      return static_cast<int>(n);
    }
  };

  void Keep(mbedtls_ssl_context* ssl) {
    mbedtls_ssl_session_free(&ticket_);
    mbedtls_ssl_session_init(&ticket_);
    have_ticket_ = mbedtls_ssl_get_session(ssl, &ticket_) == 0;
    CHECK(have_ticket_);
  }

  mbedtls_ssl_config conf_;
  mbedtls_ssl_session ticket_;
  bool have_ticket_ = false;
  uint16_t groups_[2] = {MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1, MBEDTLS_SSL_IANA_TLS_GROUP_NONE};
};

// psk_ke alone, with the certificate mode as a fallback (as --tls13-kex psk
// in the bench); psk_dhe_ke alone, likewise (what browsers offer).
constexpr int kOffersPskKe =
    MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK | MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL;
constexpr int kOffersPskDheKe = MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL |
                                MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL;

TEST_CASE(
    "a client offering only psk_ke resumes with no key exchange; psk_dhe_ke keeps its ECDHE") {
  REQUIRE(psa_crypto_init() == PSA_SUCCESS);
  TlsRandom random;
  REQUIRE(random.Seed("test psk_ke").ok());
  LoopServer server(testing::TlsOptionsOnly(), Routes);
  struct Case {
    int modes;
    bool resumed_key_share;  // a key share in the resumed ServerHello: an ECDHE happened
  };
  for (Case c : {Case{kOffersPskKe, false}, Case{kOffersPskDheKe, true},
                 Case{MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_ALL, true}}) {
    CAPTURE(c.modes);
    ResumingClient client(&random, c.modes);
    std::string flight;
    CHECK(client.Get(server.port(), &flight).find("hello tls") != std::string::npos);
    Extensions full = ServerHelloExtensions(flight);
    CHECK(Has(full, kKeyShare));
    CHECK_FALSE(Has(full, kPreSharedKey));
    // Twice: the second resumes from the ticket the first resumption issued.
    for (int i = 0; i < 2; ++i) {
      flight.clear();
      CHECK(client.Get(server.port(), &flight).find("hello tls") != std::string::npos);
      Extensions resumed = ServerHelloExtensions(flight);
      CHECK(Has(resumed, kPreSharedKey));
      CHECK(Has(resumed, kKeyShare) == c.resumed_key_share);
    }
  }
  ServerStats stats = server.Stats();
  CHECK(stats.handshakes_ok == 9);
  CHECK(stats.handshakes_resumed == 6);
  CHECK(stats.handshakes_failed == 0);
}

TEST_CASE("a psk_ke-only ClientHello the server cannot resume gets the full handshake instead") {
  REQUIRE(psa_crypto_init() == PSA_SUCCESS);
  TlsRandom random;
  REQUIRE(random.Seed("test psk_ke fallback").ok());
  ResumingClient client(&random, kOffersPskKe);
  std::string flight;
  {
    // A ticket from another server: its keys are not this server's.
    LoopServer other(testing::TlsOptionsOnly(), Routes);
    CHECK(client.Get(other.port(), &flight).find("hello tls") != std::string::npos);
  }
  LoopServer server(testing::TlsOptionsOnly(), Routes);
  flight.clear();
  CHECK(client.Get(server.port(), &flight).find("hello tls") != std::string::npos);
  Extensions hello = ServerHelloExtensions(flight);
  CHECK(Has(hello, kKeyShare));
  CHECK_FALSE(Has(hello, kPreSharedKey));
  // No alert went out before the ServerHello: it starts the flight.
  CHECK_FALSE(hello.empty());
  // And the ticket this full handshake issued resumes in psk_ke mode.
  flight.clear();
  CHECK(client.Get(server.port(), &flight).find("hello tls") != std::string::npos);
  hello = ServerHelloExtensions(flight);
  CHECK(Has(hello, kPreSharedKey));
  CHECK_FALSE(Has(hello, kKeyShare));
  ServerStats stats = server.Stats();
  CHECK(stats.handshakes_ok == 2);
  CHECK(stats.handshakes_resumed == 1);
  CHECK(stats.handshakes_failed == 0);
}

TEST_CASE("a ticket that decrypts but cannot be used is a full handshake, and counted as one") {
  REQUIRE(psa_crypto_init() == PSA_SUCCESS);
  TlsRandom random;
  REQUIRE(random.Seed("test unusable ticket").ok());
  LoopServer server(testing::TlsOptionsOnly(), Routes);
  ResumingClient client(&random, MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_ALL);
  std::string flight;
  CHECK(client.Get(server.port(), &flight).find("hello tls") != std::string::npos);
  // A ticket age a minute off: the server decrypts the ticket, then refuses
  // it (RFC 8446 section 8.3: a replayed or misdated ticket) and makes a
  // full handshake instead.
  client.SkewTicketAge(60'000);
  flight.clear();
  CHECK(client.Get(server.port(), &flight).find("hello tls") != std::string::npos);
  Extensions hello = ServerHelloExtensions(flight);
  CHECK(Has(hello, kKeyShare));
  CHECK_FALSE(Has(hello, kPreSharedKey));
  // The ticket that full handshake issued, with its true age, resumes.
  flight.clear();
  CHECK(client.Get(server.port(), &flight).find("hello tls") != std::string::npos);
  CHECK(Has(ServerHelloExtensions(flight), kPreSharedKey));
  ServerStats stats = server.Stats();
  CHECK(stats.handshakes_ok == 3);
  CHECK(stats.handshakes_resumed == 1);
  CHECK(stats.handshakes_failed == 0);
}

TEST_CASE("a ticket from a suite the client no longer prefers still resumes or falls back") {
  REQUIRE(psa_crypto_init() == PSA_SUCCESS);
  TlsRandom random;
  REQUIRE(random.Seed("test ticket suite").ok());
  LoopServer server(testing::TlsOptionsOnly(), Routes);
  ResumingClient client(&random, MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_ALL);
  static const int kAes256[] = {MBEDTLS_TLS1_3_AES_256_GCM_SHA384, 0};
  static const int kEvery[] = {MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256,
                               MBEDTLS_TLS1_3_AES_128_GCM_SHA256, MBEDTLS_TLS1_3_AES_256_GCM_SHA384,
                               0};
  static const int kChaCha[] = {MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256, 0};
  std::string flight;
  client.OfferOnly(kAes256);
  CHECK(client.Get(server.port(), &flight).find("hello tls") != std::string::npos);
  // Every suite offered: the server's favourite (ChaCha20) cannot carry the
  // SHA-384 ticket, AES-256-GCM can, and resuming beats the preference.
  client.OfferOnly(kEvery);
  flight.clear();
  CHECK(client.Get(server.port(), &flight).find("hello tls") != std::string::npos);
  CHECK(Has(ServerHelloExtensions(flight), kPreSharedKey));
  // Only a SHA-256 suite offered: the ticket is useless; a full handshake.
  client.OfferOnly(kAes256);
  flight.clear();
  CHECK(client.Get(server.port(), &flight).find("hello tls") != std::string::npos);
  client.OfferOnly(kChaCha);
  flight.clear();
  CHECK(client.Get(server.port(), &flight).find("hello tls") != std::string::npos);
  CHECK_FALSE(Has(ServerHelloExtensions(flight), kPreSharedKey));
  ServerStats stats = server.Stats();
  CHECK(stats.handshakes_ok == 4);
  CHECK(stats.handshakes_failed == 0);
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
