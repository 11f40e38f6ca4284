// The server side shared by the handoff fuzz targets: a Handoff (pages and
// gateway, web/handoff.h) built from a Config whose templates and users file
// live in a scratch directory, with its routes on a Router and the clock the
// caller passes (a ManualClock's). Limits are small so that a short fuzz
// program reaches every cap, TTL and rate limit: aliases live 3 s, sessions
// 4 s idle and 8 s in all, 24 sessions and aliases in total, 3 pending
// aliases per page session, password login through the gateway is on.
// Header-only; each target includes it once.
#pragma once

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/config.h"
#include "fuzz_check.h"
#include "handoff_client.h"
#include "net/router.h"
#include "web/handoff.h"
#include "web/users.h"

namespace amfgate::fuzz {

inline constexpr Duration kAliasTtl = 3 * kSecond;
inline constexpr Duration kSessionIdle = 4 * kSecond;
inline constexpr Duration kSessionLifetime = 8 * kSecond;
inline constexpr std::string_view kUser = "demo";
inline constexpr std::string_view kPassword = "demo-password";

class HandoffRig {
 public:
  explicit HandoffRig(std::function<MonoTime()> clock) {
    char path[] = "/tmp/amfgate-fuzz-handoff-XXXXXX";
    FUZZ_CHECK(mkdtemp(path) != nullptr);
    dir_ = path;
    FUZZ_CHECK(mkdir((dir_ + "/templates").c_str(), 0700) == 0);
    // The templates hold every value the pages set, and the form fields a
    // client reads back (the CSRF token, the flashvars).
    Write("templates/login.html",
          "<form method=\"post\" action=\"{{action}}\"><input type=\"hidden\" name=\"csrf\" "
          "value=\"{{csrf}}\">{{#error}}<p>{{error}}</p>{{/error}}"
          "{{#demo_user}}{{demo_user}}{{/demo_user}}</form>\n");
    Write("templates/app.html",
          "<p>{{user}}</p><param name=\"flashvars\" value=\"{{flashvars}}\">{{gateway_url}}"
          "{{swf_url}}{{cookie_name}}{{alias_ttl}}{{#ruffle}}{{ruffle_url}}{{/ruffle}}"
          "<form method=\"post\" action=\"{{logout_action}}\">"
          "<input type=\"hidden\" name=\"csrf\" value=\"{{csrf}}\"></form>\n");
    // The lowest iteration count the users file accepts keeps a login near 1 ms.
    Write("users",
          UserRecord::Make(kUser, kPassword, kMinPbkdf2Iterations, "fuzz-handoff-salt").Format() +
              "\n");

    Config config;
    config.template_dir = dir_ + "/templates";
    config.users_file = dir_ + "/users";
    config.docroot = dir_;
    config.public_origin = std::string(kOrigin);
    config.allow_origin = {std::string(kPartner)};
    config.gateway_password_login = true;
    config.alias_ttl = kAliasTtl;
    config.session_idle = kSessionIdle;
    config.session_lifetime = kSessionLifetime;
    config.max_sessions = 24;
    config.max_aliases = 24;
    config.max_pending_aliases = 3;
    config.redeem_rate_per_address = {1, 6};
    config.redeem_rate_total = {2, 12};
    config.login_rate_per_address = {0.2, 3};
    config.login_rate_total = {0.2, 4};
    HandoffHooks hooks;
    hooks.clock = std::move(clock);
    hooks.wall_millis = [] { return 1.7e12; };
    FUZZ_CHECK(Handoff::Create(config, &handoff_, hooks).ok());
    FUZZ_CHECK(handoff_->Install(router_).ok());
  }
  ~HandoffRig() {
    nftw(
        dir_.c_str(), [](const char* path, const struct stat*, int, FTW*) { return remove(path); },
        8, FTW_DEPTH | FTW_PHYS);
  }
  HandoffRig(const HandoffRig&) = delete;
  HandoffRig& operator=(const HandoffRig&) = delete;

  Handoff& handoff() { return *handoff_; }
  const Router& router() const { return router_; }

 private:
  void Write(const std::string& name, std::string_view text) {
    FILE* f = fopen((dir_ + "/" + name).c_str(), "wb");
    FUZZ_CHECK(f != nullptr && fwrite(text.data(), 1, text.size(), f) == text.size() &&
               fclose(f) == 0);
  }

  std::string dir_;
  std::unique_ptr<Handoff> handoff_;
  Router router_;
};

}  // namespace amfgate::fuzz
