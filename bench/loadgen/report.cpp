#include "report.h"

#include <cstdio>

namespace amfgate::bench {
namespace {

double Us(int64_t ns) { return static_cast<double>(ns) / 1e3; }

void Bench(const RunInfo& info, const char* figure, double value, const char* unit,
           int decimals = 2) {
  std::printf("BENCH %s_%s %.*f %s\n", info.label.c_str(), figure, decimals, value, unit);
}

// Rate mode: offered against achieved, and the saturation warning.
void PrintRate(const PhaseResult& r, double rps) {
  std::printf(
      "  rate       offered %.0f req/s, achieved %.0f req/s (%.1f%%); latency from due times; "
      "backlog %llu early, %llu late, %llu at close\n",
      r.offered_rps, rps, 100.0 * rps / r.offered_rps,
      static_cast<unsigned long long>(r.backlog.early_max),
      static_cast<unsigned long long>(r.backlog.late_min),
      static_cast<unsigned long long>(r.backlog_at_close));
  if (!r.saturated) return;
  char warning[256];
  std::snprintf(warning, sizeof warning,
                "WARNING: saturated: %.0f req/s achieved of %.0f offered, backlog of due requests "
                "%llu -> %llu; the latencies include queueing in front of the server",
                rps, r.offered_rps, static_cast<unsigned long long>(r.backlog.early_max),
                static_cast<unsigned long long>(r.backlog.late_min));
  std::printf("  %s\n", warning);
  std::fprintf(stderr, "amfgate-bench: %s\n", warning);
}

}  // namespace

void PrintReport(const RunInfo& info, const PhaseResult& r) {
  const double secs = r.seconds > 0 ? r.seconds : 1e-9;
  const double rps = static_cast<double>(r.requests) / secs;
  const double ops = static_cast<double>(r.ops) / secs;
  const Histogram& h = r.latency;
  std::printf("amfgate-bench %s: %s, %d connection(s), pipeline %d, window %.2f s\n",
              info.scenario.c_str(), info.url.c_str(), info.connections, info.pipeline, r.seconds);
  std::printf("  requests   %12llu  %10.0f req/s\n", static_cast<unsigned long long>(r.requests),
              rps);
  std::printf("  %-10s %12llu  %10.0f /s\n", info.op_unit, static_cast<unsigned long long>(r.ops),
              ops);
  if (r.offered_rps > 0) PrintRate(r, rps);
  std::printf(
      "  latency    p50 %.0f us  p90 %.0f us  p99 %.0f us  p99.9 %.0f us  max %.0f us  (mean %.0f "
      "us)\n",
      Us(h.Percentile(50)), Us(h.Percentile(90)), Us(h.Percentile(99)), Us(h.Percentile(99.9)),
      Us(h.max()), h.Mean() / 1e3);
  double server_cpu = 0;
  if (r.have_server) {
    server_cpu = r.server_after.cpu_s() - r.server_before.cpu_s();
    std::printf(
        "  server     cpu %.2f s (user %.2f, system %.2f) = %.2f us/request, %.2f us/%s; rss %.1f "
        "MiB\n",
        server_cpu, r.server_after.user_s - r.server_before.user_s,
        r.server_after.system_s - r.server_before.system_s,
        r.requests ? server_cpu * 1e6 / static_cast<double>(r.requests) : 0,
        r.ops ? server_cpu * 1e6 / static_cast<double>(r.ops) : 0, info.op_unit,
        static_cast<double>(r.server_after.rss_bytes) / (1024.0 * 1024.0));
  }
  std::printf("  client     cpu %.2f s = %.2f us/request\n", r.client_cpu_s,
              r.requests ? r.client_cpu_s * 1e6 / static_cast<double>(r.requests) : 0);
  std::printf(
      "  connects   %llu (%llu reopened after the server closed one); TLS handshakes %llu full, "
      "%llu resumed\n",
      static_cast<unsigned long long>(r.connects), static_cast<unsigned long long>(r.reconnects),
      static_cast<unsigned long long>(r.full_handshakes),
      static_cast<unsigned long long>(r.resumed_handshakes));
  Bench(info, "requests", static_cast<double>(r.requests), "count", 0);
  Bench(info, "errors", 0, "count", 0);
  Bench(info, "rps", rps, "req/s", 0);
  if (r.offered_rps > 0) Bench(info, "offered_rps", r.offered_rps, "rps", 0);
  Bench(info, "ops_per_s", ops, "op/s", 0);
  Bench(info, "p50_us", Us(h.Percentile(50)), "us", 1);
  Bench(info, "p90_us", Us(h.Percentile(90)), "us", 1);
  Bench(info, "p99_us", Us(h.Percentile(99)), "us", 1);
  Bench(info, "p999_us", Us(h.Percentile(99.9)), "us", 1);
  Bench(info, "max_us", Us(h.max()), "us", 1);
  if (r.have_server) {
    Bench(info, "server_cpu_s", server_cpu, "s", 3);
    if (r.requests)
      Bench(info, "server_cpu_us_per_req", server_cpu * 1e6 / static_cast<double>(r.requests),
            "us");
    if (r.ops)
      Bench(info, "server_cpu_us_per_op", server_cpu * 1e6 / static_cast<double>(r.ops), "us");
    if (server_cpu > 0)
      Bench(info, "ops_per_server_cpu_s", static_cast<double>(r.ops) / server_cpu, "op/cpu-s", 0);
    Bench(info, "server_rss_kib", static_cast<double>(r.server_after.rss_bytes) / 1024.0, "KiB", 0);
  }
  if (r.requests)
    Bench(info, "client_cpu_us_per_req", r.client_cpu_s * 1e6 / static_cast<double>(r.requests),
          "us");
  std::fflush(stdout);
}

void PrintFailure(const RunInfo& info, const std::string& phase, const std::string& message) {
  std::printf("amfgate-bench %s: FAILED in phase '%s': %s\n", info.scenario.c_str(), phase.c_str(),
              message.c_str());
  std::printf("BENCH %s_errors 1 count\n", info.label.c_str());
  std::fflush(stdout);
  std::fprintf(stderr, "amfgate-bench %s: FAILED in phase '%s': %s\n", info.scenario.c_str(),
               phase.c_str(), message.c_str());
}

}  // namespace amfgate::bench
