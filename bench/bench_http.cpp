// HTTP and TLS server cost: amfgate's net module against nginx, same machine,
// same run (issue 6, "Benchmark").
//
// The amfgate side is the net module in this process: a Server on its own
// loop thread, pinned to CPU 0, serving a tiny route (/healthz) and a 2 KiB
// body (/static2k, the bytes of a file read once at start). nginx runs as one
// process (master_process off, worker_processes 1), also pinned to CPU 0,
// serving the same two URLs from a scratch prefix. wrk and openssl s_time run
// pinned to CPU 1. Server CPU is read from /proc/PID/stat (/proc/self/task/TID
// for the loop thread) over each timed window, so a saturated load generator
// does not hide the server's own cost.
//
// Output: a table, then `BENCH name value unit` lines. Each figure is the
// median of BENCH_ROUNDS rounds (default 3) of BENCH_SECONDS (default 3)
// seconds; the table shows the spread (min..max). Everything listens on
// 127.0.0.1 ephemeral ports and every process started here is stopped by pid.
// nginx and wrk are installed from Debian when missing (as root).
#include <arpa/inet.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <future>
#include <mutex>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <psa/crypto.h>
#include <uv.h>

#include "net/server.h"
#include "net/tls.h"

namespace amfgate {
namespace {

int Env(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && std::atoi(v) > 0 ? std::atoi(v) : fallback;
}

std::string Run(const std::string& command) {
  std::string out;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

bool Have(const char* tool) { return Run(std::string("command -v ") + tool).find('/') != std::string::npos; }

// utime + stime of a process or thread, in seconds.
double CpuSeconds(const std::string& stat_path) {
  std::ifstream in(stat_path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t close_paren = text.rfind(')');
  if (close_paren == std::string::npos) return 0;
  std::istringstream rest(text.substr(close_paren + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// The net module's server on a pinned loop thread.
class InProcessServer {
 public:
  explicit InProcessServer(std::string static_body) : body_(std::move(static_body)) {
    std::promise<void> ready;
    auto started = ready.get_future();
    thread_ = std::thread([this, &ready] { Main(&ready); });
    started.wait();
  }
  ~InProcessServer() {
    Post([this] {
      server_->Stop();
      uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr);
    });
    thread_.join();
  }
  uint16_t plain_port() const { return plain_port_; }
  uint16_t tls_port() const { return tls_port_; }
  std::string stat_path() const { return "/proc/self/task/" + std::to_string(tid_) + "/stat"; }
  ServerStats Stats() {
    ServerStats s;
    Post([&] { s = server_->stats(); });
    return s;
  }

 private:
  void Main(std::promise<void>* ready) {
    tid_ = static_cast<pid_t>(syscall(SYS_gettid));
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    CPU_SET(0, &cpus);
    sched_setaffinity(0, sizeof(cpus), &cpus);
    uv_loop_init(&loop_);
    uv_async_init(&loop_, &async_, [](uv_async_t* a) {
      auto* self = static_cast<InProcessServer*>(a->data);
      std::vector<std::function<void()>> work;
      {
        std::lock_guard<std::mutex> lock(self->mu_);
        work.swap(self->work_);
      }
      for (auto& fn : work) fn();
    });
    async_.data = this;
    ServerOptions options;
    options.listeners = {{"127.0.0.1", 0, false}, {"127.0.0.1", 0, true}};
    options.limits.max_requests_per_connection = 0;
    {
      Server server(&loop_, options);
      server_ = &server;
      (void)server.router().Exact("/healthz", [](const Request&, Response& w) { w.Text(200, "ok\n"); });
      (void)server.router().Exact("/static2k", [this](const Request&, Response& w) {
        w.SetStatus(200);
        w.SetContentType("text/plain");
        w.SetBody(body_);
      });
      Status s = server.Start();
      if (!s.ok()) {
        std::fprintf(stderr, "bench_http: %s\n", s.ToString().c_str());
        std::exit(1);
      }
      plain_port_ = server.listener_port(0);
      tls_port_ = server.listener_port(1);
      ready->set_value();
      uv_run(&loop_, UV_RUN_DEFAULT);
    }
    uv_run(&loop_, UV_RUN_DEFAULT);
    uv_loop_close(&loop_);
  }

  void Post(std::function<void()> fn) {
    std::promise<void> done;
    auto finished = done.get_future();
    {
      std::lock_guard<std::mutex> lock(mu_);
      work_.push_back([&] {
        fn();
        done.set_value();
      });
    }
    uv_async_send(&async_);
    finished.wait();
  }

  std::string body_;
  std::thread thread_;
  uv_loop_t loop_;
  uv_async_t async_;
  std::mutex mu_;
  std::vector<std::function<void()>> work_;
  Server* server_ = nullptr;
  pid_t tid_ = 0;
  uint16_t plain_port_ = 0;
  uint16_t tls_port_ = 0;
};

// nginx, one process, from a scratch prefix; stopped by pid.
class Nginx {
 public:
  Nginx(const std::string& dir, const std::string& static_body) : dir_(dir) {
    Run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost -keyout " +
        dir + "/key.pem -out " + dir + "/cert.pem");
    Run("mkdir -p " + dir + "/html " + dir + "/logs");
    std::ofstream(dir + "/html/static2k") << static_body;
    plain_port_ = FreePort();
    tls_port_ = FreePort();
    std::ofstream conf(dir + "/nginx.conf");
    conf << "daemon off;\nmaster_process off;\nworker_processes 1;\nerror_log " << dir
         << "/logs/error.log;\npid " << dir << "/nginx.pid;\n"
         << "events { worker_connections 1024; }\n"
         << "http {\n  access_log off;\n  keepalive_requests 1000000;\n  default_type text/plain;\n"
         << "  client_body_temp_path " << dir << "/tmp;\n  proxy_temp_path " << dir << "/tmp;\n"
         << "  fastcgi_temp_path " << dir << "/tmp;\n  uwsgi_temp_path " << dir << "/tmp;\n"
         << "  scgi_temp_path " << dir << "/tmp;\n"
         << "  server {\n    listen 127.0.0.1:" << plain_port_ << ";\n    listen 127.0.0.1:" << tls_port_
         << " ssl;\n    ssl_certificate " << dir << "/cert.pem;\n    ssl_certificate_key " << dir
         << "/key.pem;\n    ssl_protocols TLSv1.2 TLSv1.3;\n    root " << dir << "/html;\n"
         << "    location = /healthz { return 200 \"ok\\n\"; }\n  }\n}\n";
    conf.close();
    pid_ = fork();
    if (pid_ == 0) {
      cpu_set_t cpus;
      CPU_ZERO(&cpus);
      CPU_SET(0, &cpus);
      sched_setaffinity(0, sizeof(cpus), &cpus);
      std::string conf_path = dir + "/nginx.conf";
      execlp("nginx", "nginx", "-p", dir.c_str(), "-c", conf_path.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    // Wait until it answers.
    for (int i = 0; i < 100; ++i) {
      if (Run("curl -s http://127.0.0.1:" + std::to_string(plain_port_) + "/healthz") == "ok\n") return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::fprintf(stderr, "bench_http: nginx did not start\n");
  }
  ~Nginx() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  uint16_t plain_port() const { return plain_port_; }
  uint16_t tls_port() const { return tls_port_; }
  std::string stat_path() const { return "/proc/" + std::to_string(pid_) + "/stat"; }

 private:
  static uint16_t FreePort() {
    uv_loop_t loop;
    uv_loop_init(&loop);
    uv_tcp_t tcp;
    uv_tcp_init(&loop, &tcp);
    sockaddr_in addr;
    uv_ip4_addr("127.0.0.1", 0, &addr);
    uv_tcp_bind(&tcp, reinterpret_cast<const sockaddr*>(&addr), 0);
    sockaddr_storage bound;
    int len = sizeof(bound);
    uv_tcp_getsockname(&tcp, reinterpret_cast<sockaddr*>(&bound), &len);
    uint16_t port = ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    uv_close(reinterpret_cast<uv_handle_t*>(&tcp), nullptr);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    return port;
  }

  std::string dir_;
  pid_t pid_ = -1;
  uint16_t plain_port_ = 0;
  uint16_t tls_port_ = 0;
};

struct Sample {
  double rps = 0;
  double us_per_req = 0;  // server CPU per request
};

// One wrk window against `url`, measuring the server at `stat_path`.
Sample Wrk(const std::string& url, const std::string& stat_path, int seconds) {
  double cpu0 = CpuSeconds(stat_path);
  std::string out = Run("taskset -c 1 wrk -t1 -c32 -d" + std::to_string(seconds) + "s " + url);
  double cpu1 = CpuSeconds(stat_path);
  std::smatch m;
  Sample s;
  double requests = 0;
  if (std::regex_search(out, m, std::regex(R"((\d+) requests in)"))) requests = std::stod(m[1]);
  if (std::regex_search(out, m, std::regex(R"(Requests/sec:\s+([\d.]+))"))) s.rps = std::stod(m[1]);
  if (out.find("Non-2xx") != std::string::npos || out.find("Socket errors") != std::string::npos) {
    std::fprintf(stderr, "bench_http: wrk reported errors for %s:\n%s\n", url.c_str(), out.c_str());
  }
  s.us_per_req = requests > 0 ? (cpu1 - cpu0) * 1e6 / requests : 0;
  return s;
}

struct Figure {
  std::vector<double> rps, us;
};

void Row(const char* name, const Figure& f) {
  auto [rmin, rmax] = std::minmax_element(f.rps.begin(), f.rps.end());
  auto [umin, umax] = std::minmax_element(f.us.begin(), f.us.end());
  std::printf("%-28s %10.0f req/s (%.0f..%.0f)   %7.2f us/req (%.2f..%.2f)\n", name, Median(f.rps), *rmin, *rmax,
              Median(f.us), *umin, *umax);
}

// Seconds per operation of mbedTLS's own primitives, through PSA as its
// TLS 1.3 code uses them: an ECDHE key exchange (key generation plus
// agreement) on `family`, and an ECDSA P-256 signature.
double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double KexSeconds(psa_ecc_family_t family, size_t bits) {
  psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
  psa_set_key_type(&a, PSA_KEY_TYPE_ECC_KEY_PAIR(family));
  psa_set_key_bits(&a, bits);
  psa_set_key_usage_flags(&a, PSA_KEY_USAGE_DERIVE);
  psa_set_key_algorithm(&a, PSA_ALG_ECDH);
  psa_key_id_t peer;
  psa_generate_key(&a, &peer);
  uint8_t pub[160];
  size_t pub_len = 0;
  psa_export_public_key(peer, pub, sizeof(pub), &pub_len);
  const int n = 200;
  double t0 = ThreadCpuSeconds();
  for (int i = 0; i < n; ++i) {
    psa_key_id_t k;
    uint8_t secret[80];
    size_t secret_len;
    psa_generate_key(&a, &k);
    if (psa_raw_key_agreement(PSA_ALG_ECDH, k, pub, pub_len, secret, sizeof(secret), &secret_len) != PSA_SUCCESS) {
      std::fprintf(stderr, "bench_http: key agreement failed\n");
    }
    psa_destroy_key(k);
  }
  psa_destroy_key(peer);
  return (ThreadCpuSeconds() - t0) / n;
}

double SignSeconds() {
  psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
  psa_set_key_type(&a, PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECP_R1));
  psa_set_key_bits(&a, 256);
  psa_set_key_usage_flags(&a, PSA_KEY_USAGE_SIGN_HASH);
  psa_set_key_algorithm(&a, PSA_ALG_ECDSA(PSA_ALG_SHA_256));
  psa_key_id_t key;
  psa_generate_key(&a, &key);
  uint8_t hash[32] = {1};
  uint8_t sig[80];
  size_t sig_len;
  const int n = 500;
  double t0 = ThreadCpuSeconds();
  for (int i = 0; i < n; ++i) psa_sign_hash(key, PSA_ALG_ECDSA(PSA_ALG_SHA_256), hash, 32, sig, sizeof(sig), &sig_len);
  psa_destroy_key(key);
  return (ThreadCpuSeconds() - t0) / n;
}

// Full handshakes per second of server CPU with no network in between: an
// mbedTLS client and the net module's TlsSession exchange records through
// strings in this thread, and only the server's calls are timed (thread CPU
// clock). `version` is MBEDTLS_SSL_VERSION_TLS1_3 or _TLS1_2; the client
// offers `group` first. This is the figure to hold against the primitives'
// bound: s_time's rate is set by its own round trips, not by server CPU.
double InProcessFullHandshakes(uint16_t version, uint16_t group, int count) {
  TlsRandom random;
  TicketKeys tickets;
  TlsContext context;
  if (!random.Seed("bench").ok() || !tickets.Setup(&random, 3600 * kSecond).ok() ||
      !context.Init("", "", &random, &tickets).ok()) {
    return 0;
  }
  mbedtls_ssl_config client_conf;
  mbedtls_ssl_config_init(&client_conf);
  mbedtls_ssl_config_defaults(&client_conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                              MBEDTLS_SSL_PRESET_DEFAULT);
  mbedtls_ssl_conf_rng(&client_conf, TlsRandom::Random, &random);
  mbedtls_ssl_conf_authmode(&client_conf, MBEDTLS_SSL_VERIFY_NONE);
  mbedtls_ssl_conf_min_tls_version(&client_conf, static_cast<mbedtls_ssl_protocol_version>(version));
  mbedtls_ssl_conf_max_tls_version(&client_conf, static_cast<mbedtls_ssl_protocol_version>(version));
  // The client's key share goes to its first group; P-256 is listed too
  // because in TLS 1.2 the list also admits the certificate's curve.
  const uint16_t groups[] = {group, MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1, MBEDTLS_SSL_IANA_TLS_GROUP_NONE};
  mbedtls_ssl_conf_groups(&client_conf, groups);
  BufferPool pool(16 * 1024, 4);
  double server_cpu = 0;
  int done = 0;
  for (int i = 0; i < count; ++i) {
    std::string to_client, to_server;
    TlsSession server(&context, &pool);
    server.set_output(&to_client);
    if (!server.Init().ok()) break;
    mbedtls_ssl_context client;
    mbedtls_ssl_init(&client);
    mbedtls_ssl_setup(&client, &client_conf);
    struct Pipe {
      std::string* out;
      std::string* in;
    } pipe{&to_server, &to_client};
    mbedtls_ssl_set_bio(
        &client, &pipe,
        [](void* p, const unsigned char* buf, size_t len) {
          static_cast<Pipe*>(p)->out->append(reinterpret_cast<const char*>(buf), len);
          return static_cast<int>(len);
        },
        [](void* p, unsigned char* buf, size_t len) {
          std::string* in = static_cast<Pipe*>(p)->in;
          if (in->empty()) return MBEDTLS_ERR_SSL_WANT_READ;
          size_t n = std::min(len, in->size());
          std::memcpy(buf, in->data(), n);
          in->erase(0, n);
          return static_cast<int>(n);
        },
        nullptr);
    bool ok = false;
    for (int step = 0; step < 50; ++step) {
      int c = mbedtls_ssl_handshake(&client);
      if (!to_server.empty()) {
        std::span<char> space = server.CipherSpace();
        size_t n = std::min(space.size(), to_server.size());
        std::memcpy(space.data(), to_server.data(), n);
        to_server.erase(0, n);
        server.CipherReceived(n);
        double t0 = ThreadCpuSeconds();
        Code sc = server.Handshake();
        server_cpu += ThreadCpuSeconds() - t0;
        if (sc == Code::kMalformed) break;
      }
      if (c == 0 && server.handshake_done()) {
        ok = true;
        break;
      }
      if (c != 0 && c != MBEDTLS_ERR_SSL_WANT_READ && c != MBEDTLS_ERR_SSL_WANT_WRITE) break;
    }
    mbedtls_ssl_free(&client);
    if (!ok) {
      std::fprintf(stderr, "bench_http: in-process handshake failed\n");
      break;
    }
    ++done;
  }
  mbedtls_ssl_config_free(&client_conf);
  return server_cpu > 0 ? done / server_cpu : 0;
}

// Handshakes completed per second of server CPU, with s_time against `port`:
// -new makes every connection a full TLS 1.3 handshake; -reuse with TLS 1.2
// resumes one ticket over and over (s_time never reads the TLS 1.3 ticket,
// which comes after the handshake, so it cannot resume 1.3).
double HandshakesPerCpuSecond(InProcessServer& server, uint16_t port, bool resume, int seconds, double* resumed_share) {
  ServerStats before = server.Stats();
  double cpu0 = CpuSeconds(server.stat_path());
  Run("taskset -c 1 openssl s_time -connect 127.0.0.1:" + std::to_string(port) + (resume ? " -tls1_2 -reuse" : " -new") +
      " -time " + std::to_string(seconds));
  double cpu1 = CpuSeconds(server.stat_path());
  ServerStats after = server.Stats();
  double done = static_cast<double>(after.handshakes_ok - before.handshakes_ok);
  if (resumed_share != nullptr && done > 0) {
    *resumed_share = static_cast<double>(after.handshakes_resumed - before.handshakes_resumed) / done;
  }
  return cpu1 > cpu0 ? done / (cpu1 - cpu0) : 0;
}

int Main() {
  if (!Have("wrk") || !Have("nginx") || !Have("openssl") || !Have("curl")) {
    if (geteuid() == 0) {
      Run("DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light openssl curl");
    }
    if (!Have("wrk") || !Have("nginx")) {
      std::fprintf(stderr, "bench_http: wrk and nginx are needed (apt-get install wrk nginx-light)\n");
      return 1;
    }
  }
  const int seconds = Env("BENCH_SECONDS", 3);
  const int rounds = Env("BENCH_ROUNDS", 3);
  std::string model = Run("sh -c \"grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | tr -d '\\n'\"");
  std::printf("machine:%s, %u CPUs; %s", model.c_str(),
              std::thread::hardware_concurrency(), Run("uname -sr").c_str());
  std::printf("load average before: %s", Run("cut -d' ' -f1-3 /proc/loadavg").c_str());
  std::printf("servers pinned to CPU 0, wrk/s_time to CPU 1; %d rounds x %d s, wrk -t1 -c32, keep-alive\n\n", rounds,
              seconds);

  char tmpl[] = "/tmp/amfgate-bench-http-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::string body(2048, 's');
  for (size_t i = 0; i < body.size(); i += 64) body[i] = '\n';

  InProcessServer amfgate(body);
  Nginx nginx(dir, body);
  struct Target {
    const char* name;
    std::string url;
    std::string stat;
  };
  auto url = [](const char* scheme, uint16_t port, const char* path) {
    return std::string(scheme) + "://127.0.0.1:" + std::to_string(port) + path;
  };
  std::vector<Target> targets = {
      {"amfgate plain /healthz", url("http", amfgate.plain_port(), "/healthz"), amfgate.stat_path()},
      {"nginx   plain /healthz", url("http", nginx.plain_port(), "/healthz"), nginx.stat_path()},
      {"amfgate tls   /healthz", url("https", amfgate.tls_port(), "/healthz"), amfgate.stat_path()},
      {"nginx   tls   /healthz", url("https", nginx.tls_port(), "/healthz"), nginx.stat_path()},
      {"amfgate plain /static2k", url("http", amfgate.plain_port(), "/static2k"), amfgate.stat_path()},
      {"nginx   plain /static2k", url("http", nginx.plain_port(), "/static2k"), nginx.stat_path()},
      {"amfgate tls   /static2k", url("https", amfgate.tls_port(), "/static2k"), amfgate.stat_path()},
      {"nginx   tls   /static2k", url("https", nginx.tls_port(), "/static2k"), nginx.stat_path()},
  };
  std::vector<Figure> figures(targets.size());
  // Rounds interleave the servers so that a change in machine load hits both.
  for (int r = 0; r < rounds; ++r) {
    for (size_t i = 0; i < targets.size(); ++i) {
      Sample s = Wrk(targets[i].url, targets[i].stat, seconds);
      figures[i].rps.push_back(s.rps);
      figures[i].us.push_back(s.us_per_req);
    }
  }
  std::printf("%-28s %10s %32s\n", "", "throughput", "server CPU per request");
  for (size_t i = 0; i < targets.size(); ++i) Row(targets[i].name, figures[i]);

  psa_crypto_init();
  double sign = SignSeconds();
  double kex_x25519 = KexSeconds(PSA_ECC_FAMILY_MONTGOMERY, 255);
  double kex_p256 = KexSeconds(PSA_ECC_FAMILY_SECP_R1, 256);
  // s_time (OpenSSL 3) offers X25519 first; TLS 1.3 uses it.
  double bound = 1.0 / (sign + kex_x25519);
  std::vector<double> full, resumed;
  double resumed_share = 0;
  for (int r = 0; r < rounds; ++r) {
    full.push_back(HandshakesPerCpuSecond(amfgate, amfgate.tls_port(), false, seconds, nullptr));
    resumed.push_back(HandshakesPerCpuSecond(amfgate, amfgate.tls_port(), true, seconds, &resumed_share));
  }
  std::printf("\nmbedTLS primitives on this machine: ECDSA P-256 sign %.3f ms, ECDHE X25519 %.3f ms, P-256 %.3f ms\n",
              sign * 1e3, kex_x25519 * 1e3, kex_p256 * 1e3);
  std::printf("full TLS 1.3 handshakes:    %8.0f per server CPU second (bound from sign + X25519: %.0f; %.0f%%)\n",
              Median(full), bound, 100 * Median(full) / bound);
  std::printf("resumed TLS 1.2 handshakes: %8.0f per server CPU second (%.0f%% of them resumed)\n",
              Median(resumed), 100 * resumed_share);
  double inproc13 = InProcessFullHandshakes(MBEDTLS_SSL_VERSION_TLS1_3, MBEDTLS_SSL_IANA_TLS_GROUP_X25519, 100);
  double inproc13_p256 = InProcessFullHandshakes(MBEDTLS_SSL_VERSION_TLS1_3, MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1, 100);
  double inproc12 = InProcessFullHandshakes(MBEDTLS_SSL_VERSION_TLS1_2, MBEDTLS_SSL_IANA_TLS_GROUP_X25519, 100);
  double bound_p256 = 1.0 / (sign + kex_p256);
  std::printf("in-process full handshakes (no network): TLS 1.3 X25519 %.0f/s (%.0f%% of bound), "
              "TLS 1.3 P-256 %.0f/s (%.0f%% of %.0f), TLS 1.2 X25519 %.0f/s\n\n",
              inproc13, 100 * inproc13 / bound, inproc13_p256, 100 * inproc13_p256 / bound_p256, bound_p256, inproc12);

  auto us = [&](size_t i) { return Median(figures[i].us); };
  auto rps = [&](size_t i) { return Median(figures[i].rps); };
  std::printf("BENCH http_plain_rps %.0f req/s\n", rps(0));
  std::printf("BENCH http_plain_us_per_req %.2f us\n", us(0));
  std::printf("BENCH http_plain_nginx_us_per_req %.2f us\n", us(1));
  std::printf("BENCH http_plain_nginx_rps %.0f req/s\n", rps(1));
  std::printf("BENCH http_tls_rps %.0f req/s\n", rps(2));
  std::printf("BENCH http_tls_us_per_req %.2f us\n", us(2));
  std::printf("BENCH http_tls_nginx_us_per_req %.2f us\n", us(3));
  std::printf("BENCH http_tls_nginx_rps %.0f req/s\n", rps(3));
  std::printf("BENCH ratio_http_plain_cpu_vs_nginx %.3f x\n", us(1) > 0 ? us(0) / us(1) : 0);
  std::printf("BENCH ratio_http_tls_cpu_vs_nginx %.3f x\n", us(3) > 0 ? us(2) / us(3) : 0);
  std::printf("BENCH http_static2k_plain_us_per_req %.2f us\n", us(4));
  std::printf("BENCH http_static2k_plain_nginx_us_per_req %.2f us\n", us(5));
  std::printf("BENCH http_static2k_tls_us_per_req %.2f us\n", us(6));
  std::printf("BENCH http_static2k_tls_nginx_us_per_req %.2f us\n", us(7));
  std::printf("BENCH tls_full_handshakes_per_cpu_s %.0f handshakes/s\n", Median(full));
  std::printf("BENCH tls_resumed_handshakes_per_cpu_s %.0f handshakes/s\n", Median(resumed));
  std::printf("BENCH tls_full_handshakes_vs_mbedtls_bound %.3f x\n", Median(full) / bound);
  std::printf("BENCH tls13_full_handshakes_inprocess_per_cpu_s %.0f handshakes/s\n", inproc13);
  std::printf("BENCH tls13_full_handshakes_inprocess_vs_bound %.3f x\n", inproc13 / bound);
  std::printf("BENCH tls_mbedtls_bound_handshakes_per_cpu_s %.0f handshakes/s\n", bound);
  Run("rm -rf " + dir);
  return 0;
}

}  // namespace
}  // namespace amfgate

int main() {
  signal(SIGPIPE, SIG_IGN);
  return amfgate::Main();
}
