// What a module plugged into the running server sees of it.
//
// The app (app.h) owns the loop, the Server, the signals and the admin
// listener. Modules that serve requests (the handoff's pages and gateway, the
// static files) are installed once at start by InstallRoutes (routes.h): each
// registers its handlers on the router and may hand the app a Component, an
// object the app keeps alive for the server's whole life and calls on its
// events:
//   Reload(config)   on SIGHUP, with the newly loaded configuration. A
//                    component that cannot apply it keeps its old state and
//                    returns why (the app logs it); sessions must survive.
//   Tick(now)        about ten times a second (now: MonotonicNow), for
//                    bounded housekeeping such as the store's timer wheel.
//   AppendMetrics(w) on each /metrics scrape of the admin listener.
//   OnDrain()        when SIGTERM/SIGINT starts the graceful shutdown.
// Everything runs on the loop thread. A component owns no libuv handle (the
// app's tick is the timer), so the app can destroy it once the Server is
// closed without running the loop again. Handlers registered on the router may
// borrow a component: components are destroyed after the Server.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/config.h"
#include "core/metrics.h"
#include "core/status.h"
#include "net/router.h"

struct uv_loop_s;
typedef struct uv_loop_s uv_loop_t;

namespace amfgate {

class Server;

class Component {
 public:
  virtual ~Component() = default;
  virtual Status Reload(const Config& config) {
    (void)config;
    return Status::Ok();
  }
  virtual void Tick(MonoTime now) { (void)now; }
  virtual void AppendMetrics(MetricsWriter& out) const { (void)out; }
  virtual void OnDrain() {}
};

// Handed to route installers at start-up. `config` is the configuration the
// server starts with (public_origin already has the bound port); a component
// that needs later values gets them through Reload.
struct AppContext {
  uv_loop_t* loop = nullptr;
  Server* server = nullptr;
  Router* router = nullptr;  // the public listeners' router
  const Config* config = nullptr;

  std::vector<std::unique_ptr<Component>> components;
  // Lines printed once at start after the listening addresses, e.g. the demo
  // user's name and password. Never a token.
  std::vector<std::string> announcements;

  void Add(std::unique_ptr<Component> component) { components.push_back(std::move(component)); }
  void Announce(std::string line) { announcements.push_back(std::move(line)); }
};

}  // namespace amfgate
