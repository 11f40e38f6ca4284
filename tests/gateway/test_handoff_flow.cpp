// The handoff through the real handlers, in process, on a manual clock.
#include <doctest/doctest.h>
#include <mbedtls/sha256.h>

#include "rig.h"
#include "store/token.h"

using namespace amfgate;
using namespace amfgate::testing;

namespace {

amf::Value Str(std::string_view s) { return amf::Value::String(s); }

Config SmallConfig() {
  Config c;
  c.alias_ttl = kSecond;
  c.max_pending_aliases = 4;
  return c;
}

std::string RedeemPacket(const std::string& alias) {
  return BuildPacket({{"auth.loginByAlias", {Str(alias)}}});
}
std::string WhoamiPacket() { return BuildPacket({{"auth.whoami", {}}}); }

}  // namespace

TEST_CASE("login, app page, redemption, whoami, logout, and whoami failing after it") {
  Rig rig(SmallConfig());
  Browser page;
  Reply login = rig.Login(page, "demo", rig.password());
  CHECK(login.status == 303);
  CHECK(login.Header("Location") == "/app");
  CHECK(login.Header("Cache-Control") == "no-store");
  REQUIRE(page.Get("__Host-sid").has_value());

  Reply app;
  std::string alias = rig.MintAlias(page, &app);
  CHECK(app.status == 200);
  CHECK(app.Header("Cache-Control") == "no-store");
  CHECK(app.Header("Content-Security-Policy").find("frame-ancestors 'none'") != std::string::npos);
  CHECK(app.body.find("https%3A%2F%2F127.0.0.1%3A8443%2Fgateway") != std::string::npos);
  CHECK(ParseToken(alias).ok());

  Browser client;  // the embedded client: its own cookie jar
  Reply redeemed = rig.Amf(RedeemPacket(alias), &client);
  CHECK(redeemed.status == 200);
  CHECK(redeemed.content_type == "application/x-amf");
  CHECK(redeemed.Header("Cache-Control") == "no-store");
  auto d = Decode(redeemed);
  REQUIRE(d->ok);
  REQUIRE(d->IsResult(0));
  const amf::Object* result = d->body(0).value.AsObject();
  REQUIRE(result != nullptr);
  CHECK(result->Find("user")->AsString() == "demo");
  CHECK(result->Find("session_expires")->AsNumber() == doctest::Approx(1800));
  auto gsid = client.Get("__Host-gsid");
  REQUIRE(gsid.has_value());
  CHECK(*gsid != *page.Get("__Host-sid"));  // a new session, never the page's id

  auto who = Decode(rig.Amf(WhoamiPacket(), &client));
  CHECK(who->StringResult(0) == "demo");

  Reply out = rig.Logout(page);
  CHECK(out.status == 303);
  CHECK(out.Header("Location") == "/login");
  CHECK_FALSE(page.Get("__Host-sid").has_value());
  auto after = Decode(rig.Amf(WhoamiPacket(), &client));
  CHECK(after->FaultCode(0) == "Auth.Required");
}

TEST_CASE("cookies carry exactly the attributes of the spec, on HTTPS and on a plain listener") {
  for (bool tls : {true, false}) {
    CAPTURE(tls);
    Rig rig(SmallConfig(), tls);
    Browser page;
    Reply login = rig.Login(page, "demo", rig.password());
    std::string sid = login.Header("Set-Cookie");
    std::string prefix = tls ? "__Host-" : "";
    std::string secure = tls ? "; Secure" : "";
    std::string token = sid.substr(sid.find('=') + 1, 43);
    CHECK(sid == prefix + "sid=" + token + "; Max-Age=43200; Path=/" + secure +
                     "; HttpOnly; SameSite=Strict");
    Reply app;
    std::string alias = rig.MintAlias(page, &app);
    std::string cookie = app.Header("Set-Cookie");
    CHECK(cookie.rfind("a_", 0) == 0);
    std::string name = cookie.substr(0, cookie.find('='));
    CHECK(name.size() == 24);
    CHECK(cookie == name + "=" + alias + "; Max-Age=1; Path=/" + secure + "; SameSite=Strict");
    Browser client;
    Reply redeemed = rig.Amf(RedeemPacket(alias), &client);
    std::string gsid = redeemed.Header("Set-Cookie");
    CHECK(gsid == prefix + "gsid=" + *client.Get(prefix + "gsid") + "; Max-Age=43200; Path=/" +
                      secure + "; HttpOnly; SameSite=Strict");
    CHECK(gsid.find("Domain") == std::string::npos);
  }
}

TEST_CASE("the cookie name is random per page load") {
  Rig rig(SmallConfig());
  Browser page;
  rig.Login(page, "demo", rig.password());
  Reply a, b;
  rig.MintAlias(page, &a);
  rig.MintAlias(page, &b);
  CHECK(a.Header("Set-Cookie").substr(0, 24) != b.Header("Set-Cookie").substr(0, 24));
}

TEST_CASE("alias_delivery flashvars puts the alias in the page and sets no alias cookie") {
  Config c = SmallConfig();
  c.alias_delivery = AliasDelivery::kFlashvars;
  Rig rig(c);
  Browser page;
  rig.Login(page, "demo", rig.password());
  Reply app;
  std::string alias = rig.MintAlias(page, &app);
  CHECK(app.All("Set-Cookie").empty());
  CHECK(app.Header("Cache-Control") == "no-store");
  Browser client;
  CHECK(Decode(rig.Amf(RedeemPacket(alias), &client))->IsResult(0));
}

TEST_CASE("an alias redeems exactly once, and a replay revokes the session it created") {
  Rig rig(SmallConfig());
  Browser page, first, second;
  rig.Login(page, "demo", rig.password());
  std::string alias = rig.MintAlias(page);
  CHECK(Decode(rig.Amf(RedeemPacket(alias), &first))->IsResult(0));
  CHECK(Decode(rig.Amf(WhoamiPacket(), &first))->StringResult(0) == "demo");
  auto replay = Decode(rig.Amf(RedeemPacket(alias), &second));
  CHECK(replay->FaultCode(0) == "Auth.AliasInvalid");
  CHECK_FALSE(second.Get("__Host-gsid").has_value());
  CHECK(Decode(rig.Amf(WhoamiPacket(), &first))->FaultCode(0) == "Auth.Required");
  bool logged = false;
  for (const std::string& line : rig.log_lines()) {
    if (line.find("security event=alias_replay") != std::string::npos) {
      logged = true;
      CHECK(line.find(alias) == std::string::npos);
      CHECK(line.find("alias=") != std::string::npos);
    }
  }
  CHECK(logged);
}

TEST_CASE("fifty bodies redeeming one alias in one packet create exactly one session") {
  Rig rig(SmallConfig());
  Browser page, client;
  rig.Login(page, "demo", rig.password());
  std::string alias = rig.MintAlias(page);
  std::vector<Call> calls;
  for (int i = 0; i < 50; ++i)
    calls.push_back({i % 2 ? "auth.loginByAlias" : "loginByAlias", {Str(alias)}});
  auto d = Decode(rig.Amf(BuildPacket(calls), &client));
  REQUIRE(d->ok);
  REQUIRE(d->packet.bodies.size() == 50);
  int ok = 0;
  for (size_t i = 0; i < 50; ++i) {
    CHECK(d->body(i).target ==
          "/" + std::to_string(i + 1) + (d->IsResult(i) ? "/onResult" : "/onStatus"));
    if (d->IsResult(i)) ++ok;
  }
  CHECK(ok == 1);
  CHECK(rig.handoff().store().Counts().gateway_sessions <= 1);
}

TEST_CASE("a session created by one body is seen by the next bodies of the same packet") {
  Rig rig(SmallConfig());
  Browser page, client;
  rig.Login(page, "demo", rig.password());
  std::string alias = rig.MintAlias(page);
  auto d = Decode(rig.Amf(
      BuildPacket({{"auth.whoami", {}}, {"auth.loginByAlias", {Str(alias)}}, {"auth.whoami", {}}}),
      &client));
  CHECK(d->FaultCode(0) == "Auth.Required");
  CHECK(d->IsResult(1));
  CHECK(d->StringResult(2) == "demo");
}

TEST_CASE("names answered before a logout in the same packet are still whole in the reply") {
  // The replies view the user name where the store keeps it rather than
  // copying it: the session ending before the reply is encoded must not
  // matter (ASan would see a freed name).
  Rig rig(SmallConfig());
  Browser page, client;
  rig.Login(page, "demo", rig.password());
  std::string alias = rig.MintAlias(page);
  auto d = Decode(rig.Amf(BuildPacket({{"auth.loginByAlias", {Str(alias)}},
                                       {"auth.whoami", {}},
                                       {"auth.logout", {}},
                                       {"auth.whoami", {}}}),
                          &client));
  REQUIRE(d->ok);
  CHECK(d->body(0).value.AsObject()->Find("user")->AsString() == "demo");
  CHECK(d->StringResult(1) == "demo");
  CHECK(d->IsResult(2));
  CHECK(d->FaultCode(3) == "Auth.Required");
}

TEST_CASE("an alias works until its TTL and fails 1 ms after it") {
  Rig rig(SmallConfig());  // alias_ttl 1 s; the clock moves in whole store ticks before minting
  Browser page;
  rig.Login(page, "demo", rig.password());
  std::string early = rig.MintAlias(page);
  rig.clock().Advance(kSecond - kMillisecond);
  Browser a;
  CHECK(Decode(rig.Amf(RedeemPacket(early), &a))->IsResult(0));

  rig.clock().Advance(kMillisecond);  // back on a 2 ms tick boundary
  std::string late = rig.MintAlias(page);
  rig.clock().Advance(kSecond + kMillisecond);
  Browser b;
  CHECK(Decode(rig.Amf(RedeemPacket(late), &b))->FaultCode(0) == "Auth.AliasInvalid");
}

TEST_CASE("logout revokes the gateway sessions and the pending aliases of the page session") {
  Rig rig(SmallConfig());
  Browser page, client;
  rig.Login(page, "demo", rig.password());
  std::string used = rig.MintAlias(page);
  std::string pending1 = rig.MintAlias(page);
  std::string pending2 = rig.MintAlias(page);
  CHECK(Decode(rig.Amf(RedeemPacket(used), &client))->IsResult(0));
  CHECK(rig.Logout(page).status == 303);
  CHECK(Decode(rig.Amf(WhoamiPacket(), &client))->FaultCode(0) == "Auth.Required");
  Browser other;
  CHECK(Decode(rig.Amf(RedeemPacket(pending1), &other))->FaultCode(0) == "Auth.AliasInvalid");
  CHECK(Decode(rig.Amf(RedeemPacket(pending2), &other))->FaultCode(0) == "Auth.AliasInvalid");
  CHECK(rig.handoff().store().Counts().gateway_sessions == 0);
}

TEST_CASE("an alias is no session id, a session id is no alias, and forged ids are never adopted") {
  Rig rig(SmallConfig());
  Browser page, client;
  rig.Login(page, "demo", rig.password());
  std::string sid = *page.Get("__Host-sid");
  std::string alias = rig.MintAlias(page);

  Browser alias_as_session;
  alias_as_session.Set("__Host-gsid", alias);
  auto d = Decode(rig.Amf(WhoamiPacket(), &alias_as_session));
  CHECK(d->FaultCode(0) == "Auth.Required");

  Browser page_id_as_gateway;
  page_id_as_gateway.Set("__Host-gsid", sid);
  CHECK(Decode(rig.Amf(WhoamiPacket(), &page_id_as_gateway))->FaultCode(0) == "Auth.Required");

  CHECK(Decode(rig.Amf(RedeemPacket(sid), &client))->FaultCode(0) == "Auth.AliasInvalid");
  CHECK(Decode(rig.Amf(RedeemPacket(alias), &client))
            ->IsResult(0));  // still pending: the sid attempt did not touch it
  std::string gsid = *client.Get("__Host-gsid");

  Browser gsid_as_page;
  gsid_as_page.Set("__Host-sid", gsid);
  Reply app = rig.Send("GET", "/app", {}, {}, &gsid_as_page);
  CHECK(app.status == 303);
  CHECK(app.Header("Location") == "/login");

  Browser forged;
  const std::string fake(43, 'A');
  forged.Set("__Host-gsid", fake);
  Reply r = rig.Amf(WhoamiPacket(), &forged);
  CHECK(Decode(r)->FaultCode(0) == "Auth.Required");
  CHECK(r.All("Set-Cookie").empty());
  Browser forged_page;
  forged_page.Set("__Host-sid", fake);
  CHECK(rig.Send("GET", "/app", {}, {}, &forged_page).status == 303);
  Reply relog = rig.Login(forged_page, "demo", rig.password());
  CHECK(forged_page.Get("__Host-sid").value() != fake);
  CHECK(relog.status == 303);
}

TEST_CASE("every failed redemption gives the same fault with the same text") {
  Rig rig(SmallConfig());
  Browser page, client;
  rig.Login(page, "demo", rig.password());
  std::string used = rig.MintAlias(page);
  CHECK(Decode(rig.Amf(RedeemPacket(used), &client))->IsResult(0));
  std::string expired = rig.MintAlias(page);
  rig.clock().Advance(2 * kSecond);
  const std::string bangs(43, '!'), letters(43, 'A');
  std::vector<amf::Value> bad = {Str("short"),      Str(bangs), Str(letters),
                                 Str(expired),      Str(used),  amf::Value::Number(5),
                                 amf::Value::Null()};
  std::string reference;
  for (const amf::Value& v : bad) {
    Browser other;
    Reply r = rig.Amf(BuildPacket({{"auth.loginByAlias", {v}}}), &other);
    auto d = Decode(r);
    CAPTURE(r.status);
    CAPTURE(std::string(amf::TypeName(v.type())));
    CAPTURE(rig.log_lines().empty() ? std::string() : rig.log_lines().back());
    REQUIRE(d->IsStatus(0));
    CHECK(d->FaultCode(0) == "Auth.AliasInvalid");
    // The whole reply, byte for byte, is the same whatever the cause.
    if (reference.empty()) reference = r.body;
    CHECK(r.body == reference);
  }
}

TEST_CASE(
    "proof of possession: a challenge-bound alias needs its verifier, and a wrong one consumes "
    "it") {
  Rig rig(SmallConfig());
  Browser page;
  rig.Login(page, "demo", rig.password());
  // SHA-256("verifier-0123456789") in base64url.
  std::string verifier = "verifier-0123456789";
  unsigned char digest[32];
  mbedtls_sha256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest,
                 0);
  Token t;
  std::copy(digest, digest + 32, t.bytes.begin());
  std::string challenge(EncodeToken(t).view());
  Reply app = rig.Send("GET", "/app?challenge=" + challenge, {}, {}, &page);
  REQUIRE(app.status == 200);
  std::string cookie = app.Header("Set-Cookie");
  std::string alias = cookie.substr(cookie.find('=') + 1, 43);
  rig.Remember(alias);
  Browser thief, owner;
  CHECK(Decode(rig.Amf(BuildPacket({{"auth.loginByAlias", {Str(alias), Str("wrong")}}}), &thief))
            ->FaultCode(0) == "Auth.AliasInvalid");
  CHECK(Decode(rig.Amf(BuildPacket({{"auth.loginByAlias", {Str(alias), Str(verifier)}}}), &owner))
            ->FaultCode(0) == "Auth.AliasInvalid");

  Reply app2 = rig.Send("GET", "/app?challenge=" + challenge, {}, {}, &page);
  std::string cookie2 = app2.Header("Set-Cookie");
  std::string alias2 = cookie2.substr(cookie2.find('=') + 1, 43);
  rig.Remember(alias2);
  CHECK(Decode(rig.Amf(BuildPacket({{"auth.loginByAlias", {Str(alias2), Str(verifier)}}}), &owner))
            ->IsResult(0));
  CHECK(rig.Send("GET", "/app?challenge=nope", {}, {}, &page).status == 400);
}

TEST_CASE("caps answer 429 or 503 with Retry-After and never evict") {
  Config c = SmallConfig();
  c.max_pending_aliases = 2;
  c.max_sessions = 1;
  Rig rig(c);
  Browser page;
  rig.Login(page, "demo", rig.password());
  rig.MintAlias(page);
  rig.MintAlias(page);
  Reply third;
  CHECK(rig.MintAlias(page, &third).empty());
  CHECK(third.status == 429);
  CHECK(third.Header("Retry-After") == "1");
  Browser other;
  Reply refused = rig.Login(other, "demo", rig.password());
  CHECK(refused.status == 503);
  CHECK_FALSE(refused.Header("Retry-After").empty());
  CHECK(rig.Send("GET", "/app", {}, {}, &page).status == 429);  // the first session lives on
}
