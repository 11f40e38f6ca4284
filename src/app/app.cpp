#include "app/app.h"

#include <unistd.h>

#include <ctime>

#include "app/admin.h"
#include "app/routes.h"
#include "app/version.h"
#include "core/log.h"

namespace amfgate {

namespace {

constexpr uint64_t kTickMilliseconds = 100;

ListenOptions ToListenOptions(const ListenAddress& a) {
  ListenOptions l;
  l.address = a.address;
  l.port = a.port;
  l.tls = a.tls;
  return l;
}

bool SameListeners(const Config& a, const Config& b) {
  if (a.listen.size() != b.listen.size() || a.admin_enabled != b.admin_enabled) return false;
  for (size_t i = 0; i < a.listen.size(); ++i) {
    if (a.listen[i].HostPort() != b.listen[i].HostPort() || a.listen[i].tls != b.listen[i].tls)
      return false;
  }
  return !a.admin_enabled || a.admin_listen.HostPort() == b.admin_listen.HostPort();
}

std::string UrlOf(const ListenAddress& a, uint16_t port) {
  ListenAddress bound = a;
  bound.port = port;
  return OriginOf(bound);
}

}  // namespace

ServerLimits ToServerLimits(const Config& c) {
  ServerLimits l;
  l.max_request_line = c.max_request_line;
  l.max_header_line = c.max_header_line;
  l.max_header_section = c.max_header_section;
  l.max_headers = c.max_headers;
  l.max_body = c.max_body;
  l.head_timeout = c.head_timeout;
  l.body_timeout = c.body_timeout;
  l.idle_timeout = c.idle_timeout;
  l.write_timeout = c.write_timeout;
  l.handshake_timeout = c.handshake_timeout;
  l.max_requests_per_connection = c.max_requests_per_connection;
  l.max_pipelined = c.max_pipelined;
  l.max_write_queue = c.max_write_queue;
  l.max_connections = c.max_connections;
  l.max_handshakes = c.max_handshakes;
  return l;
}

TlsOptions ToTlsOptions(const Config& c) {
  TlsOptions t;
  t.certificate_file = c.certificate;
  t.key_file = c.certificate_key;
  t.ticket_lifetime = c.ticket_lifetime;
  return t;
}

ServerOptions ToServerOptions(const Config& c) {
  ServerOptions o;
  for (const ListenAddress& a : c.listen) o.listeners.push_back(ToListenOptions(a));
  o.tls = ToTlsOptions(c);
  o.limits = ToServerLimits(c);
  return o;
}

App::App(Config config, std::vector<ConfigOverride> overrides)
    : config_(std::move(config)), overrides_(std::move(overrides)) {}

Status App::Create(Config config, std::vector<ConfigOverride> overrides,
                   std::unique_ptr<App>* out) {
  std::unique_ptr<App> app(new App(std::move(config), std::move(overrides)));
  Status s = app->Start();
  if (!s.ok()) return s;
  *out = std::move(app);
  return Status::Ok();
}

Status App::Start() {
  Logger& log = DefaultLogger();
  log.set_level(config_.log_level);
  Status s = log.OpenErrorLog(config_.error_log);
  if (!s.ok()) return Status::Error(s.code(), config_.PlaceOf("error_log") + s.message());
  s = log.OpenAccessLog(config_.access_log);
  if (!s.ok()) return Status::Error(s.code(), config_.PlaceOf("access_log") + s.message());

  int rc = uv_loop_init(&loop_);
  if (rc != 0) return Status::Error(Code::kInternal, std::string("event loop: ") + uv_strerror(rc));
  loop_open_ = true;

  server_ = std::make_unique<Server>(&loop_, ToServerOptions(config_));
  s = server_->Start();
  if (!s.ok()) return s;
  if (config_.admin_enabled) {
    Result<size_t> index =
        server_->AddListener(ToListenOptions(config_.admin_listen), &admin_router_);
    if (!index.ok()) {
      return Status::Error(index.code(), config_.PlaceOf("admin_listen") +
                                             config_.admin_listen.HostPort() + ": " +
                                             index.failure().reason);
    }
    admin_index_ = index.value();
  }
  // With port 0 the kernel chose the port: the derived origin must name it.
  if (config_.public_origin_derived) {
    config_.public_origin = UrlOf(config_.listen.front(), server_->listener_port(0));
  }

  AppContext context;
  context.loop = &loop_;
  context.server = server_.get();
  context.router = &server_->router();
  context.config = &config_;
  s = InstallRoutes(context);
  components_ = std::move(context.components);
  announcements_ = std::move(context.announcements);
  if (!s.ok()) return s;

  AdminHooks hooks;
  hooks.draining = [this] { return draining_; };
  hooks.render_metrics = [this](MetricsWriter& w) { RenderMetrics(w); };
  s = InstallAdminRoutes(admin_router_, std::move(hooks));
  if (!s.ok()) return s;
  started_at_unix_ = static_cast<int64_t>(time(nullptr));
  return Status::Ok();
}

App::~App() {
  if (server_ != nullptr && !server_->closed()) server_->Stop();
  CloseOwnHandles();
  if (loop_open_) {
    // Let libuv run every pending close callback before the handles' memory
    // (members of this object and of the Server) goes away.
    uv_run(&loop_, UV_RUN_DEFAULT);
    server_.reset();
    components_.clear();
    uv_loop_close(&loop_);
  }
  DefaultLogger().FlushAccess();
}

void App::CloseOwnHandles() {
  if (!handles_open_) return;
  handles_open_ = false;
  uv_close(reinterpret_cast<uv_handle_t*>(&sigterm_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&sigint_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&sighup_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&tick_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&flush_), nullptr);
}

int App::Run(FILE* banner) {
  uv_signal_init(&loop_, &sigterm_);
  uv_signal_init(&loop_, &sigint_);
  uv_signal_init(&loop_, &sighup_);
  uv_timer_init(&loop_, &tick_);
  uv_check_init(&loop_, &flush_);
  for (uv_handle_t* h :
       {reinterpret_cast<uv_handle_t*>(&sigterm_), reinterpret_cast<uv_handle_t*>(&sigint_),
        reinterpret_cast<uv_handle_t*>(&sighup_), reinterpret_cast<uv_handle_t*>(&tick_),
        reinterpret_cast<uv_handle_t*>(&flush_)}) {
    h->data = this;
  }
  handles_open_ = true;
  uv_signal_start(&sigterm_, SignalTrampoline, SIGTERM);
  uv_signal_start(&sigint_, SignalTrampoline, SIGINT);
  uv_signal_start(&sighup_, SignalTrampoline, SIGHUP);
  uv_timer_start(&tick_, TickTrampoline, kTickMilliseconds, kTickMilliseconds);
  uv_check_start(&flush_, CheckTrampoline);

  PrintBanner(banner);
  LogNotice("amfgate %s started, pid %d, %zu listener(s)", kVersion, static_cast<int>(getpid()),
            server_->listener_count());
  uv_run(&loop_, UV_RUN_DEFAULT);
  LogNotice("amfgate stopped");
  DefaultLogger().FlushAccess();
  return exit_code_;
}

void App::PrintBanner(FILE* out) const {
  for (size_t i = 0; i < config_.listen.size(); ++i) {
    const ListenAddress& a = config_.listen[i];
    fprintf(out, "amfgate: listening on %s (%s)\n", UrlOf(a, server_->listener_port(i)).c_str(),
            a.tls ? "tls" : "plain");
  }
  if (config_.admin_enabled) {
    fprintf(out, "amfgate: admin on %s (/healthz, /metrics)\n",
            UrlOf(config_.admin_listen, server_->listener_port(admin_index_)).c_str());
  }
  std::string fingerprint = server_->certificate_fingerprint();
  if (!fingerprint.empty()) {
    if (config_.certificate.empty()) {
      fprintf(out, "amfgate: self-signed certificate generated at start, SHA-256 %s\n",
              fingerprint.c_str());
    } else {
      fprintf(out, "amfgate: certificate %s, SHA-256 %s\n",
              EscapeForTerminal(config_.certificate).c_str(), fingerprint.c_str());
    }
  }
  fprintf(out, "amfgate: open %s/login in a browser\n",
          EscapeForTerminal(config_.public_origin).c_str());
  for (const std::string& line : announcements_)
    fprintf(out, "amfgate: %s\n", EscapeForTerminal(line).c_str());
  fprintf(out, "amfgate: ready, pid %d (SIGHUP reloads, SIGTERM drains and stops)\n",
          static_cast<int>(getpid()));
  fflush(out);
}

void App::RenderMetrics(MetricsWriter& out) const {
  if (out.Family("amfgate_build_info", MetricType::kGauge, "Always 1; the version is a label.")) {
    out.Sample({{"version", kVersion}}, 1);
  }
  out.Gauge("amfgate_start_time_seconds",
            "Start time of the process, seconds since the Unix epoch.",
            static_cast<double>(started_at_unix_));
  if (out.Family("amfgate_reloads_total", MetricType::kCounter,
                 "Configuration reloads (SIGHUP), by result.")) {
    out.Sample({{"result", "ok"}}, static_cast<double>(reloads_ok_));
    out.Sample({{"result", "failed"}}, static_cast<double>(reloads_failed_));
  }
  AppendServerMetrics(server_->stats(), out);
  for (const auto& component : components_) component->AppendMetrics(out);
}

void App::SignalTrampoline(uv_signal_t* handle, int signum) {
  static_cast<App*>(handle->data)->OnSignal(signum);
}
void App::TickTrampoline(uv_timer_t* handle) { static_cast<App*>(handle->data)->OnTick(); }
void App::CheckTrampoline(uv_check_t*) { DefaultLogger().FlushAccess(); }

void App::OnSignal(int signum) {
  if (signum == SIGHUP) {
    if (!draining_) Reload();
    return;
  }
  if (!draining_) {
    LogNotice("%s: draining, stopping within %.3f s", signum == SIGINT ? "SIGINT" : "SIGTERM",
              static_cast<double>(config_.drain_timeout) / kSecond);
    BeginDrain();
    return;
  }
  LogNotice("%s again: stopping now", signum == SIGINT ? "SIGINT" : "SIGTERM");
  server_->Stop();
  OnDrained();
}

void App::OnTick() {
  MonoTime now = MonotonicNow();
  for (const auto& component : components_) component->Tick(now);
}

void App::BeginDrain() {
  draining_ = true;
  for (const auto& component : components_) component->OnDrain();
  server_->Drain(config_.drain_timeout, [this] { OnDrained(); });
}

void App::OnDrained() {
  // Both the drain's callback and a second signal may get here.
  if (!handles_open_) return;
  CloseOwnHandles();
  DefaultLogger().FlushAccess();
}

void App::Reload() {
  Config next;
  Status s = LoadConfig(config_.source_file, overrides_, &next);
  if (!s.ok()) {
    ++reloads_failed_;
    LogError("reload: %s; the running configuration stays", s.message().c_str());
    return;
  }
  bool all_ok = true;
  Logger& log = DefaultLogger();
  log.set_level(next.log_level);
  Status logs =
      next.error_log == config_.error_log ? Status::Ok() : log.OpenErrorLog(next.error_log);
  if (logs.ok() && next.access_log != config_.access_log) logs = log.OpenAccessLog(next.access_log);
  if (logs.ok()) logs = log.Reopen();
  if (!logs.ok()) {
    all_ok = false;
    LogError("reload: log file: %s; the current one stays", logs.message().c_str());
  }

  // A server without certificate files keeps the certificate it generated,
  // so a reload does not change its fingerprint under the clients' feet.
  bool tls_files = !next.certificate.empty() || !config_.certificate.empty();
  if (tls_files) {
    s = server_->ReloadTls(ToTlsOptions(next));
    if (s.ok()) {
      LogNotice("reload: certificate %s loaded, SHA-256 %s",
                next.certificate.empty() ? "(self-signed)" : next.certificate.c_str(),
                server_->certificate_fingerprint().c_str());
    } else {
      all_ok = false;
      LogError("reload: %s%s; the current certificate stays", next.PlaceOf("certificate").c_str(),
               s.message().c_str());
      next.certificate = config_.certificate;
      next.certificate_key = config_.certificate_key;
    }
  }
  server_->UpdateLimits(ToServerLimits(next));

  if (!SameListeners(config_, next)) {
    LogWarn("reload: listen and admin_listen changes take effect after a restart");
    next.listen = config_.listen;
    next.admin_enabled = config_.admin_enabled;
    next.admin_listen = config_.admin_listen;
  }
  if (next.public_origin_derived) next.public_origin = config_.public_origin;

  for (const auto& component : components_) {
    Status c = component->Reload(next);
    if (!c.ok()) {
      all_ok = false;
      LogError("reload: %s; that part keeps its current settings", c.message().c_str());
    }
  }
  config_ = std::move(next);
  if (all_ok) {
    ++reloads_ok_;
    LogNotice("reload: configuration %s applied",
              config_.source_file.empty() ? "(built-in defaults)" : config_.source_file.c_str());
  } else {
    ++reloads_failed_;
  }
}

}  // namespace amfgate
