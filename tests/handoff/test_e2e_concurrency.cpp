// Exactly once under load: one alias redeemed by 1,000 connections at once,
// 50 requests pipelined on one more, and 50 bodies in one packet, all in
// flight together against the real server.
#include <doctest/doctest.h>
#include <poll.h>
#include <sys/socket.h>

#include <chrono>

#include "harness.h"

using namespace amfgate::e2e;

namespace {

std::string Metric(uint16_t admin_port, const std::string& name) {
  RawConnection c(admin_port);
  REQUIRE(c.ok());
  REQUIRE(c.SendAll("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  HttpReply r;
  REQUIRE(c.ReadReply(&r));
  std::string line = Between("\n" + r.body, "\n" + name + " ", "\n");
  return line;
}

// Reads until every connection has produced `expected[i]` responses or the
// deadline passes.
void ReadAll(std::vector<std::unique_ptr<RawConnection>>& conns, const std::vector<size_t>& expected,
             std::vector<std::vector<HttpReply>>* replies) {
  replies->assign(conns.size(), {});
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  size_t done = 0;
  std::vector<bool> finished(conns.size(), false);
  while (done < conns.size() && std::chrono::steady_clock::now() < deadline) {
    std::vector<pollfd> fds;
    std::vector<size_t> which;
    for (size_t i = 0; i < conns.size(); ++i) {
      if (finished[i]) continue;
      fds.push_back({conns[i]->fd(), POLLIN, 0});
      which.push_back(i);
    }
    if (poll(fds.data(), fds.size(), 1000) <= 0) continue;
    for (size_t k = 0; k < fds.size(); ++k) {
      if ((fds[k].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      size_t i = which[k];
      char buf[65536];
      ssize_t n = recv(conns[i]->fd(), buf, sizeof(buf), MSG_DONTWAIT);
      if (n <= 0) {
        finished[i] = true;
        ++done;
        continue;
      }
      conns[i]->input().append(buf, static_cast<size_t>(n));
      HttpReply r;
      while (conns[i]->TakeReply(&r)) (*replies)[i].push_back(r);
      if ((*replies)[i].size() >= expected[i]) {
        finished[i] = true;
        ++done;
      }
    }
  }
}

}  // namespace

TEST_CASE("1,000 connections, 50 pipelined requests and 50 bodies in one packet redeem one alias once") {
  ServerProcess s(false, {"--redeem_rate_per_address", "1000000", "1000000", "--redeem_rate_total", "1000000",
                          "1000000"});
  Curl browser(s.dir() + "/browser.jar");
  HttpReply form = browser.Get(s.origin() + "/login");
  std::string csrf = FormCsrf(form.body);
  REQUIRE(browser.PostForm(s.origin() + "/login", "username=demo&password=" + s.demo_password() + "&csrf=" + csrf,
                           s.origin()).status == 303);
  HttpReply app = browser.Get(s.origin() + "/app");
  auto cookie = app.CookieStartingWith("a_");
  REQUIRE(cookie.has_value());
  std::string alias = cookie->second;
  RememberToken(alias);

  const size_t kConnections = 1000, kPipelined = 50, kBodies = 50;
  std::string one = AmfRequest("/gateway", Packet({{"auth.loginByAlias", {alias}}}));
  std::vector<AmfCall> batch(kBodies, AmfCall{"auth.loginByAlias", {alias}});
  std::string batched = AmfRequest("/gateway", Packet(batch));
  std::string pipelined;
  for (size_t i = 0; i < kPipelined; ++i) pipelined += one;

  std::vector<std::unique_ptr<RawConnection>> conns;
  std::vector<size_t> expected;
  for (size_t i = 0; i < kConnections + 2; ++i) {
    conns.push_back(std::make_unique<RawConnection>(s.port()));
    REQUIRE(conns.back()->ok());
    expected.push_back(i == kConnections ? kPipelined : 1);
  }
  // Everything goes out before anything is read: all of it is in flight at once.
  for (size_t i = 0; i < kConnections; ++i) REQUIRE(conns[i]->SendAll(one));
  REQUIRE(conns[kConnections]->SendAll(pipelined));
  REQUIRE(conns[kConnections + 1]->SendAll(batched));

  std::vector<std::vector<HttpReply>> replies;
  ReadAll(conns, expected, &replies);
  size_t successes = 0, faults = 0, bodies = 0, cookies = 0;
  for (size_t i = 0; i < conns.size(); ++i) {
    REQUIRE_MESSAGE(replies[i].size() == expected[i], "connection " << i << " got " << replies[i].size());
    for (const HttpReply& r : replies[i]) {
      REQUIRE(r.status == 200);
      if (r.CookieStartingWith("gsid=")) {
        ++cookies;
        RememberToken(r.CookieStartingWith("gsid=")->second);
      }
      auto d = ParseAmf(r.body);
      REQUIRE(d->ok);
      for (size_t b = 0; b < d->size(); ++b) {
        ++bodies;
        if (d->IsResult(b)) {
          ++successes;
          CHECK(d->Member(b, "user") == "demo");
        } else {
          CHECK(d->Fault(b) == "Auth.AliasInvalid");
          ++faults;
        }
      }
    }
  }
  CHECK(bodies == kConnections + kPipelined + kBodies);
  CHECK(successes == 1);
  CHECK(cookies == 1);
  CHECK(faults == bodies - 1);
  CHECK(Metric(s.admin_port(), "amfgate_redemptions_total") == "1");
  // Every later presentation was a replay of a redeemed alias.
  CHECK(Metric(s.admin_port(), "amfgate_alias_replays_total") == std::to_string(bodies - 1));
}
