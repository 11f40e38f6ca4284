// examples/embed.cpp, built by `make`, run as a user would run it: the whole
// server inside another program, with that program's own services.
#include <doctest/doctest.h>

#include <cstdlib>

#include "harness.h"

using namespace amfgate::e2e;

TEST_CASE("the embedding example serves its own services next to the built-in ones") {
  const char* build = std::getenv("AMFGATE_BUILD");
  ServerProcess s(false, {}, std::string(build != nullptr ? build : "build") + "/examples/embed");
  auto call = [&](const std::vector<AmfCall>& calls, const std::string& cookie, HttpReply* http = nullptr) {
    RawConnection c(s.port());
    REQUIRE(c.ok());
    REQUIRE(c.SendAll(AmfRequest("/gateway", Packet(calls), cookie)));
    HttpReply r;
    REQUIRE(c.ReadReply(&r));
    REQUIRE(r.status == 200);
    if (http != nullptr) *http = r;
    return ParseAmf(r.body);
  };
  // appliance.add takes numbers; strings are refused with its own fault.
  auto bad = call({{"appliance.add", {"1", "2"}}}, "");
  CHECK(bad->Fault(0) == "Appliance.BadArguments");
  CHECK(call({{"appliance.status", {}}}, "")->Fault(0) == "Auth.Required");
  CHECK(call({{"echo.echo", {"built-in"}}}, "")->String(0) == "built-in");

  Curl browser(s.dir() + "/browser.jar");
  std::string csrf = FormCsrf(browser.Get(s.origin() + "/login").body);
  REQUIRE(browser.PostForm(s.origin() + "/login", "username=demo&password=" + s.demo_password() + "&csrf=" + csrf,
                           s.origin()).status == 303);
  auto alias = browser.Get(s.origin() + "/app").CookieStartingWith("a_");
  REQUIRE(alias.has_value());
  RememberToken(alias->second);
  HttpReply http;
  auto status = call({{"auth.loginByAlias", {alias->second}}, {"appliance.status", {}}}, "", &http);
  REQUIRE(status->IsResult(1));
  CHECK(status->Member(1, "user") == "demo");
  CHECK(status->Member(1, "status_calls") == "1");
  auto gsid = http.CookieStartingWith("gsid=");
  REQUIRE(gsid.has_value());
  RememberToken(gsid->second);
  CHECK(call({{"appliance.status", {}}}, "gsid=" + gsid->second)->Member(0, "status_calls") == "2");
}
