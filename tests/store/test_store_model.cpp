// A seeded random sequence of 1,000,000 store operations (create, look up,
// mint, redeem, replay, end, let time pass, reclaim), each checked against a
// naive model built on std::map, with Validate() after every step for the
// first 100,000 steps and every 1,000 steps after that.
#include <doctest/doctest.h>

#include <mbedtls/sha256.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "store/random.h"
#include "store/session_store.h"
#include "store_test_util.h"

using namespace amfgate;

namespace {

constexpr MonoTime kStart = 1 * kSecond;
constexpr int kSteps = 1000000;
constexpr int kValidateEveryStepUntil = 100000;

struct ModelSession {
  bool page = true;
  std::string user;
  std::string parent;  // a gateway session's page session token
  MonoTime idle = 0;
  MonoTime absolute = 0;
};

struct ModelAlias {
  std::string page;
  MonoTime deadline = 0;
  bool spent = false;
  std::string child;  // the session its redemption created, if any
  std::string verifier;  // non-empty: minted with a challenge
};

class Model {
 public:
  explicit Model(const StoreLimits& limits) : limits_(limits) {}

  // Everything still in memory, valid or not (the wheel has not reclaimed it).
  std::map<std::string, ModelSession> sessions;
  std::map<std::string, ModelAlias> aliases;

  bool Valid(const ModelSession& s, MonoTime now) const {
    if (now >= s.idle) return false;
    return s.page || now < sessions.at(s.parent).idle;
  }
  void Touch(ModelSession& s, MonoTime now) const {
    s.idle = std::max(s.idle, std::min(now + limits_.session_idle, s.absolute));
  }
  void End(const std::string& token) {
    if (sessions.at(token).page) {
      for (auto it = sessions.begin(); it != sessions.end();) {
        it = !it->second.page && it->second.parent == token ? sessions.erase(it) : std::next(it);
      }
      for (auto it = aliases.begin(); it != aliases.end();) {
        it = !it->second.spent && it->second.page == token ? aliases.erase(it) : std::next(it);
      }
    }
    sessions.erase(token);
  }
  uint32_t Pending(const std::string& page) const {
    uint32_t n = 0;
    for (auto& [t, a] : aliases) n += !a.spent && a.page == page ? 1 : 0;
    return n;
  }
  void Reclaim(MonoTime now) {
    for (auto it = aliases.begin(); it != aliases.end();) {
      it = now >= it->second.deadline ? aliases.erase(it) : std::next(it);
    }
    std::vector<std::string> expired;
    for (auto& [t, s] : sessions) {
      if (now >= s.idle) expired.push_back(t);
    }
    for (auto& t : expired) {
      if (sessions.count(t)) End(t);
    }
  }
  StoreCounts Counts() const {
    StoreCounts c;
    for (auto& [t, s] : sessions) (s.page ? c.page_sessions : c.gateway_sessions)++;
    for (auto& [t, a] : aliases) (a.spent ? c.alias_tombstones : c.pending_aliases)++;
    return c;
  }

 private:
  StoreLimits limits_;
};

AliasChallenge Sha256(const std::string& verifier) {
  AliasChallenge digest;
  mbedtls_sha256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(),
                 digest.data(), 0);
  return digest;
}

}  // namespace

TEST_CASE("a million random store operations agree with a naive model") {
  StoreLimits limits;
  limits.alias_ttl = 1 * kSecond;
  limits.session_idle = 3 * kSecond;
  limits.session_lifetime = 8 * kSecond;
  limits.max_sessions = 40;
  limits.max_aliases = 50;
  limits.max_pending_aliases = 3;
  auto random = testing::OpenRandom();
  auto store = testing::OpenStore(limits, *random, kStart);
  Model model(limits);
  std::mt19937_64 rng(20240229);
  MonoTime now = kStart;
  const char* users[] = {"alice", "bob", "carol", "dave"};
  std::vector<std::string> session_tokens;  // every session token ever issued
  std::vector<std::string> alias_tokens;
  std::map<std::string, SessionHandle> handles;

  auto pick = [&](const std::vector<std::string>& tokens) -> std::string {
    if (tokens.empty() || rng() % 50 == 0) return std::string(43, 'A');  // well-formed, unknown
    if (rng() % 100 == 0) return "not-a-token";
    const size_t recent = std::min<size_t>(tokens.size(), 64);
    return rng() % 8 == 0 ? tokens[rng() % tokens.size()]
                          : tokens[tokens.size() - 1 - rng() % recent];
  };

  uint64_t outcomes[8] = {};
  for (int step = 0; step < kSteps; ++step) {
    const unsigned op = rng() % 100;
    if (op < 10) {  // create a page session
      const std::string user = users[rng() % 4];
      Result<NewSession> created = store->CreatePageSession(user, now);
      if (model.sessions.size() >= limits.max_sessions) {
        REQUIRE(created.code() == Code::kBusy);
      } else {
        REQUIRE(created.ok());
        const std::string token(created->token.view());
        ModelSession s;
        s.user = user;
        s.absolute = now + limits.session_lifetime;
        s.idle = std::min(now + limits.session_idle, s.absolute);
        CHECK(created->view.idle_deadline == s.idle);
        CHECK(created->view.absolute_deadline == s.absolute);
        model.sessions[token] = s;
        session_tokens.push_back(token);
        handles[token] = created->view.handle;
        ++outcomes[0];
      }
    } else if (op < 30) {  // look a session up
      const std::string token = pick(session_tokens);
      auto it = model.sessions.find(token);
      SessionKind kind = rng() % 2 ? SessionKind::kPage : SessionKind::kGateway;
      if (it != model.sessions.end() && rng() % 5 != 0) {
        kind = it->second.page ? SessionKind::kPage : SessionKind::kGateway;
      }
      Result<SessionView> view = store->LookupSession(token, kind, now);
      const bool expect = it != model.sessions.end() &&
                          it->second.page == (kind == SessionKind::kPage) &&
                          model.Valid(it->second, now);
      REQUIRE(view.ok() == expect);
      if (token.size() != 43) CHECK(view.code() == Code::kMalformed);
      if (expect) {
        ModelSession& s = it->second;
        model.Touch(s, now);
        if (!s.page) {
          model.Touch(model.sessions.at(s.parent), now);
          CHECK(view->parent == handles.at(s.parent));
        }
        CHECK(view->idle_deadline == s.idle);
        CHECK(view->absolute_deadline == s.absolute);
        CHECK(view->user_name == s.user);
        CHECK(view->handle == handles.at(token));
        ++outcomes[1];
      }
    } else if (op < 45) {  // mint an alias
      const std::string token = pick(session_tokens);
      auto h = handles.find(token);
      const SessionHandle handle = h == handles.end() ? SessionHandle{} : h->second;
      std::string verifier;
      AliasChallenge challenge{};
      if (rng() % 3 == 0) {
        verifier = "verifier-" + std::to_string(rng());
        challenge = Sha256(verifier);
      }
      Result<NewAlias> alias =
          store->MintAlias(handle, now, verifier.empty() ? nullptr : &challenge);
      auto it = model.sessions.find(token);
      if (it == model.sessions.end() || !it->second.page || !model.Valid(it->second, now)) {
        REQUIRE(alias.code() == Code::kNotFound);
      } else if (model.aliases.size() >= limits.max_aliases ||
                 model.Pending(token) >= limits.max_pending_aliases) {
        REQUIRE(alias.code() == Code::kBusy);
      } else {
        REQUIRE(alias.ok());
        ModelAlias a;
        a.page = token;
        a.deadline = std::min(now + limits.alias_ttl, it->second.absolute);
        a.verifier = verifier;
        CHECK(alias->expires == a.deadline);
        model.aliases[std::string(alias->token.view())] = a;
        alias_tokens.emplace_back(alias->token.view());
        ++outcomes[2];
      }
    } else if (op < 65) {  // redeem (or replay) an alias
      const std::string token = pick(alias_tokens);
      auto it = model.aliases.find(token);
      std::string verifier;
      if (it != model.aliases.end() && !it->second.verifier.empty()) {
        const unsigned v = rng() % 10;
        verifier = v < 7 ? it->second.verifier : v < 9 ? it->second.verifier + "x" : "";
      } else if (rng() % 4 == 0) {
        verifier = "unrequested";
      }
      Redemption r = store->RedeemAlias(token, now, verifier);
      Denial expect = Denial::kNone;
      if (token.size() != 43) {
        expect = Denial::kMalformed;
      } else if (it == model.aliases.end()) {
        expect = Denial::kUnknown;
      } else if (now >= it->second.deadline) {
        expect = Denial::kExpired;
      } else if (it->second.spent) {
        expect = Denial::kReplayed;
        const std::string child = it->second.child;
        if (!child.empty() && model.sessions.count(child)) {
          CHECK(r.revoked == handles.at(child));
          model.End(child);
        } else {
          CHECK_FALSE(r.revoked.valid());
        }
      } else if (!model.Valid(model.sessions.at(it->second.page), now)) {
        expect = Denial::kParentGone;
        it->second.spent = true;
      } else if (!it->second.verifier.empty() && verifier != it->second.verifier) {
        expect = Denial::kWrongVerifier;
        it->second.spent = true;
      } else if (model.sessions.size() >= limits.max_sessions) {
        expect = Denial::kBusy;
      }
      REQUIRE_MESSAGE(r.denial == expect, DenialName(r.denial), " vs ", DenialName(expect));
      CHECK(r.code == (expect == Denial::kNone  ? Code::kOk
                       : expect == Denial::kBusy ? Code::kBusy
                                                 : Code::kDenied));
      if (expect == Denial::kNone) {
        ModelSession& page = model.sessions.at(it->second.page);
        ModelSession g;
        g.page = false;
        g.user = page.user;
        g.parent = it->second.page;
        g.absolute = std::min(now + limits.session_lifetime, page.absolute);
        g.idle = std::min(now + limits.session_idle, g.absolute);
        model.Touch(page, now);
        const std::string child(r.session.token.view());
        CHECK(r.session.view.user_name == g.user);
        CHECK(r.session.view.parent == handles.at(g.parent));
        CHECK(r.session.view.idle_deadline == g.idle);
        CHECK(r.session.view.absolute_deadline == g.absolute);
        model.sessions[child] = g;
        it->second.spent = true;
        it->second.child = child;
        session_tokens.push_back(child);
        handles[child] = r.session.view.handle;
        ++outcomes[3];
      } else if (expect == Denial::kReplayed) {
        ++outcomes[4];
      }
    } else if (op < 73) {  // end a session
      const std::string token = pick(session_tokens);
      auto h = handles.find(token);
      const bool ended = store->EndSession(h == handles.end() ? SessionHandle{} : h->second);
      REQUIRE(ended == (model.sessions.count(token) == 1));
      if (ended) {
        model.End(token);
        ++outcomes[5];
      }
    } else if (op < 78) {  // peek by handle
      const std::string token = pick(session_tokens);
      auto h = handles.find(token);
      Result<SessionView> view =
          store->PeekSession(h == handles.end() ? SessionHandle{} : h->second, now);
      auto it = model.sessions.find(token);
      REQUIRE(view.ok() == (it != model.sessions.end() && model.Valid(it->second, now)));
    } else if (op < 92) {  // let time pass (in whole store ticks)
      now += kStoreTick * static_cast<Duration>(rng() % 100);
      ++outcomes[6];
    } else {  // reclaim
      AdvanceResult r = store->Advance(now, 1u << 30);
      CHECK_FALSE(r.more);
      model.Reclaim(now);
      ++outcomes[7];
    }

    if (step < kValidateEveryStepUntil || step % 1000 == 0) {
      const StoreCounts want = model.Counts();
      const StoreCounts got = store->Counts();
      REQUIRE(got.page_sessions == want.page_sessions);
      REQUIRE(got.gateway_sessions == want.gateway_sessions);
      REQUIRE(got.pending_aliases == want.pending_aliases);
      REQUIRE(got.alias_tombstones == want.alias_tombstones);
      REQUIRE_MESSAGE(store->Validate(), "step ", step);
    }
  }
  // Every kind of outcome happened many times.
  for (uint64_t n : outcomes) CHECK(n > 500);
}
