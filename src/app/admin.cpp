#include "app/admin.h"

#include <string>

namespace amfgate {

void AppendServerMetrics(const ServerStats& stats, MetricsWriter& out) {
  out.Gauge("amfgate_connections_open", "Client connections open now.",
            static_cast<double>(stats.connections_open));
  out.Counter("amfgate_connections_total", "Client connections accepted.",
              static_cast<double>(stats.connections_total));
  out.Gauge("amfgate_tls_handshakes_in_progress", "TLS handshakes in progress now.",
            static_cast<double>(stats.handshakes_in_progress));
  if (out.Family("amfgate_tls_handshakes_total", MetricType::kCounter,
                 "TLS handshakes finished, by result (resumed ones are also counted as ok).")) {
    out.Sample({{"result", "ok"}}, static_cast<double>(stats.handshakes_ok));
    out.Sample({{"result", "resumed"}}, static_cast<double>(stats.handshakes_resumed));
    out.Sample({{"result", "failed"}}, static_cast<double>(stats.handshakes_failed));
  }
  out.Counter("amfgate_requests_total", "HTTP requests received.",
              static_cast<double>(stats.requests_total));
  if (out.Family("amfgate_responses_total", MetricType::kCounter,
                 "HTTP responses sent, by status code.")) {
    constexpr size_t kCodes = sizeof stats.responses_by_code / sizeof stats.responses_by_code[0];
    for (size_t code = 100; code < kCodes; ++code) {
      if (stats.responses_by_code[code] == 0) continue;
      std::string text = std::to_string(code);
      out.Sample({{"code", text}}, static_cast<double>(stats.responses_by_code[code]));
    }
  }
  out.Counter("amfgate_received_bytes_total", "Bytes read from client sockets (ciphertext on TLS).",
              static_cast<double>(stats.bytes_in));
  out.Counter("amfgate_sent_bytes_total", "Bytes written to client sockets (ciphertext on TLS).",
              static_cast<double>(stats.bytes_out));
  if (out.Family("amfgate_errors_total", MetricType::kCounter,
                 "Connections that ended badly or work refused, by kind.")) {
    for (size_t i = 0; i < static_cast<size_t>(NetError::kCount); ++i) {
      NetError kind = static_cast<NetError>(i);
      out.Sample({{"kind", NetErrorName(kind)}}, static_cast<double>(stats.error(kind)));
    }
  }
}

Status InstallAdminRoutes(Router& router, AdminHooks hooks) {
  Status s = router.Exact("/healthz", [hooks](const Request& request, Response& response) {
    if (request.method != Method::kGet && request.method != Method::kHead) {
      response.Error(405);
      (void)response.AddHeader("Allow", "GET, HEAD");
      return;
    }
    response.SetNoStore();
    if (hooks.draining && hooks.draining()) {
      response.Text(503, "draining\n");
    } else {
      response.Text(200, "ok\n");
    }
  });
  if (!s.ok()) return s;
  return router.Exact("/metrics", [hooks](const Request& request, Response& response) {
    if (request.method != Method::kGet && request.method != Method::kHead) {
      response.Error(405);
      (void)response.AddHeader("Allow", "GET, HEAD");
      return;
    }
    MetricsWriter writer;
    if (hooks.render_metrics) hooks.render_metrics(writer);
    response.SetStatus(200);
    response.SetNoStore();
    response.SetContentType(MetricsWriter::kContentType);
    response.SetBody(writer.text());
  });
}

}  // namespace amfgate
