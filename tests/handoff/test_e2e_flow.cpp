// The handoff end to end against the real binary, over TLS and plain HTTP,
// as a browser (curl) and an AMF client would act.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "harness.h"

using namespace amfgate::e2e;

namespace {

struct Page {
  std::string alias;
  std::string cookie_name;
  std::string logout_csrf;
  HttpReply app;
};

std::string Jar(const ServerProcess& s, const char* name) { return s.dir() + "/" + name + ".jar"; }

void Login(ServerProcess& s, Curl& browser) {
  HttpReply form = browser.Get(s.origin() + "/login");
  REQUIRE(form.status == 200);
  std::string csrf = FormCsrf(form.body);
  REQUIRE(csrf.size() == 43);
  HttpReply done = browser.PostForm(s.origin() + "/login",
                                    "username=demo&password=" + s.demo_password() + "&csrf=" + csrf, s.origin());
  REQUIRE(done.status == 303);
  CHECK(done.Header("Location") == "/app");
}

Page OpenApp(ServerProcess& s, Curl& browser) {
  Page p;
  p.app = browser.Get(s.origin() + "/app");
  REQUIRE(p.app.status == 200);
  auto cookie = p.app.CookieStartingWith("a_");
  REQUIRE(cookie.has_value());
  p.cookie_name = cookie->first;
  p.alias = cookie->second;
  RememberToken(p.alias);
  p.logout_csrf = FormCsrf(p.app.body);
  return p;
}

std::unique_ptr<AmfReply> Call(ServerProcess& s, Curl& client, const std::vector<AmfCall>& calls) {
  HttpReply r = client.PostBinary(s.origin() + "/gateway", Packet(calls), "application/x-amf");
  REQUIRE(r.status == 200);
  CHECK(r.Header("Content-Type") == "application/x-amf");
  CHECK(r.Header("Cache-Control") == "no-store");
  auto d = ParseAmf(r.body);
  REQUIRE(d->ok);
  return d;
}

// One AMF exchange on a fresh plain connection with the given cookie header.
std::unique_ptr<AmfReply> RawCall(ServerProcess& s, const std::vector<AmfCall>& calls, const std::string& cookie,
                                  HttpReply* http = nullptr) {
  RawConnection c(s.port());
  REQUIRE(c.ok());
  REQUIRE(c.SendAll(AmfRequest("/gateway", Packet(calls), cookie)));
  HttpReply r;
  REQUIRE(c.ReadReply(&r));
  if (http != nullptr) *http = r;
  REQUIRE(r.status == 200);
  return ParseAmf(r.body);
}

std::string GatewayCookie(const HttpReply& r) {
  auto c = r.CookieStartingWith("gsid=");
  return c ? "gsid=" + c->second : "";
}

}  // namespace

TEST_CASE("the whole handoff over HTTPS and over plain HTTP: login, app, redeem, whoami, logout") {
  for (bool tls : {true, false}) {
    CAPTURE(tls);
    ServerProcess s(tls);
    Curl browser(Jar(s, "browser"));
    Curl client(Jar(s, "client"));  // the embedded client does not share the browser's cookies
    Login(s, browser);
    std::string page_cookie = tls ? "__Host-sid" : "sid";
    std::string gateway_cookie = tls ? "__Host-gsid" : "gsid";
    CHECK(browser.CookieValue(page_cookie).size() == 43);

    Page p = OpenApp(s, browser);
    CHECK(p.app.Header("Cache-Control") == "no-store");
    CHECK(p.app.body.find("randomcookie=" + p.cookie_name) != std::string::npos);
    std::string encoded_origin = s.origin();
    for (auto [from, to] : {std::pair<std::string, std::string>{":", "%3A"}, {"/", "%2F"}}) {
      for (size_t at = encoded_origin.find(from); at != std::string::npos; at = encoded_origin.find(from, at + 3)) {
        encoded_origin.replace(at, 1, to);
      }
    }
    CHECK(p.app.body.find("gateway=" + encoded_origin + "%2Fgateway") != std::string::npos);
    std::string set = p.app.Header("Set-Cookie");
    CHECK(set == p.cookie_name + "=" + p.alias + "; Max-Age=30; Path=/" + (tls ? "; Secure" : "") + "; SameSite=Strict");

    auto redeemed = Call(s, client, {{"auth.loginByAlias", {p.alias}}});
    REQUIRE(redeemed->IsResult(0));
    CHECK(redeemed->Member(0, "user") == "demo");
    CHECK(redeemed->Member(0, "session_expires") == "1800");
    std::string gsid = client.CookieValue(gateway_cookie);
    CHECK(gsid.size() == 43);
    CHECK(gsid != browser.CookieValue(page_cookie));
    RememberToken(gsid);
    RememberToken(browser.CookieValue(page_cookie));

    CHECK(Call(s, client, {{"auth.whoami", {}}})->String(0) == "demo");
    HttpReply out = browser.PostForm(s.origin() + "/logout", "csrf=" + p.logout_csrf, s.origin());
    CHECK(out.status == 303);
    CHECK(Call(s, client, {{"auth.whoami", {}}})->Fault(0) == "Auth.Required");
    s.Stop();
  }
}

TEST_CASE("text/plain, other methods and cross-origin POSTs to the gateway are refused") {
  ServerProcess s(true);
  Curl c(Jar(s, "c"));
  std::string packet = Packet({{"echo.echo", {"x"}}});
  CHECK(c.PostBinary(s.origin() + "/gateway", packet, "text/plain").status == 415);
  CHECK(c.PostBinary(s.origin() + "/gateway", packet, "application/x-www-form-urlencoded").status == 415);
  CHECK(c.Get(s.origin() + "/gateway").status == 405);
  CHECK(c.PostBinary(s.origin() + "/gateway", packet, "application/x-amf", {"-H", "Origin: https://evil.example"}).status == 403);
  HttpReply own = c.PostBinary(s.origin() + "/gateway", packet, "application/x-amf", {"-H", "Origin: " + s.origin()});
  CHECK(own.status == 200);
  // A malformed packet: 400, and the server carries on.
  CHECK(c.PostBinary(s.origin() + "/gateway", packet.substr(0, 9), "application/x-amf").status == 400);
  CHECK(c.PostBinary(s.origin() + "/gateway", packet, "application/x-amf").status == 200);
}

TEST_CASE("a replayed alias faults and revokes the session it created, with a security log line") {
  ServerProcess s(false);
  Curl browser(Jar(s, "browser"));
  Login(s, browser);
  Page p = OpenApp(s, browser);
  HttpReply first_http;
  auto first = RawCall(s, {{"loginByAlias", {p.alias}}}, "", &first_http);
  REQUIRE(first->IsResult(0));
  std::string cookie = GatewayCookie(first_http);
  RememberToken(cookie.substr(5));
  CHECK(RawCall(s, {{"auth.whoami", {}}}, cookie)->String(0) == "demo");
  CHECK(RawCall(s, {{"auth.loginByAlias", {p.alias}}}, "")->Fault(0) == "Auth.AliasInvalid");
  CHECK(RawCall(s, {{"auth.whoami", {}}}, cookie)->Fault(0) == "Auth.Required");
  std::string logs = s.Logs();
  CHECK(logs.find("event=alias_replay") != std::string::npos);
}

TEST_CASE("logout revokes the page's gateway sessions and its pending aliases at once") {
  ServerProcess s(false);
  Curl browser(Jar(s, "browser"));
  Login(s, browser);
  Page used = OpenApp(s, browser);
  Page pending = OpenApp(s, browser);
  HttpReply http;
  REQUIRE(RawCall(s, {{"auth.loginByAlias", {used.alias}}}, "", &http)->IsResult(0));
  std::string cookie = GatewayCookie(http);
  RememberToken(cookie.substr(5));
  CHECK(browser.PostForm(s.origin() + "/logout", "csrf=" + pending.logout_csrf, s.origin()).status == 303);
  CHECK(RawCall(s, {{"auth.whoami", {}}}, cookie)->Fault(0) == "Auth.Required");
  CHECK(RawCall(s, {{"auth.loginByAlias", {pending.alias}}}, "")->Fault(0) == "Auth.AliasInvalid");
  CHECK(browser.Get(s.origin() + "/app").status == 303);
}

TEST_CASE("an alias is useless past its TTL, in real time") {
  ServerProcess s(false, {"--alias_ttl", "1"});
  Curl browser(Jar(s, "browser"));
  Login(s, browser);
  Page late = OpenApp(s, browser);
  CHECK(late.app.Header("Set-Cookie").find("; Max-Age=1;") != std::string::npos);
  Page fresh = OpenApp(s, browser);
  CHECK(RawCall(s, {{"auth.loginByAlias", {fresh.alias}}}, "")->IsResult(0));
  // The in-process tests (tests/gateway) check the edge to the millisecond on
  // a manual clock; here the wall clock only has to be clearly past it.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  CHECK(RawCall(s, {{"auth.loginByAlias", {late.alias}}}, "")->Fault(0) == "Auth.AliasInvalid");
}

TEST_CASE("aliases and session ids are not interchangeable, and forged ids are never adopted") {
  ServerProcess s(false);
  Curl browser(Jar(s, "browser"));
  Login(s, browser);
  std::string sid = browser.CookieValue("sid");
  RememberToken(sid);
  Page p = OpenApp(s, browser);
  CHECK(RawCall(s, {{"auth.whoami", {}}}, "gsid=" + p.alias)->Fault(0) == "Auth.Required");
  CHECK(RawCall(s, {{"auth.whoami", {}}}, "gsid=" + sid)->Fault(0) == "Auth.Required");
  CHECK(RawCall(s, {{"auth.loginByAlias", {sid}}}, "")->Fault(0) == "Auth.AliasInvalid");
  HttpReply http;
  REQUIRE(RawCall(s, {{"auth.loginByAlias", {p.alias}}}, "", &http)->IsResult(0));
  std::string gsid = GatewayCookie(http).substr(5);
  RememberToken(gsid);
  Curl stranger(Jar(s, "stranger"));
  CHECK(stranger.Get(s.origin() + "/app", {"-H", "Cookie: sid=" + gsid}).status == 303);
  std::string forged(43, 'Q');
  HttpReply forged_http;
  CHECK(RawCall(s, {{"auth.whoami", {}}}, "gsid=" + forged, &forged_http)->Fault(0) == "Auth.Required");
  CHECK(forged_http.All("Set-Cookie").empty());
  CHECK(stranger.Get(s.origin() + "/app", {"-H", "Cookie: sid=" + forged}).status == 303);
}
