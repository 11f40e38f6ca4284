#include "web/handoff.h"

#include <sys/stat.h>

#include <algorithm>
#include <limits>

#include "core/log.h"
#include "core/metrics.h"
#include "gateway/builtin_services.h"
#include "gateway/catalog.h"

namespace amfgate {

namespace {

// Bounded housekeeping per app tick: a few budgets of wheel work, so a mass
// expiry is spread over ticks instead of stalling one.
constexpr int kMaxAdvanceRoundsPerTick = 4;

uint32_t ClampU32(uint64_t v) {
  return static_cast<uint32_t>(std::min<uint64_t>(v, std::numeric_limits<uint32_t>::max()));
}

bool FileExists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string WithoutTrailingSlash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

StoreLimits ToStoreLimits(const Config& config) {
  StoreLimits limits;
  limits.alias_ttl = config.alias_ttl;
  limits.session_idle = config.session_idle;
  limits.session_lifetime = config.session_lifetime;
  limits.max_sessions = ClampU32(config.max_sessions);
  limits.max_aliases = ClampU32(config.max_aliases);
  limits.max_pending_aliases = config.max_pending_aliases;
  return limits;
}

RateLimiterOptions ToRateLimiterOptions(const RateLimit& per_address, const RateLimit& total) {
  RateLimiterOptions options;
  options.address_rate = per_address.rate;
  options.address_burst = per_address.burst;
  options.global_rate = total.rate;
  options.global_burst = total.burst;
  return options;
}

Handoff::~Handoff() = default;

Status Handoff::Create(const Config& config, std::unique_ptr<Handoff>* out, HandoffHooks hooks) {
  std::unique_ptr<Handoff> h(new Handoff());
  h->hooks_ = std::move(hooks);
  if (!h->hooks_.clock) h->hooks_.clock = MonotonicNow;
  MonoTime now = h->hooks_.clock();

  Status s = Random::Open("amfgate handoff", &h->random_);
  if (!s.ok()) return s;
  s = SessionStore::Open(ToStoreLimits(config), *h->random_, now, &h->store_);
  if (!s.ok()) return s;
  s = RateLimiter::Open(ToRateLimiterOptions(config.redeem_rate_per_address, config.redeem_rate_total),
                        *h->random_, now, &h->redeem_limiter_);
  if (!s.ok()) return s;
  s = RateLimiter::Open(ToRateLimiterOptions(config.login_rate_per_address, config.login_rate_total),
                        *h->random_, now, &h->login_limiter_);
  if (!s.ok()) return s;
  s = h->LoadUsers(config);
  if (!s.ok()) return s;
  s = h->templates_.Load(config.template_dir);
  if (!s.ok()) return Status::Error(s.code(), config.PlaceOf("template_dir") + s.message());
  if (!h->templates_.Has("login") || !h->templates_.Has("app")) {
    return Status::Error(Code::kNotFound, config.PlaceOf("template_dir") + config.template_dir +
                                              ": needs login.html and app.html");
  }
  std::array<uint8_t, 32> key{};
  if (h->random_->RandomBytes(key) != Code::kOk) {
    return Status::Error(Code::kInternal, "no random bytes for the CSRF key");
  }
  h->csrf_ = std::make_unique<CsrfKey>(key);
  h->gateway_path_ = config.gateway_path;
  h->docroot_ = config.docroot;

  PagesDeps pages;
  pages.store = h->store_.get();
  pages.random = h->random_.get();
  pages.login_limiter = h->login_limiter_.get();
  pages.users = h->users_.get();
  pages.templates = &h->templates_;
  pages.clock = h->hooks_.clock;
  h->pages_ = std::make_unique<Pages>(h->MakePagesOptions(config), std::move(pages), *h->csrf_);

  GatewayDeps gateway;
  gateway.store = h->store_.get();
  gateway.random = h->random_.get();
  gateway.redeem_limiter = h->redeem_limiter_.get();
  gateway.login_limiter = h->login_limiter_.get();
  gateway.users = h->users_.get();
  gateway.clock = h->hooks_.clock;
  gateway.wall_millis = h->hooks_.wall_millis;
  h->gateway_ = std::make_unique<Gateway>(h->MakeGatewayOptions(config), std::move(gateway));
  s = RegisterBuiltinServices(*h->gateway_);
  if (!s.ok()) return s;
  s = ServiceCatalog::Process().RegisterAll(h->gateway_->services());
  if (!s.ok()) return s;

  *out = std::move(h);
  return Status::Ok();
}

Status Handoff::LoadUsers(const Config& config) {
  if (!config.users_file.empty()) {
    auto users = std::make_unique<UserDb>();
    Status s = UserDb::Load(config.users_file, users.get());
    if (!s.ok()) return Status::Error(s.code(), config.PlaceOf("users_file") + s.message());
    users_ = std::move(users);
    users_file_ = config.users_file;
    demo_password_.clear();
    return Status::Ok();
  }
  if (users_ != nullptr) {
    // A reload that drops users_file keeps the table it has: a new demo
    // password could only be told through the log, which never holds one.
    if (!users_file_.empty()) LogWarn("users_file removed; keeping %s's users until restart", users_file_.c_str());
    return Status::Ok();
  }
  // No users file at start: one demo user, with a password nobody else
  // knows, printed once at start.
  auto demo = MakeDemoUser();
  if (!demo.ok()) return Status::Error(Code::kInternal, demo.failure().reason);
  users_ = std::make_unique<UserDb>();
  users_->Put(demo->record);
  demo_password_ = demo->password;
  announcement_ = "demo user: " + demo->record.name + "  password: " + demo->password +
                  "  (no users_file configured)";
  return Status::Ok();
}

PagesOptions Handoff::MakePagesOptions(const Config& config) const {
  PagesOptions o;
  o.public_origin = WithoutTrailingSlash(config.public_origin);
  o.gateway_path = config.gateway_path;
  o.ruffle = FileExists(config.docroot + "/ruffle/ruffle.js");
  o.alias_delivery = config.alias_delivery;
  o.alias_ttl = config.alias_ttl;
  o.demo_user = demo_password_.empty() ? "" : "demo";
  return o;
}

GatewayOptions Handoff::MakeGatewayOptions(const Config& config) const {
  GatewayOptions o;
  o.public_origin = WithoutTrailingSlash(config.public_origin);
  for (const std::string& origin : config.allow_origin) o.allow_origins.push_back(WithoutTrailingSlash(origin));
  o.password_login = config.gateway_password_login;
  return o;
}

Status Handoff::Install(Router& router) {
  Status s = pages_->Install(router);
  if (!s.ok()) return s;
  Gateway* g = gateway_.get();
  return router.Exact(gateway_path_, [g](const Request& q, Response& r) { g->Handle(q, r); });
}

Status Handoff::Reload(const Config& config) {
  Status result = LoadUsers(config);  // keeps the current table on failure
  pages_->SetUsers(users_.get());
  gateway_->SetUsers(users_.get());

  Status s = Status::Ok();
  s = templates_.Load(config.template_dir);
  if (!s.ok() && result.ok()) result = Status::Error(s.code(), config.PlaceOf("template_dir") + s.message());

  s = store_->Reconfigure(ToStoreLimits(config));
  if (!s.ok() && result.ok()) result = s;
  pages_->Reconfigure(MakePagesOptions(config));
  gateway_->Reconfigure(MakeGatewayOptions(config));
  if (config.gateway_path != gateway_path_) {
    LogWarn("gateway_path changes need a restart; still serving %s", gateway_path_.c_str());
  }
  return result;
}

void Handoff::Tick(MonoTime now) {
  for (int i = 0; i < kMaxAdvanceRoundsPerTick; ++i) {
    if (!store_->Advance(now).more) break;
  }
}

void Handoff::AppendMetrics(MetricsWriter& out) const {
  StoreCounts c = store_->Counts();
  out.Family("amfgate_sessions", MetricType::kGauge, "Live sessions by kind.");
  out.Sample({{"kind", "page"}}, c.page_sessions);
  out.Sample({{"kind", "gateway"}}, c.gateway_sessions);
  out.Gauge("amfgate_aliases_pending", "Aliases minted and not yet redeemed or expired.", c.pending_aliases);
  out.Gauge("amfgate_alias_tombstones", "Redeemed aliases kept until their deadline to detect replays.",
            c.alias_tombstones);
  const GatewayStats& g = gateway_->stats();
  out.Counter("amfgate_gateway_requests_total", "AMF requests that reached the gateway.", g.requests);
  out.Counter("amfgate_gateway_malformed_total", "AMF requests refused as malformed (400).", g.malformed);
  out.Counter("amfgate_gateway_faults_total", "Bodies answered with a fault.", g.faults);
  out.Counter("amfgate_redemptions_total", "Successful alias redemptions.", g.redemptions);
  out.Counter("amfgate_redemption_failures_total", "Failed alias redemptions.", g.redemption_failures);
  out.Counter("amfgate_alias_replays_total", "Replays of a redeemed alias (security events).", g.replays);
  out.Counter("amfgate_gateway_rate_limited_total", "Gateway calls refused by a rate limit.", g.rate_limited);
  const PagesStats& p = pages_->stats();
  out.Counter("amfgate_logins_total", "Successful page logins.", p.logins);
  out.Counter("amfgate_login_failures_total", "Failed page logins.", p.login_failures);
  out.Counter("amfgate_csrf_failures_total", "Page POSTs refused by the CSRF or Origin check.", p.csrf_failures);
  out.Counter("amfgate_aliases_minted_total", "Aliases minted by the app page.", p.aliases_minted);
}

Status InstallHandoff(AppContext& context) {
  std::unique_ptr<Handoff> handoff;
  Status s = Handoff::Create(*context.config, &handoff);
  if (!s.ok()) return s;
  s = handoff->Install(*context.router);
  if (!s.ok()) return s;
  if (!handoff->announcement().empty()) context.Announce(handoff->announcement());
  context.Add(std::move(handoff));
  return Status::Ok();
}

}  // namespace amfgate
