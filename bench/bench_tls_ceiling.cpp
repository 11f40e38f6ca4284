// The TLS handshake ceiling, and how close the server's own handshakes come
// to it (issue 6 and 7: "full handshakes per CPU-second within 90% of what
// mbedTLS's own signature and key-exchange speed allows").
//
// A full handshake costs the server one ECDSA P-256 signature and one ECDHE:
// an ephemeral key pair, its public half for the ServerHello, and the shared
// secret with the client's share. With mbedTLS these are about 95% of the
// server's instructions (callgrind); transcript hashes, the key schedule, the
// session ticket and the records make up the rest. This program times those
// operations through exactly the calls mbedTLS 3.6's server code makes in the
// vendored build (MBEDTLS_USE_PSA_CRYPTO off):
//   - the signature: mbedtls_pk_sign with a P-256 key from GenerateSelfSigned
//     (deterministic ECDSA: TLS 1.3 CertificateVerify, TLS 1.2
//     ServerKeyExchange);
//   - TLS 1.3 ECDHE: psa_generate_key, psa_export_public_key and
//     psa_raw_key_agreement. mbedTLS's PSA keeps only the private scalar, so
//     the export is a scalar multiplication of its own: leaving it out makes
//     X25519 look twice as cheap as it is;
//   - TLS 1.2 ECDHE: mbedtls_ecdh_setup, _make_params, _read_public and
//     _calc_secret (the legacy ECDH module).
// The ceiling for one kind of handshake is 1 / (t_sign + t_ecdhe).
//
// Also timed: the AEAD of each TLS 1.3 suite over one record, through
// mbedtls_cipher_auth_encrypt_ext as the record layer calls it; the server's
// suite preference (tls.h) follows these figures.
//
// Like with like: every round also runs full handshakes in this thread, the
// net module's TlsSession (the server, with the same TlsContext the server
// builds) against an mbedTLS client through memory, timing only the server's
// calls. Both figures come from the same seconds of a shared, noisy machine;
// the ratio is taken within a round and the median of the rounds printed.
// Times are this thread's CPU time (CLOCK_THREAD_CPUTIME_ID). Kernel work of
// a real connection (accept, TCP, close) is not in either figure; bench_http
// measures handshakes over loopback.
//
// Output: a table, then `BENCH name value unit` lines. BENCH_ROUNDS (default
// 7) rounds of one to two seconds each.
#include <mbedtls/cipher.h>
#include <mbedtls/ecdh.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/version.h>
#include <psa/crypto.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bench_common.h"
#include "net/certificate.h"
#include "net/tls.h"
#include "public_key_speed.h"

namespace amfgate {
namespace {

using bench::CpuModel;
using bench::Spread;
using bench::Summarize;

constexpr double kSecondsPerOperation = 0.1;  // CPU time per primitive, per round
constexpr int kHandshakesPerRound = 40;

[[noreturn]] void Die(const char* what, int ret) {
  std::fprintf(stderr, "bench_tls_ceiling: %s (-0x%04x)\n", what, static_cast<unsigned>(-ret));
  std::exit(1);
}

// Operations per CPU-second of `op`; a failed operation ends the program.
template <typename Op>
double Rate(double seconds, Op&& op) {
  const double rate = bench::OpsPerCpuSecond(seconds, op);
  if (rate == 0) Die("an mbedTLS operation failed", 0);
  return rate;
}

// The key and certificate a server makes for itself (GenerateSelfSigned),
// signing as a full handshake does.
class Signer {
 public:
  explicit Signer(TlsRandom* random) : signer_(&key_, TlsRandom::Random, random) {
    mbedtls_x509_crt_init(&crt_);
    mbedtls_pk_init(&key_);
    Status s = GenerateSelfSigned(TlsRandom::Random, random, &crt_, &key_);
    if (!s.ok()) Die(s.ToString().c_str(), 0);
  }
  ~Signer() {
    mbedtls_pk_free(&key_);
    mbedtls_x509_crt_free(&crt_);
  }
  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;

  bool Sign() { return signer_.Sign(); }

 private:
  mbedtls_x509_crt crt_;
  mbedtls_pk_context key_;
  bench::HandshakeSigner signer_;
};

// Owns an mbedtls_ecdh_context.
class EcdhContext {
 public:
  EcdhContext() { mbedtls_ecdh_init(&ctx_); }
  ~EcdhContext() { mbedtls_ecdh_free(&ctx_); }
  EcdhContext(const EcdhContext&) = delete;
  EcdhContext& operator=(const EcdhContext&) = delete;
  mbedtls_ecdh_context* get() { return &ctx_; }

 private:
  mbedtls_ecdh_context ctx_;
};

// TLS 1.2's ECDHE as mbedTLS's server does it, through the ECDH module: the
// ServerKeyExchange parameters, then the ClientKeyExchange's point.
class Tls12Ecdhe {
 public:
  explicit Tls12Ecdhe(TlsRandom* random) : random_(random) {
    EcdhContext client;
    int ret = mbedtls_ecdh_setup(client.get(), MBEDTLS_ECP_DP_SECP256R1);
    if (ret == 0) {
      ret = mbedtls_ecdh_make_public(client.get(), &client_length_, client_public_,
                                     sizeof(client_public_), TlsRandom::Random, random);
    }
    if (ret != 0) Die("ECDH client share", ret);
  }

  bool Exchange() {
    EcdhContext server;
    unsigned char params[256];
    unsigned char secret[MBEDTLS_ECP_MAX_BYTES];
    size_t params_length = 0, secret_length = 0;
    return mbedtls_ecdh_setup(server.get(), MBEDTLS_ECP_DP_SECP256R1) == 0 &&
           mbedtls_ecdh_make_params(server.get(), &params_length, params, sizeof(params),
                                    TlsRandom::Random, random_) == 0 &&
           mbedtls_ecdh_read_public(server.get(), client_public_, client_length_) == 0 &&
           mbedtls_ecdh_calc_secret(server.get(), &secret_length, secret, sizeof(secret),
                                    TlsRandom::Random, random_) == 0 &&
           secret_length == 32;
  }

 private:
  TlsRandom* random_;
  unsigned char client_public_[MBEDTLS_ECP_MAX_PT_LEN + 1];
  size_t client_length_ = 0;
};

// Owns an mbedtls_ssl_config for the client side.
class ClientConfig {
 public:
  ClientConfig(TlsRandom* random, mbedtls_ssl_protocol_version version, uint16_t group) {
    mbedtls_ssl_config_init(&conf_);
    int ret = mbedtls_ssl_config_defaults(&conf_, MBEDTLS_SSL_IS_CLIENT,
                                          MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0) Die("client configuration", ret);
    mbedtls_ssl_conf_rng(&conf_, TlsRandom::Random, random);
    mbedtls_ssl_conf_authmode(&conf_, MBEDTLS_SSL_VERIFY_NONE);
    mbedtls_ssl_conf_min_tls_version(&conf_, version);
    mbedtls_ssl_conf_max_tls_version(&conf_, version);
    groups_[0] = group;
    mbedtls_ssl_conf_groups(&conf_, groups_);
  }
  ~ClientConfig() { mbedtls_ssl_config_free(&conf_); }
  ClientConfig(const ClientConfig&) = delete;
  ClientConfig& operator=(const ClientConfig&) = delete;
  const mbedtls_ssl_config* get() const { return &conf_; }

 private:
  mbedtls_ssl_config conf_;
  uint16_t groups_[2] = {0, MBEDTLS_SSL_IANA_TLS_GROUP_NONE};
};

// Owns a client's mbedtls_ssl_context, wired to two strings.
class Client {
 public:
  Client(const ClientConfig& config, std::string* to_server, std::string* to_client)
      : to_server_(to_server), to_client_(to_client) {
    mbedtls_ssl_init(&ssl_);
    int ret = mbedtls_ssl_setup(&ssl_, config.get());
    if (ret != 0) Die("client session", ret);
    mbedtls_ssl_set_bio(&ssl_, this, Send, Recv, nullptr);
  }
  ~Client() { mbedtls_ssl_free(&ssl_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  int Handshake() { return mbedtls_ssl_handshake(&ssl_); }

 private:
  static int Send(void* self, const unsigned char* buf, size_t len) {
    static_cast<Client*>(self)->to_server_->append(reinterpret_cast<const char*>(buf), len);
    return static_cast<int>(len);
  }
  static int Recv(void* self, unsigned char* buf, size_t len) {
    std::string* in = static_cast<Client*>(self)->to_client_;
    if (in->empty()) return MBEDTLS_ERR_SSL_WANT_READ;
    size_t n = std::min(len, in->size());
    std::memcpy(buf, in->data(), n);
    in->erase(0, n);
    return static_cast<int>(n);
  }

  mbedtls_ssl_context ssl_;
  std::string* to_server_;
  std::string* to_client_;
};

// Full handshakes per second of server CPU: `count` handshakes of a client
// made from `client_config` against `context`, only the server timed.
double InProcessHandshakes(TlsContext* context, const ClientConfig& client_config, int count) {
  BufferPool pool(16 * 1024, 4);
  double server_cpu = 0;
  for (int i = 0; i < count; ++i) {
    std::string to_client, to_server;
    double t0 = bench::ThreadCpuSeconds();
    auto server = std::make_unique<TlsSession>(context, &pool);
    server->set_output(&to_client);
    server_cpu += bench::ThreadCpuSeconds() - t0;
    Client client(client_config, &to_server, &to_client);
    bool done = false;
    for (int step = 0; step < 50 && !done; ++step) {
      int c = client.Handshake();
      if (c != 0 && c != MBEDTLS_ERR_SSL_WANT_READ && c != MBEDTLS_ERR_SSL_WANT_WRITE)
        Die("client handshake", c);
      while (!to_server.empty()) {
        t0 = bench::ThreadCpuSeconds();
        std::span<char> space = server->CipherSpace();
        size_t n = std::min(space.size(), to_server.size());
        std::memcpy(space.data(), to_server.data(), n);
        server->CipherReceived(n);
        Code sc = server->Handshake();
        server_cpu += bench::ThreadCpuSeconds() - t0;
        to_server.erase(0, n);
        if (sc == Code::kMalformed) Die("server handshake", server->last_error());
      }
      done = c == 0 && server->handshake_done();
    }
    if (!done) Die("handshake did not finish", 0);
    if (server->resumed()) Die("a full handshake was resumed", 0);
    // Freeing the session (mbedTLS zeroes its buffers) is part of the cost.
    t0 = bench::ThreadCpuSeconds();
    server.reset();
    server_cpu += bench::ThreadCpuSeconds() - t0;
  }
  return count / server_cpu;
}

// Owns an mbedtls_cipher_context_t with a key set for encryption.
class Aead {
 public:
  Aead(mbedtls_cipher_type_t type, int key_bits) {
    mbedtls_cipher_init(&ctx_);
    static const unsigned char kKey[32] = {7, 6, 5, 4, 3, 2, 1};
    int ret = mbedtls_cipher_setup(&ctx_, mbedtls_cipher_info_from_type(type));
    if (ret == 0) ret = mbedtls_cipher_setkey(&ctx_, kKey, key_bits, MBEDTLS_ENCRYPT);
    if (ret != 0) Die("cipher setup", ret);
  }
  ~Aead() { mbedtls_cipher_free(&ctx_); }
  Aead(const Aead&) = delete;
  Aead& operator=(const Aead&) = delete;

  // One TLS 1.3 record of `plain` (content type included), sealed as
  // mbedTLS's record layer does it; false if it failed.
  bool Seal(const std::string& plain, std::string* sealed) {
    unsigned char nonce[12] = {};
    ++nonce[11];
    const unsigned char header[5] = {23, 3, 3, static_cast<unsigned char>((plain.size() + 16) >> 8),
                                     static_cast<unsigned char>(plain.size() + 16)};
    sealed->resize(plain.size() + 16);
    size_t length = 0;
    return mbedtls_cipher_auth_encrypt_ext(&ctx_, nonce, sizeof(nonce), header, sizeof(header),
                                           reinterpret_cast<const unsigned char*>(plain.data()),
                                           plain.size(),
                                           reinterpret_cast<unsigned char*>(sealed->data()),
                                           sealed->size(), &length, 16) == 0 &&
           length == sealed->size();
  }

 private:
  mbedtls_cipher_context_t ctx_;
};

struct Kind {
  const char* label;  // table
  const char* name;   // BENCH names
  mbedtls_ssl_protocol_version version;
  uint16_t group;  // the client's only group
  std::vector<double> ecdhe, ceiling, handshakes, ratio;
};

int Main() {
  if (psa_crypto_init() != PSA_SUCCESS) Die("psa_crypto_init", 0);
  const char* rounds_env = std::getenv("BENCH_ROUNDS");
  const int rounds = rounds_env != nullptr && std::atoi(rounds_env) > 0 ? std::atoi(rounds_env) : 7;

  TlsRandom random;
  TicketKeys tickets;
  TlsContext context;
  if (Status s = random.Seed("amfgate bench_tls_ceiling"); !s.ok()) Die(s.ToString().c_str(), 0);
  if (Status s = tickets.Setup(&random, 3600 * kSecond); !s.ok()) Die(s.ToString().c_str(), 0);
  if (Status s = context.Init("", "", &random, &tickets); !s.ok()) Die(s.ToString().c_str(), 0);

  Signer signer(&random);
  bench::Tls13Ecdhe p256(PSA_ECC_FAMILY_SECP_R1, 256);
  bench::Tls13Ecdhe x25519(PSA_ECC_FAMILY_MONTGOMERY, 255);
  if (!p256.ok() || !x25519.ok()) Die("PSA key generation failed", 0);
  Tls12Ecdhe p256_tls12(&random);
  std::vector<Kind> kinds = {
      {"TLS 1.3, P-256",
       "tls13_p256",
       MBEDTLS_SSL_VERSION_TLS1_3,
       MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1,
       {},
       {},
       {},
       {}},
      {"TLS 1.3, X25519",
       "tls13_x25519",
       MBEDTLS_SSL_VERSION_TLS1_3,
       MBEDTLS_SSL_IANA_TLS_GROUP_X25519,
       {},
       {},
       {},
       {}},
      {"TLS 1.2, P-256",
       "tls12_p256",
       MBEDTLS_SSL_VERSION_TLS1_2,
       MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1,
       {},
       {},
       {},
       {}},
  };
  std::vector<std::function<bool()>> exchanges = {[&] { return p256.Exchange(); },
                                                  [&] { return x25519.Exchange(); },
                                                  [&] { return p256_tls12.Exchange(); }};
  // Record protection: what each TLS 1.3 suite's AEAD costs per record of a
  // 2 KiB response (head and body, as /static2k sends it) and of a 200-byte
  // one (an AMF call's answer). The server's suite preference follows these.
  struct Record {
    const char* label;
    const char* name;
    mbedtls_cipher_type_t type;
    int key_bits;
    std::vector<double> us_2k, us_200;
  };
  std::vector<Record> records = {
      {"ChaCha20-Poly1305", "chacha20_poly1305", MBEDTLS_CIPHER_CHACHA20_POLY1305, 256, {}, {}},
      {"AES-128-GCM", "aes128_gcm", MBEDTLS_CIPHER_AES_128_GCM, 128, {}, {}},
      {"AES-256-GCM", "aes256_gcm", MBEDTLS_CIPHER_AES_256_GCM, 256, {}, {}},
  };
  std::vector<double> signs;
  for (int r = 0; r < rounds; ++r) {
    for (Record& record : records) {
      Aead aead(record.type, record.key_bits);
      std::string sealed;
      for (size_t size : {size_t{2260}, size_t{200}}) {
        const std::string plain(size, 'r');
        double per_second =
            Rate(kSecondsPerOperation / 4, [&] { return aead.Seal(plain, &sealed); });
        (size == 200 ? record.us_200 : record.us_2k).push_back(1e6 / per_second);
      }
    }
    double sign = Rate(kSecondsPerOperation, [&] { return signer.Sign(); });
    signs.push_back(sign);
    for (size_t k = 0; k < kinds.size(); ++k) {
      Kind& kind = kinds[k];
      ClientConfig client(&random, kind.version, kind.group);
      double ecdhe = Rate(kSecondsPerOperation, exchanges[k]);
      double ceiling = 1.0 / (1.0 / sign + 1.0 / ecdhe);
      double handshakes = InProcessHandshakes(&context, client, kHandshakesPerRound);
      kind.ecdhe.push_back(ecdhe);
      kind.ceiling.push_back(ceiling);
      kind.handshakes.push_back(handshakes);
      kind.ratio.push_back(handshakes / ceiling);
    }
  }

  std::printf("mbedTLS %s on %s; %d rounds, medians (min..max), per CPU-second of one thread\n\n",
              MBEDTLS_VERSION_STRING, CpuModel().c_str(), rounds);
  Spread sign = Summarize(signs);
  std::printf("%-34s %8.0f /s (%.0f..%.0f)\n", "ECDSA P-256 sign", sign.median, sign.min, sign.max);
  const char* exchange_names[] = {"ECDHE P-256 (TLS 1.3, PSA)", "ECDHE X25519 (TLS 1.3, PSA)",
                                  "ECDHE P-256 (TLS 1.2, ECDH)"};
  for (size_t k = 0; k < kinds.size(); ++k) {
    Spread e = Summarize(kinds[k].ecdhe);
    std::printf("%-34s %8.0f /s (%.0f..%.0f)\n", exchange_names[k], e.median, e.min, e.max);
  }
  std::printf("\n%-18s %22s %30s %18s\n", "full handshake", "ceiling (sign+ECDHE)",
              "in-process server handshakes", "ratio");
  for (const Kind& kind : kinds) {
    Spread c = Summarize(kind.ceiling), h = Summarize(kind.handshakes), q = Summarize(kind.ratio);
    std::printf("%-18s %8.0f/s (%4.0f..%4.0f) %12.0f/s (%4.0f..%4.0f) %8.2f (%.2f..%.2f)\n",
                kind.label, c.median, c.min, c.max, h.median, h.min, h.max, q.median, q.min, q.max);
  }
  std::printf("\n%-18s %28s %28s\n", "record protection", "2260-byte record", "200-byte record");
  for (const Record& record : records) {
    Spread big = Summarize(record.us_2k), small = Summarize(record.us_200);
    std::printf("%-18s %10.2f us (%5.2f..%5.2f) %12.2f us (%4.2f..%4.2f)\n", record.label,
                big.median, big.min, big.max, small.median, small.min, small.max);
  }
  std::printf("\n");
  for (const Record& record : records) {
    std::printf("BENCH tls_record_2k_%s_us %.2f us\n", record.name, Summarize(record.us_2k).median);
    std::printf("BENCH tls_record_200_%s_us %.2f us\n", record.name,
                Summarize(record.us_200).median);
  }
  std::printf("BENCH mbedtls_p256_sign_per_cpu_s %.0f op/cpu-s\n", sign.median);
  std::printf("BENCH mbedtls_p256_ecdhe_per_cpu_s %.0f op/cpu-s\n",
              Summarize(kinds[0].ecdhe).median);
  std::printf("BENCH mbedtls_x25519_ecdhe_per_cpu_s %.0f op/cpu-s\n",
              Summarize(kinds[1].ecdhe).median);
  std::printf("BENCH mbedtls_p256_ecdhe_tls12_per_cpu_s %.0f op/cpu-s\n",
              Summarize(kinds[2].ecdhe).median);
  std::printf("BENCH tls_handshake_ceiling_per_cpu_s %.0f hs/cpu-s\n",
              Summarize(kinds[0].ceiling).median);
  std::printf("BENCH tls_handshake_ceiling_x25519_per_cpu_s %.0f hs/cpu-s\n",
              Summarize(kinds[1].ceiling).median);
  std::printf("BENCH tls12_handshake_ceiling_per_cpu_s %.0f hs/cpu-s\n",
              Summarize(kinds[2].ceiling).median);
  for (const Kind& kind : kinds) {
    std::printf("BENCH %s_full_handshakes_inprocess_per_cpu_s %.0f hs/cpu-s\n", kind.name,
                Summarize(kind.handshakes).median);
    std::printf("BENCH ratio_%s_handshakes_vs_ceiling %.3f x\n", kind.name,
                Summarize(kind.ratio).median);
  }
  return 0;
}

}  // namespace
}  // namespace amfgate

int main() { return amfgate::Main(); }
