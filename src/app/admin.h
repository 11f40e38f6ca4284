// The admin endpoints: /healthz and /metrics, on their own listener.
//
// The admin listener (admin_listen, plain HTTP, loopback by default) is for
// the operator's probes and Prometheus, never for the public: it is a
// separate listener with its own router, so no public path can reach it.
//   GET /healthz  200 "ok" while serving; 503 "draining" once a drain began.
//   GET /metrics  Prometheus text: the server's counters (connections,
//                 requests, responses by status code, TLS handshakes, bytes,
//                 errors by kind), the app's (reloads, start time, build),
//                 and every component's (sessions, aliases, static cache).
// Both answer `Cache-Control: no-store`; other methods get 405.
#pragma once

#include <functional>

#include "core/metrics.h"
#include "net/router.h"
#include "net/server.h"

namespace amfgate {

// Appends the Server's figures (stats()) to `out`, names prefixed amfgate_.
void AppendServerMetrics(const ServerStats& stats, MetricsWriter& out);

struct AdminHooks {
  std::function<bool()> draining;                      // /healthz answers 503 when true
  std::function<void(MetricsWriter&)> render_metrics;  // fills /metrics
};

// Registers /healthz and /metrics on `router`; the hooks must outlive it.
Status InstallAdminRoutes(Router& router, AdminHooks hooks);

}  // namespace amfgate
