// The handoff, assembled: everything SPEC sections 1-3 need, owned in one
// place and plugged into the app as one Component (app/component.h).
//
// A Handoff owns, in construction order: the random source (CTR_DRBG), the
// session store, the two rate limiters (redemption, password login), the
// users table (the users file, or a demo user with a random password that is
// announced at start), the page templates, the CSRF key, and the two request
// handlers built on them, Pages (web/pages.h) and Gateway
// (gateway/gateway.h). Routes borrow it; the app destroys it after the
// Server.
//
// Events: Tick advances the store's timer wheel (bounded work per call);
// Reload re-reads the users file and the templates (each keeps its old state
// if the new one fails) and applies new TTLs, caps and gateway settings;
// sessions survive. Time: the clock hook (default MonotonicNow) is read once
// per request; tests put a manual clock there.
//
// Services: the gateway's built-in services are registered first, then every
// service in the process's ServiceCatalog (gateway/catalog.h), which is how a
// program embedding amfgate adds its own before it starts the app.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <string>

#include "app/component.h"
#include "core/config.h"
#include "core/status.h"
#include "gateway/gateway.h"
#include "net/router.h"
#include "store/random.h"
#include "store/rate_limiter.h"
#include "store/session_store.h"
#include "web/pages.h"
#include "web/template.h"
#include "web/users.h"

namespace amfgate {

struct HandoffHooks {
  std::function<MonoTime()> clock;      // default MonotonicNow
  std::function<double()> wall_millis;  // default the system clock
};

class Handoff : public Component {
 public:
  static Status Create(const Config& config, std::unique_ptr<Handoff>* out, HandoffHooks hooks = {});
  ~Handoff() override;

  // Registers /login, /app, /logout and gateway_path.
  Status Install(Router& router);

  Status Reload(const Config& config) override;
  void Tick(MonoTime now) override;
  void AppendMetrics(MetricsWriter& out) const override;

  // The line the app prints at start ("" when a users file is configured).
  const std::string& announcement() const { return announcement_; }
  const std::string& demo_password() const { return demo_password_; }

  SessionStore& store() { return *store_; }
  Gateway& gateway() { return *gateway_; }
  Pages& pages() { return *pages_; }

 private:
  Handoff() = default;
  Status LoadUsers(const Config& config);
  PagesOptions MakePagesOptions(const Config& config) const;
  GatewayOptions MakeGatewayOptions(const Config& config) const;

  HandoffHooks hooks_;
  std::unique_ptr<Random> random_;
  std::unique_ptr<SessionStore> store_;
  std::unique_ptr<RateLimiter> redeem_limiter_;
  std::unique_ptr<RateLimiter> login_limiter_;
  std::unique_ptr<UserDb> users_;
  TemplateSet templates_;
  std::unique_ptr<CsrfKey> csrf_;
  std::unique_ptr<Pages> pages_;
  std::unique_ptr<Gateway> gateway_;
  std::string gateway_path_;
  std::string docroot_;
  std::string users_file_;
  std::string demo_password_;
  std::string announcement_;
};

// Config -> store limits and rate-limiter options.
StoreLimits ToStoreLimits(const Config& config);
RateLimiterOptions ToRateLimiterOptions(const RateLimit& per_address, const RateLimit& total);

// The app's installer (app/routes.cpp): builds the Handoff from
// context.config, installs its routes and hands it to the app.
Status InstallHandoff(AppContext& context);

}  // namespace amfgate
