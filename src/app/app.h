// The running server: Config -> Server + routes + admin listener + signals.
//
// App owns, in this order of construction: the libuv loop, the Server (its
// listeners, TLS context and connections), the admin router, the Components
// that route installers handed over (component.h), and the loop handles of
// its own: three signal watchers, the component tick timer and the check
// handle that flushes the access log once per loop iteration.
//
// Life cycle:
//   Create   binds the listeners (errors name the directive), installs the
//            routes; nothing runs yet.
//   Run      prints the start-up banner (URLs, certificate fingerprint, the
//            components' announcements such as the demo user) and runs the
//            loop until the server has drained or stopped; returns the exit
//            status.
//   SIGHUP   reloads the configuration (same file, same command-line
//            overrides): log level and files, certificates (a certificate
//            that fails to load keeps the current one, and the log says
//            why), limits, the document root, each component. A file that
//            fails to parse changes nothing. Listener addresses need a
//            restart (logged). Sessions live in components and survive.
//   SIGTERM, SIGINT   drain: stop accepting, finish requests in flight,
//            close idle keep-alive connections, stop when all are gone or
//            when drain_timeout has passed. A second signal stops at once.
//
// The destructor closes whatever is still open and runs the loop until libuv
// has called every close callback, then closes the loop.
#pragma once

#include <uv.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "app/component.h"
#include "core/config.h"
#include "core/status.h"
#include "net/router.h"
#include "net/server.h"

namespace amfgate {

// The net module's options for a configuration.
ServerOptions ToServerOptions(const Config& config);
ServerLimits ToServerLimits(const Config& config);
TlsOptions ToTlsOptions(const Config& config);

class App {
 public:
  // `overrides` are kept so that SIGHUP re-applies them to the re-read file.
  static Status Create(Config config, std::vector<ConfigOverride> overrides,
                       std::unique_ptr<App>* out);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Prints the banner to `banner` (stdout in main) and runs until stopped.
  int Run(FILE* banner);

  const Config& config() const { return config_; }

 private:
  App(Config config, std::vector<ConfigOverride> overrides);
  Status Start();
  void PrintBanner(FILE* out) const;
  void RenderMetrics(MetricsWriter& out) const;

  void OnSignal(int signum);
  void OnTick();
  void Reload();
  void BeginDrain();
  void OnDrained();
  void CloseOwnHandles();

  static void SignalTrampoline(uv_signal_t* handle, int signum);
  static void TickTrampoline(uv_timer_t* handle);
  static void CheckTrampoline(uv_check_t* handle);

  Config config_;
  std::vector<ConfigOverride> overrides_;
  uv_loop_t loop_;
  bool loop_open_ = false;
  std::unique_ptr<Server> server_;
  Router admin_router_;
  size_t admin_index_ = 0;
  std::vector<std::unique_ptr<Component>> components_;
  std::vector<std::string> announcements_;

  uv_signal_t sigterm_;
  uv_signal_t sigint_;
  uv_signal_t sighup_;
  uv_timer_t tick_;
  uv_check_t flush_;
  bool handles_open_ = false;

  bool draining_ = false;
  int exit_code_ = 0;
  int64_t started_at_unix_ = 0;
  uint64_t reloads_ok_ = 0;
  uint64_t reloads_failed_ = 0;
};

}  // namespace amfgate
