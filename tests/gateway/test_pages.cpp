// The login, app and logout pages: CSRF, generic failures, rate limits,
// security headers, the page as a person without JavaScript gets it.
#include <doctest/doctest.h>

#include "rig.h"

using namespace amfgate;
using namespace amfgate::testing;

namespace {

Reply PostLogin(Rig& rig, Browser& b, const std::string& body, const std::string& origin) {
  std::vector<std::pair<std::string, std::string>> h = {{"Content-Type", "application/x-www-form-urlencoded"}};
  if (!origin.empty()) h.emplace_back("Origin", origin);
  return rig.Send("POST", "/login", body, h, &b);
}

std::string Csrf(const std::string& html) {
  size_t a = html.find("name=\"csrf\" value=\"");
  if (a == std::string::npos) return "";
  a += 19;
  return html.substr(a, html.find('"', a) - a);
}

}  // namespace

TEST_CASE("the login form sets a CSRF cookie, is no-store and cannot be framed") {
  Rig rig;
  Browser b;
  Reply form = rig.Send("GET", "/login", {}, {}, &b);
  CHECK(form.status == 200);
  CHECK(form.content_type.rfind("text/html", 0) == 0);
  CHECK(form.Header("Cache-Control") == "no-store");
  CHECK(form.Header("Content-Security-Policy").find("frame-ancestors 'none'") != std::string::npos);
  // Under no-referrer a browser sends Origin: null on its own form POSTs.
  CHECK(form.Header("Referrer-Policy") == "same-origin");
  std::string cookie = form.Header("Set-Cookie");
  CHECK(cookie.rfind("__Host-csrf=", 0) == 0);
  CHECK(cookie.find("; Path=/; Secure; HttpOnly; SameSite=Strict") != std::string::npos);
  CHECK(Csrf(form.body).size() == 43);
  CHECK(form.body.find("<form method=\"post\" action=\"/login\">") != std::string::npos);
  CHECK(form.body.find("<script") == std::string::npos);  // works without JavaScript
}

TEST_CASE("a login without the right CSRF token, or from another origin, is refused") {
  Rig rig;
  Browser b;
  Reply form = rig.Send("GET", "/login", {}, {}, &b);
  std::string csrf = Csrf(form.body);
  std::string creds = "username=demo&password=" + rig.password();
  CHECK(PostLogin(rig, b, creds, rig.origin()).status == 403);                      // no token
  CHECK(PostLogin(rig, b, creds + "&csrf=" + std::string(43, 'A'), rig.origin()).status == 403);
  CHECK(PostLogin(rig, b, creds + "&csrf=" + csrf, "https://evil.example").status == 403);
  Browser attacker;  // has a token of its own but not the victim's cookie
  Reply other = rig.Send("GET", "/login", {}, {}, &attacker);
  CHECK(PostLogin(rig, b, creds + "&csrf=" + Csrf(other.body), rig.origin()).status == 403);
  CHECK(rig.Send("POST", "/login", creds + "&csrf=" + csrf, {{"Content-Type", "text/plain"}}, &b).status == 415);
  CHECK_FALSE(b.Get("__Host-sid").has_value());
  Reply ok = PostLogin(rig, b, creds + "&csrf=" + csrf, "");  // no Origin header at all is fine
  CHECK(ok.status == 303);
  CHECK(b.Get("__Host-sid").has_value());
}

TEST_CASE("a failed login says the same for an unknown user and a wrong password, with 401") {
  Rig rig;
  Browser b;
  Reply wrong = rig.Login(b, "demo", "not-the-password");
  Reply unknown = rig.Login(b, "nobody", "whatever");
  CHECK(wrong.status == 401);
  CHECK(unknown.status == 401);
  CHECK(wrong.body.find("Wrong user name or password.") != std::string::npos);
  auto strip = [](std::string s) {
    size_t a = s.find("name=\"csrf\" value=\"");
    return s.erase(a, 19 + 43);
  };
  CHECK(strip(wrong.body) == strip(unknown.body));
  CHECK(wrong.body.find("nobody") == std::string::npos);
  CHECK(unknown.body.find("nobody") == std::string::npos);
}

TEST_CASE("password login on the page is rate-limited per address, with Retry-After") {
  Config c;
  c.login_rate_per_address = {0.01, 2};
  Rig rig(c);
  Browser b;
  CHECK(rig.Login(b, "demo", "x").status == 401);
  CHECK(rig.Login(b, "demo", "y").status == 401);
  Reply limited = rig.Login(b, "demo", rig.password());
  CHECK(limited.status == 429);
  CHECK(std::stoi(limited.Header("Retry-After")) >= 1);
}

TEST_CASE("the app page needs a page session and a visitor with one skips the login form") {
  Rig rig;
  Browser b;
  Reply app = rig.Send("GET", "/app", {}, {}, &b);
  CHECK(app.status == 303);
  CHECK(app.Header("Location") == "/login");
  rig.Login(b, "demo", rig.password());
  Reply again = rig.Send("GET", "/login", {}, {}, &b);
  CHECK(again.status == 303);
  CHECK(again.Header("Location") == "/app");
  CHECK(rig.Send("POST", "/app", "", {}, &b).status == 405);
}

TEST_CASE("the app page passes the absolute gateway URL from public_origin, never from Host") {
  Config c;
  c.public_origin = "https://app.example:9443";
  Rig rig(c);
  Browser b;
  rig.Login(b, "demo", rig.password());
  Reply app = rig.Send("GET", "/app", {}, {{"Host", "evil.example"}}, &b);
  REQUIRE(app.status == 200);
  CHECK(app.body.find("gateway=https%3A%2F%2Fapp.example%3A9443%2Fgateway") != std::string::npos);
  CHECK(app.body.find("evil.example") == std::string::npos);
  CHECK(app.body.find("data=\"https://app.example:9443/amfgate.swf\"") != std::string::npos);
  CHECK(app.body.find("<object type=\"application/x-shockwave-flash\"") != std::string::npos);
  CHECK(app.body.find("<form method=\"post\" action=\"/logout\">") != std::string::npos);
}

TEST_CASE("logout needs its CSRF token and ends the page session") {
  Rig rig;
  Browser b;
  rig.Login(b, "demo", rig.password());
  rig.MintAlias(b);
  std::string token = b.page_csrf;
  b.page_csrf = std::string(43, 'A');
  CHECK(rig.Logout(b).status == 403);
  CHECK(rig.Send("GET", "/app", {}, {}, &b).status == 200);
  b.page_csrf = token;
  Reply cross = rig.Send("POST", "/logout", "csrf=" + token,
                         {{"Content-Type", "application/x-www-form-urlencoded"}, {"Origin", "https://evil.example"}}, &b);
  CHECK(cross.status == 403);
  Reply out = rig.Logout(b);
  CHECK(out.status == 303);
  CHECK(out.Header("Set-Cookie") == "__Host-sid=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Strict");
  CHECK(rig.Send("GET", "/logout", {}, {}, &b).status == 405);
}
