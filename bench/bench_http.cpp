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
// Handshakes: full TLS 1.3 ones with s_time -new, once with its default
// X25519 key share and once with a P-256 share, held against the ceiling
// bench_tls_ceiling (next to this binary) measures right after for the same
// group, with the load generator's CPU kept as busy as s_time kept it;
// resumed TLS 1.2 ones with s_time -reuse.
//
// Output: a table, then `BENCH name value unit` lines. Each figure is the
// median of BENCH_ROUNDS rounds (default 3) of BENCH_SECONDS (default 3)
// seconds; the table shows the spread (min..max). Ratios are taken within a
// round (amfgate and nginx back to back), then their median. Everything listens on
// 127.0.0.1 ephemeral ports and every process started here is stopped by pid.
// nginx and wrk are installed from Debian when missing (as root).
#include <arpa/inet.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <mutex>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "net/server.h"

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

bool Have(const char* tool) {
  return Run(std::string("command -v ") + tool).find('/') != std::string::npos;
}

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
      (void)server.router().Exact("/healthz",
                                  [](const Request&, Response& w) { w.Text(200, "ok\n"); });
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
    Run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "
        "/CN=localhost -keyout " +
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
         << "  server {\n    listen 127.0.0.1:" << plain_port_
         << ";\n    listen 127.0.0.1:" << tls_port_ << " ssl;\n    ssl_certificate " << dir
         << "/cert.pem;\n    ssl_certificate_key " << dir
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
      execlp("nginx", "nginx", "-p", dir.c_str(), "-c", conf_path.c_str(),
             static_cast<char*>(nullptr));
      _exit(127);
    }
    // Wait until it answers.
    for (int i = 0; i < 100; ++i) {
      if (Run("curl -s http://127.0.0.1:" + std::to_string(plain_port_) + "/healthz") == "ok\n")
        return;
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
  std::printf("%-28s %10.0f req/s (%.0f..%.0f)   %7.2f us/req (%.2f..%.2f)\n", name, Median(f.rps),
              *rmin, *rmax, Median(f.us), *umin, *umax);
}

// Handshakes completed per second of server CPU, with s_time against `port`:
// -new makes every connection a full TLS 1.3 handshake; -reuse with TLS 1.2
// resumes one ticket over and over (s_time never reads the TLS 1.3 ticket,
// which comes after the handshake, so it cannot resume 1.3). `environment`
// prefixes the command (OPENSSL_CONF chooses the client's key-share group).
double HandshakesPerCpuSecond(InProcessServer& server, uint16_t port,
                              const std::string& environment, bool resume, int seconds,
                              double* resumed_share) {
  ServerStats before = server.Stats();
  double cpu0 = CpuSeconds(server.stat_path());
  Run(environment + "taskset -c 1 openssl s_time -connect 127.0.0.1:" + std::to_string(port) +
      (resume ? " -tls1_2 -reuse" : " -new") + " -time " + std::to_string(seconds));
  double cpu1 = CpuSeconds(server.stat_path());
  ServerStats after = server.Stats();
  double done = static_cast<double>(after.handshakes_ok - before.handshakes_ok);
  if (resumed_share != nullptr && done > 0) {
    *resumed_share =
        static_cast<double>(after.handshakes_resumed - before.handshakes_resumed) / done;
  }
  return cpu1 > cpu0 ? done / (cpu1 - cpu0) : 0;
}

// `openssl speed` pinned to CPU 1 for as long as this object lives: the
// load s_time puts on that CPU during the handshake windows (ECDHE and
// ECDSA), so that the ceiling is measured on CPU 0 under the same
// conditions. Here the two vCPUs slow each other down: mbedTLS's primitives
// run 20-30% slower on one while the other computes.
class BusyOtherCpu {
 public:
  BusyOtherCpu() {
    pid_ = fork();
    if (pid_ == 0) {
      cpu_set_t cpus;
      CPU_ZERO(&cpus);
      CPU_SET(1, &cpus);
      sched_setaffinity(0, sizeof(cpus), &cpus);
      int null = open("/dev/null", O_WRONLY);
      dup2(null, 1);
      dup2(null, 2);
      execlp("openssl", "openssl", "speed", "-seconds", "60", "ecdhx25519", "ecdsap256",
             static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~BusyOtherCpu() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  BusyOtherCpu(const BusyOtherCpu&) = delete;
  BusyOtherCpu& operator=(const BusyOtherCpu&) = delete;

 private:
  pid_t pid_ = -1;
};

// The value of `BENCH name` in `output`, or 0.
double BenchValue(const std::string& output, const std::string& name) {
  std::smatch m;
  if (!std::regex_search(output, m, std::regex("BENCH " + name + " ([0-9.]+)"))) return 0;
  return std::stod(m[1]);
}

int Main() {
  if (!Have("wrk") || !Have("nginx") || !Have("openssl") || !Have("curl")) {
    if (geteuid() == 0) {
      Run("DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light openssl curl");
    }
    if (!Have("wrk") || !Have("nginx")) {
      std::fprintf(stderr,
                   "bench_http: wrk and nginx are needed (apt-get install wrk nginx-light)\n");
      return 1;
    }
  }
  const int seconds = Env("BENCH_SECONDS", 3);
  const int rounds = Env("BENCH_ROUNDS", 3);
  const std::string self_dir =
      std::filesystem::read_symlink("/proc/self/exe").parent_path().string();
  std::string model =
      Run("sh -c \"grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | tr -d '\\n'\"");
  std::printf("machine:%s, %u CPUs; %s", model.c_str(), std::thread::hardware_concurrency(),
              Run("uname -sr").c_str());
  std::printf("load average before: %s", Run("cut -d' ' -f1-3 /proc/loadavg").c_str());
  std::printf(
      "servers pinned to CPU 0, wrk/s_time to CPU 1; %d rounds x %d s, wrk -t1 -c32, "
      "keep-alive\n\n",
      rounds, seconds);

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
      {"amfgate plain /healthz", url("http", amfgate.plain_port(), "/healthz"),
       amfgate.stat_path()},
      {"nginx   plain /healthz", url("http", nginx.plain_port(), "/healthz"), nginx.stat_path()},
      {"amfgate tls   /healthz", url("https", amfgate.tls_port(), "/healthz"), amfgate.stat_path()},
      {"nginx   tls   /healthz", url("https", nginx.tls_port(), "/healthz"), nginx.stat_path()},
      {"amfgate plain /static2k", url("http", amfgate.plain_port(), "/static2k"),
       amfgate.stat_path()},
      {"nginx   plain /static2k", url("http", nginx.plain_port(), "/static2k"), nginx.stat_path()},
      {"amfgate tls   /static2k", url("https", amfgate.tls_port(), "/static2k"),
       amfgate.stat_path()},
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

  // s_time (OpenSSL 3) sends an X25519 key share, which the server takes;
  // through this configuration it sends a P-256 one.
  const std::string p256_conf = dir + "/openssl-p256.cnf";
  std::ofstream(p256_conf) << "openssl_conf = openssl_init\n[openssl_init]\nssl_conf = ssl_sect\n"
                              "[ssl_sect]\nsystem_default = system_default_sect\n"
                              "[system_default_sect]\nGroups = P-256\n";
  const std::string with_p256 = "OPENSSL_CONF=" + p256_conf + " ";
  // Each round: s_time windows, then the ceiling (bench_tls_ceiling, built
  // next to this program: what mbedTLS's signature and key exchange allow)
  // on the server's CPU while the other one works as it did under s_time;
  // the ratios are taken within the round.
  std::vector<double> full, full_p256, resumed, ceiling_x25519, ceiling_p256, ratio_x25519,
      ratio_p256;
  double resumed_share = 0;
  for (int r = 0; r < rounds; ++r) {
    full.push_back(
        HandshakesPerCpuSecond(amfgate, amfgate.tls_port(), "", false, seconds, nullptr));
    full_p256.push_back(
        HandshakesPerCpuSecond(amfgate, amfgate.tls_port(), with_p256, false, seconds, nullptr));
    resumed.push_back(
        HandshakesPerCpuSecond(amfgate, amfgate.tls_port(), "", true, seconds, &resumed_share));
    std::string ceiling_out;
    {
      BusyOtherCpu busy;
      ceiling_out = Run("BENCH_ROUNDS=1 taskset -c 0 " + self_dir + "/bench_tls_ceiling");
    }
    ceiling_x25519.push_back(BenchValue(ceiling_out, "tls_handshake_ceiling_x25519_per_cpu_s"));
    ceiling_p256.push_back(BenchValue(ceiling_out, "tls_handshake_ceiling_per_cpu_s"));
    if (ceiling_x25519.back() <= 0 || ceiling_p256.back() <= 0) {
      std::fprintf(stderr, "bench_http: no ceiling from %s/bench_tls_ceiling:\n%s\n",
                   self_dir.c_str(), ceiling_out.c_str());
      return 1;
    }
    ratio_x25519.push_back(full.back() / ceiling_x25519.back());
    ratio_p256.push_back(full_p256.back() / ceiling_p256.back());
  }
  std::printf(
      "\nfull TLS 1.3 handshakes over loopback (s_time -new), per server CPU second, and the "
      "ceiling\n"
      "(sign + ECDHE, the other CPU busy as under s_time):\n");
  std::printf("  X25519 share  %6.0f  ceiling %4.0f  ratio %.2f (%.2f..%.2f)\n", Median(full),
              Median(ceiling_x25519), Median(ratio_x25519),
              *std::min_element(ratio_x25519.begin(), ratio_x25519.end()),
              *std::max_element(ratio_x25519.begin(), ratio_x25519.end()));
  std::printf("  P-256 share   %6.0f  ceiling %4.0f  ratio %.2f (%.2f..%.2f)\n", Median(full_p256),
              Median(ceiling_p256), Median(ratio_p256),
              *std::min_element(ratio_p256.begin(), ratio_p256.end()),
              *std::max_element(ratio_p256.begin(), ratio_p256.end()));
  std::printf(
      "resumed TLS 1.2 handshakes:   %6.0f per server CPU second (%.0f%% of them resumed)\n\n",
      Median(resumed), 100 * resumed_share);

  auto us = [&](size_t i) { return Median(figures[i].us); };
  auto rps = [&](size_t i) { return Median(figures[i].rps); };
  // amfgate's target i against nginx's i + 1, within each round.
  auto ratio = [&](size_t i) {
    std::vector<double> r;
    for (size_t k = 0; k < figures[i].us.size(); ++k) {
      if (figures[i + 1].us[k] > 0) r.push_back(figures[i].us[k] / figures[i + 1].us[k]);
    }
    return Median(r);
  };
  std::printf("BENCH http_plain_rps %.0f req/s\n", rps(0));
  std::printf("BENCH http_plain_us_per_req %.2f us\n", us(0));
  std::printf("BENCH http_plain_nginx_us_per_req %.2f us\n", us(1));
  std::printf("BENCH http_plain_nginx_rps %.0f req/s\n", rps(1));
  std::printf("BENCH http_tls_rps %.0f req/s\n", rps(2));
  std::printf("BENCH http_tls_us_per_req %.2f us\n", us(2));
  std::printf("BENCH http_tls_nginx_us_per_req %.2f us\n", us(3));
  std::printf("BENCH http_tls_nginx_rps %.0f req/s\n", rps(3));
  std::printf("BENCH ratio_http_plain_cpu_vs_nginx %.3f x\n", ratio(0));
  std::printf("BENCH ratio_http_tls_cpu_vs_nginx %.3f x\n", ratio(2));
  std::printf("BENCH http_static2k_plain_us_per_req %.2f us\n", us(4));
  std::printf("BENCH http_static2k_plain_nginx_us_per_req %.2f us\n", us(5));
  std::printf("BENCH http_static2k_tls_us_per_req %.2f us\n", us(6));
  std::printf("BENCH http_static2k_tls_nginx_us_per_req %.2f us\n", us(7));
  std::printf("BENCH ratio_http_static2k_plain_cpu_vs_nginx %.3f x\n", ratio(4));
  std::printf("BENCH ratio_http_static2k_tls_cpu_vs_nginx %.3f x\n", ratio(6));
  std::printf("BENCH tls_full_handshakes_per_cpu_s %.0f handshakes/s\n", Median(full));
  std::printf("BENCH tls_full_handshakes_p256_per_cpu_s %.0f handshakes/s\n", Median(full_p256));
  std::printf("BENCH tls_resumed_handshakes_per_cpu_s %.0f handshakes/s\n", Median(resumed));
  std::printf("BENCH tls_handshake_ceiling_x25519_per_cpu_s %.0f handshakes/s\n",
              Median(ceiling_x25519));
  std::printf("BENCH tls_handshake_ceiling_per_cpu_s %.0f handshakes/s\n", Median(ceiling_p256));
  std::printf("BENCH ratio_tls_full_handshakes_vs_ceiling %.3f x\n", Median(ratio_x25519));
  std::printf("BENCH ratio_tls_full_handshakes_p256_vs_ceiling %.3f x\n", Median(ratio_p256));
  Run("rm -rf " + dir);
  return 0;
}

}  // namespace
}  // namespace amfgate

int main() {
  signal(SIGPIPE, SIG_IGN);
  return amfgate::Main();
}
