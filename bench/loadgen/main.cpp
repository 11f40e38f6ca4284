// amfgate-bench: the load generator. argv -> scenario -> phases -> report.
//
// Runs one scenario against one server over loopback and prints a report with
// BENCH lines; exits 1 (after saying what went wrong) when anything failed,
// so that a broken server cannot post a number. See bench/README.md.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "driver.h"
#include "report.h"
#include "scenario.h"
#include "self_test.h"
#include "tls_ceiling.h"
#include "tls_client.h"

namespace amfgate::bench {
namespace {

constexpr char kUsage[] =
    "usage: amfgate-bench SCENARIO [options]\n"
    "       amfgate-bench tls-ceiling [--seconds S]\n"
    "       amfgate-bench self-test\n"
    "       amfgate-bench packet redeem|whoami|echo [--echo-bytes N]  (the request body, to "
    "stdout)\n"
    "scenarios: get handshake redeem handoff whoami echo sessions\n"
    "  --url http[s]://HOST:PORT  server to load (loopback), default http://127.0.0.1:8080\n"
    "  --connections N            connections, one virtual user each (50)\n"
    "  --pipeline K               requests in flight per connection (1)\n"
    "  --duration S               timed window in seconds (5)\n"
    "  --requests N               close the window after N operations instead\n"
    "  --rate R                   get, whoami, echo: open loop, R requests/s in all, latency\n"
    "                             from each request's due time (default: closed loop)\n"
    "  --warmup S                 untimed traffic before the window (0.5)\n"
    "  --limit S                  fail a phase that takes longer (600)\n"
    "  --server-pid PID           read the server's CPU time and RSS from /proc/PID\n"
    "  --label NAME               prefix of the BENCH lines (the scenario's name)\n"
    "  --path PATH                get, handshake: the path to GET (/)\n"
    "  --expect-status N          get, handshake: the status to expect (200)\n"
    "  --user NAME --password PW  the account to log in with (bench / bench-password)\n"
    "  --page-sessions N          page sessions logged in first (8, or more: see --max-pending)\n"
    "  --max-pending N            the server's max_pending_aliases (8): log in enough page "
    "sessions\n"
    "  --aliases N                redeem: aliases minted before the window (2000 per connection)\n"
    "  --sessions N               sessions: gateway sessions to create\n"
    "  --resume                   handshake: resume from the last session ticket\n"
    "  --tls-version 1.2|1.3|any  TLS versions to offer (any)\n"
    "  --groups LIST              key exchange groups, e.g. secp256r1,x25519 (secp256r1)\n"
    "  --tls13-kex all|psk|psk_ephemeral|ephemeral  TLS 1.3 key exchange modes (all)\n"
    "  --origin URL|none          Origin header of POSTs (the --url's origin)\n"
    "  --login-path, --app-path, --gateway-path PATH  (/login, /app, /gateway)\n"
    "  --echo-bytes N             echo: encoded size of the AMF3 graph (1024)\n";

struct Args {
  std::string scenario;
  std::string url = "http://127.0.0.1:8080";
  std::string label;
  pid_t server_pid = 0;
  PhaseOptions timed;
  ScenarioOptions scenario_options;
  TlsOptions tls;
  std::string origin;
  bool origin_given = false;
  bool rate_given = false;
  double ceiling_seconds = 1.0;
  std::string packet;  // `packet NAME`
};

bool ParseUrl(const std::string& url, Target* t) {
  std::string rest;
  if (url.rfind("http://", 0) == 0) {
    t->tls = false;
    rest = url.substr(7);
  } else if (url.rfind("https://", 0) == 0) {
    t->tls = true;
    rest = url.substr(8);
  } else {
    return false;
  }
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  size_t colon;
  if (!rest.empty() && rest[0] == '[') {
    size_t close = rest.find(']');
    if (close == std::string::npos || close + 1 >= rest.size() || rest[close + 1] != ':')
      return false;
    t->host = rest.substr(1, close - 1);
    colon = close + 1;
  } else {
    colon = rest.rfind(':');
    if (colon == std::string::npos) return false;
    t->host = rest.substr(0, colon);
  }
  char* end;
  long port = std::strtol(rest.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || port <= 0 || port > 65535) return false;
  t->port = static_cast<uint16_t>(port);
  return true;
}

Status ParseGroups(const std::string& list, std::vector<uint16_t>* groups) {
  groups->clear();
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    std::string g =
        list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (g == "secp256r1" || g == "p256") {
      groups->push_back(MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1);
    } else if (g == "x25519") {
      groups->push_back(MBEDTLS_SSL_IANA_TLS_GROUP_X25519);
    } else if (g == "secp384r1") {
      groups->push_back(MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1);
    } else {
      return Status::Error(Code::kInvalidArgument, "--groups: unknown group '" + g + "'");
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return Status::Ok();
}

// Rate mode paces keep-alive scenarios whose timed requests are all alike
// over a timed window; the others are refused rather than half-supported.
Status CheckRate(const Args& a) {
  if (!a.rate_given) return Status::Ok();
  if (!(a.timed.rate > 0))
    return Status::Error(Code::kInvalidArgument, "--rate: give a rate above 0 requests/s");
  if (a.scenario != "get" && a.scenario != "whoami" && a.scenario != "echo") {
    return Status::Error(Code::kInvalidArgument,
                         "--rate works with get, whoami and echo only, not " + a.scenario);
  }
  if (a.timed.max_ops != 0 || a.timed.duration_s <= 0)
    return Status::Error(Code::kInvalidArgument,
                         "--rate needs a --duration window, not --requests");
  return Status::Ok();
}

Status ParseArgs(int argc, char** argv, Args* a) {
  if (argc < 2) return Status::Error(Code::kInvalidArgument, "no scenario given");
  a->scenario = argv[1];
  a->timed.duration_s = 5;
  a->timed.warmup_s = 0.5;
  int first = 2;
  if (a->scenario == "packet" && argc > 2) a->packet = argv[first++];
  for (int i = first; i < argc; ++i) {
    const std::string opt = argv[i];
    auto value = [&](const char** out) -> Status {
      if (i + 1 >= argc) return Status::Error(Code::kInvalidArgument, opt + " needs a value");
      *out = argv[++i];
      return Status::Ok();
    };
    auto number = [&](double* out) -> Status {
      const char* v;
      Status s = value(&v);
      if (!s.ok()) return s;
      char* end;
      *out = std::strtod(v, &end);
      if (*end != '\0' || *out < 0)
        return Status::Error(Code::kInvalidArgument, opt + ": not a number: " + v);
      return Status::Ok();
    };
    const char* v = nullptr;
    double d = 0;
    Status s;
    if (opt == "--resume") {
      a->scenario_options.resume = true;
      continue;
    }
    if (opt == "--url") {
      s = value(&v);
      if (s.ok()) a->url = v;
    } else if (opt == "--label") {
      s = value(&v);
      if (s.ok()) a->label = v;
    } else if (opt == "--path" || opt == "--user" || opt == "--password" || opt == "--login-path" ||
               opt == "--app-path" || opt == "--gateway-path" || opt == "--origin") {
      s = value(&v);
      if (!s.ok()) return s;
      ScenarioOptions& o = a->scenario_options;
      if (opt == "--path") o.path = v;
      if (opt == "--user") o.user = v;
      if (opt == "--password") o.password = v;
      if (opt == "--login-path") o.login_path = v;
      if (opt == "--app-path") o.app_path = v;
      if (opt == "--gateway-path") o.gateway_path = v;
      if (opt == "--origin") {
        a->origin = std::strcmp(v, "none") == 0 ? "" : v;
        a->origin_given = true;
      }
    } else if (opt == "--tls-version") {
      s = value(&v);
      if (!s.ok()) return s;
      if (std::strcmp(v, "1.2") == 0) {
        a->tls.min_version = a->tls.max_version = 0x0303;
      } else if (std::strcmp(v, "1.3") == 0) {
        a->tls.min_version = a->tls.max_version = 0x0304;
      } else if (std::strcmp(v, "any") != 0) {
        return Status::Error(Code::kInvalidArgument, "--tls-version: 1.2, 1.3 or any");
      }
    } else if (opt == "--groups") {
      s = value(&v);
      if (s.ok()) s = ParseGroups(v, &a->tls.groups);
    } else if (opt == "--tls13-kex") {
      s = value(&v);
      if (!s.ok()) return s;
      const std::string k = v;
      if (k == "all") {
        a->tls.tls13_kex_modes = MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_ALL;
      } else if (k == "psk") {
        a->tls.tls13_kex_modes = MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK |
                                 MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL;
      } else if (k == "psk_ephemeral") {
        a->tls.tls13_kex_modes = MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL |
                                 MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL;
      } else if (k == "ephemeral") {
        a->tls.tls13_kex_modes = MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL;
      } else {
        return Status::Error(Code::kInvalidArgument,
                             "--tls13-kex: all, psk, psk_ephemeral or ephemeral");
      }
    } else if (opt == "--connections" || opt == "--pipeline" || opt == "--requests" ||
               opt == "--server-pid" || opt == "--page-sessions" || opt == "--aliases" ||
               opt == "--sessions" || opt == "--expect-status" || opt == "--echo-bytes" ||
               opt == "--max-pending") {
      s = number(&d);
      if (!s.ok()) return s;
      const uint64_t n = static_cast<uint64_t>(d);
      ScenarioOptions& o = a->scenario_options;
      if (opt == "--connections") o.connections = static_cast<int>(n);
      if (opt == "--pipeline") a->timed.pipeline = static_cast<int>(n);
      if (opt == "--requests") a->timed.max_ops = n;
      if (opt == "--server-pid") a->server_pid = static_cast<pid_t>(n);
      if (opt == "--page-sessions") o.page_sessions = static_cast<int>(n);
      if (opt == "--aliases") o.aliases = n;
      if (opt == "--sessions") o.sessions = n;
      if (opt == "--expect-status") o.expect_status = static_cast<int>(n);
      if (opt == "--echo-bytes") o.echo_bytes = n;
      if (opt == "--max-pending") o.max_pending = static_cast<int>(n);
    } else if (opt == "--duration" || opt == "--warmup" || opt == "--limit" || opt == "--seconds" ||
               opt == "--rate") {
      s = number(&d);
      if (opt == "--rate") {
        a->timed.rate = d;
        a->rate_given = true;
      }
      if (opt == "--duration") a->timed.duration_s = d;
      if (opt == "--warmup") a->timed.warmup_s = d;
      if (opt == "--limit") a->timed.limit_s = d;
      if (opt == "--seconds") a->ceiling_seconds = d;
    } else {
      return Status::Error(Code::kInvalidArgument, "unknown option " + opt);
    }
    if (!s.ok()) return s;
  }
  if (a->scenario_options.connections < 1 || a->timed.pipeline < 1 ||
      a->scenario_options.page_sessions < 1) {
    return Status::Error(Code::kInvalidArgument,
                         "--connections, --pipeline and --page-sessions must be >= 1");
  }
  if (a->timed.max_ops != 0 && a->timed.duration_s == 5) a->timed.duration_s = 0;
  return CheckRate(*a);
}

int Run(int argc, char** argv) {
  if (argc >= 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  Args args;
  Status s = ParseArgs(argc, argv, &args);
  if (!s.ok()) {
    std::fprintf(stderr, "amfgate-bench: %s\n%s", s.message().c_str(), kUsage);
    return 2;
  }
  if (args.scenario == "tls-ceiling") return RunTlsCeiling(args.ceiling_seconds);
  if (args.scenario == "self-test") return RunSelfTest();
  if (args.scenario == "packet") {
    const std::string packet = GatewayRequestPacket(args.packet, args.scenario_options.echo_bytes);
    if (packet.empty()) {
      std::fprintf(stderr, "amfgate-bench: packet redeem|whoami|echo\n");
      return 2;
    }
    std::fwrite(packet.data(), 1, packet.size(), stdout);
    return 0;
  }
  Target target;
  if (!ParseUrl(args.url, &target)) {
    std::fprintf(stderr, "amfgate-bench: bad --url %s\n", args.url.c_str());
    return 2;
  }
  ScenarioOptions& so = args.scenario_options;
  so.name = args.scenario;
  so.host_header = target.HostHeader();
  so.origin = args.origin_given ? args.origin
                                : std::string(target.tls ? "https://" : "http://") + so.host_header;
  if (so.name == "handshake" && !target.tls) {
    std::fprintf(stderr, "amfgate-bench: the handshake scenario needs an https:// URL\n");
    return 2;
  }
  std::unique_ptr<Scenario> scenario;
  s = MakeScenario(so, args.timed, &scenario);
  if (!s.ok()) {
    std::fprintf(stderr, "amfgate-bench: %s\n%s", s.message().c_str(), kUsage);
    return 2;
  }

  RunInfo info;
  info.scenario =
      args.scenario + (so.name == "handshake" ? (so.resume ? " (resumed)" : " (full)") : "");
  info.label = args.label.empty() ? args.scenario : args.label;
  info.url = args.url;
  info.op_unit = scenario->op_unit();
  info.connections = so.connections;
  info.pipeline = args.timed.pipeline;

  TlsClientConfig tls;
  if (target.tls) {
    args.tls.keep_tickets = so.resume;
    s = tls.Init(args.tls);
    if (!s.ok()) {
      PrintFailure(info, "tls", s.message());
      return 1;
    }
  }
  Driver driver(target, target.tls ? &tls : nullptr, args.server_pid);
  s = driver.Init();
  if (!s.ok()) {
    PrintFailure(info, "init", s.message());
    return 1;
  }
  PhaseResult result;
  for (const ScenarioPhase& phase : scenario->phases()) {
    s = driver.RunPhase(phase.options, phase.users, &result);
    if (!s.ok()) {
      driver.Shutdown();
      PrintFailure(info, phase.options.name, s.message());
      return 1;
    }
    if (!phase.options.timed) {
      std::printf("setup %-16s %llu requests in %.2f s\n", phase.options.name,
                  static_cast<unsigned long long>(result.requests), result.seconds);
      // Scripts watch for these lines to know when the timed phase begins.
      std::fflush(stdout);
    }
  }
  driver.Shutdown();
  if (result.requests == 0) {
    PrintFailure(info, "timed", "no request completed inside the window");
    return 1;
  }
  PrintReport(info, result);
  return 0;
}

}  // namespace
}  // namespace amfgate::bench

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  return amfgate::bench::Run(argc, argv);
}
