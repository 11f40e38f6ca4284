#include <doctest/doctest.h>
#include <mbedtls/sha256.h>

#include <string>
#include <vector>

#include "store/random.h"
#include "store/session_store.h"
#include "store_test_util.h"

using namespace amfgate;

namespace {

constexpr MonoTime kStart = 10 * kSecond;

StoreLimits SmallLimits() {
  StoreLimits limits;
  limits.alias_ttl = 30 * kSecond;
  limits.session_idle = 60 * kSecond;
  limits.session_lifetime = 600 * kSecond;
  limits.max_sessions = 100;
  limits.max_aliases = 100;
  limits.max_pending_aliases = 4;
  return limits;
}

struct Fixture {
  std::unique_ptr<Random> random = testing::OpenRandom();
  std::unique_ptr<SessionStore> store;
  MonoTime now = kStart;

  explicit Fixture(StoreLimits limits = SmallLimits())
      : store(testing::OpenStore(limits, *random, kStart)) {}

  NewSession Page(std::string_view user = "alice") {
    Result<NewSession> page = store->CreatePageSession(user, now);
    REQUIRE(page.ok());
    return *page;
  }
  NewAlias Alias(const NewSession& page, const AliasChallenge* challenge = nullptr) {
    Result<NewAlias> alias = store->MintAlias(page.view.handle, now, challenge);
    REQUIRE(alias.ok());
    return *alias;
  }
  NewSession Redeem(const NewAlias& alias) {
    Redemption r = store->RedeemAlias(alias.token.view(), now);
    REQUIRE(r.ok());
    return r.session;
  }
  bool Finds(const NewSession& s, SessionKind kind) {
    return store->LookupSession(s.token.view(), kind, now).ok();
  }
};

AliasChallenge Sha256(std::string_view verifier) {
  AliasChallenge digest;
  REQUIRE(mbedtls_sha256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(),
                         digest.data(), 0) == 0);
  return digest;
}

}  // namespace

TEST_CASE("a page session is found by its token and knows its user") {
  Fixture f;
  NewSession page = f.Page("alice");
  Result<SessionView> view = f.store->LookupSession(page.token.view(), SessionKind::kPage, f.now);
  REQUIRE(view.ok());
  CHECK(view->user_name == "alice");
  CHECK(f.store->UserName(view->user) == "alice");
  CHECK(view->kind == SessionKind::kPage);
  CHECK(view->handle == page.view.handle);
  CHECK_FALSE(view->parent.valid());
  CHECK(view->idle_deadline == kStart + 60 * kSecond);
  CHECK(view->absolute_deadline == kStart + 600 * kSecond);
  CHECK(f.store->Validate());
}

TEST_CASE("a lookup is refused for the wrong kind, an unknown token and a malformed one") {
  Fixture f;
  NewSession page = f.Page();
  CHECK(f.store->LookupSession(page.token.view(), SessionKind::kGateway, f.now).code() ==
        Code::kNotFound);
  std::string other(page.token.view());
  other[5] = other[5] == 'A' ? 'B' : 'A';  // same length, other selector
  CHECK(f.store->LookupSession(other, SessionKind::kPage, f.now).code() == Code::kNotFound);
  std::string secret_changed(page.token.view());
  secret_changed[30] = secret_changed[30] == 'A' ? 'B' : 'A';  // same selector, other secret
  CHECK(f.store->LookupSession(secret_changed, SessionKind::kPage, f.now).code() ==
        Code::kNotFound);
  CHECK(f.store->LookupSession(page.token.view().substr(1), SessionKind::kPage, f.now).code() ==
        Code::kMalformed);
  std::string bad_char(page.token.view());
  bad_char[0] = '+';
  CHECK(f.store->LookupSession(bad_char, SessionKind::kPage, f.now).code() == Code::kMalformed);
}

TEST_CASE("the idle deadline holds 1 ms before and not 1 ms after, and a touch moves it") {
  Fixture f;
  NewSession page = f.Page();
  f.now = kStart + 60 * kSecond - kMillisecond;
  CHECK(f.Finds(page, SessionKind::kPage));  // touched: idle now ends 60 s later
  f.now += 60 * kSecond - kMillisecond;
  CHECK(f.store->PeekSession(page.view.handle, f.now).ok());
  f.now += 2 * kMillisecond;  // 1 ms past the touched deadline
  CHECK_FALSE(f.Finds(page, SessionKind::kPage));
  CHECK_FALSE(f.store->PeekSession(page.view.handle, f.now).ok());
  CHECK(f.store->Validate());
}

TEST_CASE("the absolute deadline holds however often the session is used") {
  Fixture f;
  NewSession page = f.Page();
  const MonoTime end = kStart + 600 * kSecond;
  for (f.now = kStart; f.now < end - kMillisecond; f.now += 50 * kSecond) {
    CHECK(f.Finds(page, SessionKind::kPage));
  }
  f.now = end - kMillisecond;
  Result<SessionView> view = f.store->LookupSession(page.token.view(), SessionKind::kPage, f.now);
  REQUIRE(view.ok());
  CHECK(view->idle_deadline == end);  // capped by the absolute deadline
  f.now = end + kMillisecond;
  CHECK_FALSE(f.Finds(page, SessionKind::kPage));
}

TEST_CASE("an alias is redeemable 1 ms before its deadline and not 1 ms after") {
  for (Duration offset : {-kMillisecond, kMillisecond}) {
    Fixture f;
    NewSession page = f.Page();
    NewAlias alias = f.Alias(page);
    CHECK(alias.expires == kStart + 30 * kSecond);
    f.now = alias.expires + offset;
    CHECK(f.Finds(page, SessionKind::kPage));
    Redemption r = f.store->RedeemAlias(alias.token.view(), f.now);
    if (offset < 0) {
      CHECK(r.ok());
    } else {
      CHECK(r.code == Code::kDenied);
      CHECK(r.denial == Denial::kExpired);
    }
  }
}

TEST_CASE("redemption creates a new gateway session for the same user, linked to the page") {
  Fixture f;
  NewSession page = f.Page("bob");
  NewAlias alias = f.Alias(page);
  f.now += kSecond;
  Redemption r = f.store->RedeemAlias(alias.token.view(), f.now);
  REQUIRE(r.ok());
  CHECK(r.denial == Denial::kNone);
  CHECK(r.session.token.view() != page.token.view());
  CHECK(r.session.token.view() != alias.token.view());
  CHECK(r.session.view.kind == SessionKind::kGateway);
  CHECK(r.session.view.user_name == "bob");
  CHECK(r.session.view.parent == page.view.handle);
  Result<SessionView> g =
      f.store->LookupSession(r.session.token.view(), SessionKind::kGateway, f.now);
  REQUIRE(g.ok());
  CHECK(g->user_name == "bob");
  // The gateway token is not a page token, and the alias is not a session.
  CHECK_FALSE(f.Finds(r.session, SessionKind::kPage));
  CHECK(f.store->LookupSession(alias.token.view(), SessionKind::kPage, f.now).code() ==
        Code::kNotFound);
  StoreCounts counts = f.store->Counts();
  CHECK(counts.page_sessions == 1);
  CHECK(counts.gateway_sessions == 1);
  CHECK(counts.pending_aliases == 0);
  CHECK(counts.alias_tombstones == 1);
  CHECK(f.store->Validate());
}

TEST_CASE("an alias minted between clock ticks is never redeemable at or past its deadline") {
  // Real clocks are not millisecond-aligned: the deadline rounds down to the
  // store's tick, so the entry may end up to 1 ms early, never late.
  for (Duration late : {Duration{0}, kMicrosecond, 999 * kMicrosecond}) {
    Fixture f;
    f.now = kStart + 700 * kMicrosecond;
    NewSession page = f.Page();
    NewAlias alias = f.Alias(page);
    f.now += 30 * kSecond + late;
    CHECK(f.store->RedeemAlias(alias.token.view(), f.now).code == Code::kDenied);
  }
  Fixture f;
  f.now = kStart + 700 * kMicrosecond;
  NewSession page = f.Page();
  NewAlias alias = f.Alias(page);
  f.now += 30 * kSecond - kMillisecond;
  CHECK(f.store->RedeemAlias(alias.token.view(), f.now).ok());
}

TEST_CASE("an alias redeems exactly once however often it is presented") {
  Fixture f;
  NewSession page = f.Page();
  NewAlias alias = f.Alias(page);
  int successes = 0;
  for (int i = 0; i < 100; ++i) {
    Redemption r = f.store->RedeemAlias(alias.token.view(), f.now);
    successes += r.ok() ? 1 : 0;
    if (i > 0) CHECK(r.denial == Denial::kReplayed);
  }
  CHECK(successes == 1);
  CHECK(f.store->Counts().gateway_sessions == 0);  // the replay ended it
}

TEST_CASE("a replayed alias ends the session it created and is reported as a security event") {
  Fixture f;
  NewSession page = f.Page();
  NewAlias alias = f.Alias(page);
  NewSession gateway = f.Redeem(alias);
  NewAlias other = f.Alias(page);
  NewSession bystander = f.Redeem(other);
  f.now += kSecond;
  Redemption replay = f.store->RedeemAlias(alias.token.view(), f.now);
  CHECK(replay.code == Code::kDenied);
  CHECK(replay.denial == Denial::kReplayed);
  CHECK(replay.security_event());
  CHECK(replay.revoked == gateway.view.handle);
  CHECK_FALSE(f.Finds(gateway, SessionKind::kGateway));
  CHECK(f.Finds(bystander, SessionKind::kGateway));
  CHECK(f.Finds(page, SessionKind::kPage));
  // Again: still denied, nothing left to revoke.
  Redemption again = f.store->RedeemAlias(alias.token.view(), f.now);
  CHECK(again.denial == Denial::kReplayed);
  CHECK_FALSE(again.revoked.valid());
  // After the alias's deadline the tombstone goes, and the alias is simply unknown.
  f.now = alias.expires;
  CHECK(f.store->RedeemAlias(alias.token.view(), f.now).denial == Denial::kExpired);
  f.store->Advance(f.now);
  CHECK(f.store->RedeemAlias(alias.token.view(), f.now).denial == Denial::kUnknown);
  CHECK(f.store->Validate());
}

TEST_CASE("ending a page session ends its gateway sessions and pending aliases at once") {
  Fixture f;
  NewSession page = f.Page();
  NewSession other_page = f.Page("carol");
  NewSession g1 = f.Redeem(f.Alias(page));
  NewSession g2 = f.Redeem(f.Alias(page));
  NewSession unrelated = f.Redeem(f.Alias(other_page));
  NewAlias pending1 = f.Alias(page);
  NewAlias pending2 = f.Alias(page);
  CHECK(f.store->Counts().pending_aliases == 2);
  CHECK(f.store->EndSession(page.view.handle));
  CHECK_FALSE(f.store->EndSession(page.view.handle));
  CHECK_FALSE(f.Finds(page, SessionKind::kPage));
  CHECK_FALSE(f.Finds(g1, SessionKind::kGateway));
  CHECK_FALSE(f.Finds(g2, SessionKind::kGateway));
  CHECK(f.Finds(unrelated, SessionKind::kGateway));
  CHECK(f.Finds(other_page, SessionKind::kPage));
  CHECK(f.store->RedeemAlias(pending1.token.view(), f.now).denial == Denial::kUnknown);
  CHECK(f.store->RedeemAlias(pending2.token.view(), f.now).denial == Denial::kUnknown);
  StoreCounts counts = f.store->Counts();
  CHECK(counts.page_sessions == 1);
  CHECK(counts.gateway_sessions == 1);
  CHECK(counts.pending_aliases == 0);
  CHECK(f.store->Validate());
}

TEST_CASE("ending a gateway session leaves its page session and siblings alone") {
  Fixture f;
  NewSession page = f.Page();
  NewSession g1 = f.Redeem(f.Alias(page));
  NewSession g2 = f.Redeem(f.Alias(page));
  NewSession g3 = f.Redeem(f.Alias(page));
  CHECK(f.store->EndSession(g2.view.handle));
  CHECK(f.Finds(page, SessionKind::kPage));
  CHECK(f.Finds(g1, SessionKind::kGateway));
  CHECK_FALSE(f.Finds(g2, SessionKind::kGateway));
  CHECK(f.Finds(g3, SessionKind::kGateway));
  CHECK(f.store->Validate());
  CHECK(f.store->EndSession(page.view.handle));
  CHECK(f.store->Counts().gateway_sessions == 0);
  CHECK(f.store->Validate());
}

TEST_CASE("a gateway session never outlives its page session") {
  Fixture f;
  NewSession page = f.Page();
  for (int i = 0; i < 10; ++i) {
    f.now += 50 * kSecond;
    CHECK(f.Finds(page, SessionKind::kPage));
  }
  NewSession gateway = f.Redeem(f.Alias(page));
  CHECK(gateway.view.absolute_deadline == kStart + 600 * kSecond);
  // Using the gateway session keeps the page session from idling out...
  for (int i = 0; i < 5; ++i) {
    f.now += 19 * kSecond;
    CHECK(f.Finds(gateway, SessionKind::kGateway));
  }
  CHECK(f.store->PeekSession(page.view.handle, f.now).ok());
  // ...but not past the page's absolute deadline.
  f.now = kStart + 600 * kSecond;
  CHECK_FALSE(f.Finds(gateway, SessionKind::kGateway));
  f.store->Advance(f.now);
  CHECK(f.store->Counts().page_sessions == 0);
  CHECK(f.store->Counts().gateway_sessions == 0);
  CHECK(f.store->Validate());
}

TEST_CASE("an idle page session takes its gateway sessions with it when the wheel reclaims it") {
  Fixture f;
  NewSession page = f.Page();
  NewSession gateway = f.Redeem(f.Alias(page));
  NewAlias pending = f.Alias(page);
  f.now += 60 * kSecond;
  CHECK_FALSE(f.Finds(page, SessionKind::kPage));
  CHECK_FALSE(f.Finds(gateway, SessionKind::kGateway));
  CHECK(f.store->RedeemAlias(pending.token.view(), f.now).denial == Denial::kExpired);
  AdvanceResult r = f.store->Advance(f.now);
  CHECK_FALSE(r.more);
  StoreCounts counts = f.store->Counts();
  CHECK(counts.page_sessions == 0);
  CHECK(counts.gateway_sessions == 0);
  CHECK(counts.pending_aliases == 0);
  CHECK(counts.alias_tombstones == 0);
  CHECK(counts.reclaimed_sessions == 2);
  CHECK(f.store->Validate());
}

TEST_CASE("an alias whose page session has expired is consumed and refused") {
  StoreLimits limits = SmallLimits();
  limits.session_idle = 10 * kSecond;
  Fixture f(limits);
  NewSession page = f.Page();
  NewAlias alias = f.Alias(page);
  f.now += 10 * kSecond;
  Redemption r = f.store->RedeemAlias(alias.token.view(), f.now);
  CHECK(r.denial == Denial::kParentGone);
  CHECK(f.store->Counts().alias_tombstones == 1);
  CHECK(f.store->RedeemAlias(alias.token.view(), f.now).denial == Denial::kReplayed);
  CHECK(f.store->Validate());
}

TEST_CASE("caps refuse new work and never evict") {
  StoreLimits limits = SmallLimits();
  limits.max_sessions = 3;
  limits.max_aliases = 5;
  limits.max_pending_aliases = 2;
  Fixture f(limits);
  NewSession a = f.Page("a");
  NewSession b = f.Page("b");
  NewAlias a1 = f.Alias(a);
  NewAlias a2 = f.Alias(a);
  CHECK(f.store->MintAlias(a.view.handle, f.now).code() == Code::kBusy);  // per page
  NewSession ga = f.Redeem(a1);                                           // 3 sessions now
  CHECK(f.store->CreatePageSession("c", f.now).code() == Code::kBusy);
  Redemption busy = f.store->RedeemAlias(a2.token.view(), f.now);
  CHECK(busy.code == Code::kBusy);
  CHECK(busy.denial == Denial::kBusy);
  CHECK(f.Finds(a, SessionKind::kPage));
  CHECK(f.Finds(b, SessionKind::kPage));
  CHECK(f.Finds(ga, SessionKind::kGateway));
  // The refused alias is still pending: it works once there is room.
  CHECK(f.store->EndSession(b.view.handle));
  CHECK(f.store->RedeemAlias(a2.token.view(), f.now).ok());
  CHECK(f.store->Validate());
}

TEST_CASE("the alias cap counts tombstones until their deadline") {
  StoreLimits limits = SmallLimits();
  limits.max_aliases = 3;
  limits.max_pending_aliases = 2;
  Fixture f(limits);
  NewSession p = f.Page("p");
  NewSession q = f.Page("q");
  NewAlias p1 = f.Alias(p);
  f.Alias(p);
  f.Alias(q);
  CHECK(f.store->MintAlias(q.view.handle, f.now).code() == Code::kBusy);
  f.Redeem(p1);  // pending -> tombstone: still holds its place
  CHECK(f.store->MintAlias(q.view.handle, f.now).code() == Code::kBusy);
  f.now += 30 * kSecond;
  CHECK(f.Finds(p, SessionKind::kPage));
  CHECK(f.Finds(q, SessionKind::kPage));
  f.store->Advance(f.now);
  CHECK(f.store->Counts().alias_tombstones == 0);
  CHECK(f.store->Counts().pending_aliases == 0);
  CHECK(f.store->MintAlias(q.view.handle, f.now).ok());
  CHECK(f.store->Validate());
}

TEST_CASE("proof of possession: the right verifier redeems, a wrong or missing one consumes") {
  Fixture f;
  NewSession page = f.Page();
  const AliasChallenge challenge = Sha256("correct horse battery staple");
  NewAlias good = f.Alias(page, &challenge);
  CHECK(f.store->RedeemAlias(good.token.view(), f.now, "correct horse battery staple").ok());

  NewAlias wrong = f.Alias(page, &challenge);
  Redemption r = f.store->RedeemAlias(wrong.token.view(), f.now, "correct horse battery stapl");
  CHECK(r.denial == Denial::kWrongVerifier);
  CHECK(r.security_event());
  CHECK(f.store->RedeemAlias(wrong.token.view(), f.now, "correct horse battery staple").denial ==
        Denial::kReplayed);

  NewAlias missing = f.Alias(page, &challenge);
  CHECK(f.store->RedeemAlias(missing.token.view(), f.now).denial == Denial::kWrongVerifier);

  // A verifier sent for an alias minted without a challenge is ignored.
  NewAlias plain = f.Alias(page);
  CHECK(f.store->RedeemAlias(plain.token.view(), f.now, "anything").ok());
  CHECK(f.store->Validate());
}

TEST_CASE("redemption refuses malformed and unknown aliases without telling them apart") {
  Fixture f;
  NewSession page = f.Page();
  NewAlias alias = f.Alias(page);
  CHECK(f.store->RedeemAlias("", f.now).denial == Denial::kMalformed);
  CHECK(f.store->RedeemAlias(std::string(43, '*'), f.now).denial == Denial::kMalformed);
  Redemption unknown = f.store->RedeemAlias(page.token.view(), f.now);  // a session, not an alias
  CHECK(unknown.code == Code::kDenied);
  CHECK(unknown.denial == Denial::kUnknown);
  CHECK_FALSE(unknown.security_event());
  std::string wrong_secret(alias.token.view());
  wrong_secret[40] = wrong_secret[40] == 'A' ? 'B' : 'A';
  CHECK(f.store->RedeemAlias(wrong_secret, f.now).denial == Denial::kUnknown);
  CHECK(f.store->RedeemAlias(alias.token.view(), f.now).ok());  // the real one still works
}

TEST_CASE("an alias cannot be minted for a gateway session, an ended one or a stale handle") {
  Fixture f;
  NewSession page = f.Page();
  NewSession gateway = f.Redeem(f.Alias(page));
  CHECK(f.store->MintAlias(gateway.view.handle, f.now).code() == Code::kNotFound);
  CHECK(f.store->MintAlias(SessionHandle{}, f.now).code() == Code::kNotFound);
  CHECK(f.store->EndSession(page.view.handle));
  CHECK(f.store->MintAlias(page.view.handle, f.now).code() == Code::kNotFound);
  // The record is reused by the next session; the old handle must not name it.
  NewSession next = f.Page();
  CHECK(next.view.handle.index == page.view.handle.index);
  CHECK_FALSE(next.view.handle == page.view.handle);
  CHECK_FALSE(f.store->EndSession(page.view.handle));
  CHECK(f.Finds(next, SessionKind::kPage));
}

TEST_CASE("expiry reclaims a large wave over several bounded Advance calls") {
  StoreLimits limits = SmallLimits();
  limits.max_sessions = 20000;
  limits.max_aliases = 20000;
  Fixture f(limits);
  std::vector<NewSession> pages;
  for (int i = 0; i < 10000; ++i) {
    pages.push_back(f.Page());
    f.Alias(pages.back());
  }
  f.now += 600 * kSecond;
  uint32_t calls = 0;
  AdvanceResult r;
  do {
    r = f.store->Advance(f.now, 1000);
    CHECK(r.work <= 1000 + limits.max_pending_aliases);
    ++calls;
  } while (r.more);
  CHECK(calls >= 20);
  StoreCounts counts = f.store->Counts();
  CHECK(counts.page_sessions == 0);
  CHECK(counts.pending_aliases == 0);
  CHECK(counts.reclaimed_sessions == 10000);
  CHECK(counts.reclaimed_aliases == 10000);
  CHECK(f.store->Validate());
}

TEST_CASE("reconfiguring to larger caps keeps every session findable") {
  StoreLimits limits = SmallLimits();
  limits.max_sessions = 10;
  Fixture f(limits);
  std::vector<NewSession> pages;
  for (int i = 0; i < 10; ++i) pages.push_back(f.Page());
  CHECK(f.store->CreatePageSession("x", f.now).code() == Code::kBusy);
  limits.max_sessions = 1000;
  limits.alias_ttl = 5 * kSecond;
  REQUIRE(f.store->Reconfigure(limits).ok());
  for (auto& p : pages) CHECK(f.Finds(p, SessionKind::kPage));
  for (int i = 0; i < 500; ++i) f.Page();
  CHECK(f.Alias(pages[0]).expires == f.now + 5 * kSecond);
  CHECK(f.store->Validate());
  limits.alias_ttl = 0;
  CHECK_FALSE(f.store->Reconfigure(limits).ok());
}

TEST_CASE("limits out of range are refused when the store opens") {
  auto random = testing::OpenRandom();
  std::unique_ptr<SessionStore> store;
  StoreLimits limits;
  limits.alias_ttl = 601 * kSecond;
  CHECK(SessionStore::Open(limits, *random, kStart, &store).code() == Code::kInvalidArgument);
  limits = StoreLimits();
  limits.session_lifetime = 31LL * 24 * 3600 * kSecond;
  CHECK_FALSE(SessionStore::Open(limits, *random, kStart, &store).ok());
  limits = StoreLimits();
  limits.max_pending_aliases = 256;
  CHECK_FALSE(SessionStore::Open(limits, *random, kStart, &store).ok());
  limits = StoreLimits();
  limits.max_sessions = 0;
  CHECK_FALSE(SessionStore::Open(limits, *random, kStart, &store).ok());
  CHECK(store == nullptr);
  CHECK(SessionStore::Open(StoreLimits(), *random, kStart, &store).ok());
}

TEST_CASE("a token's log tag is short, stable and not the token") {
  Fixture f;
  NewSession page = f.Page();
  TokenTag tag = f.store->Tag(page.token.view());
  CHECK(tag.view().size() == 16);
  CHECK(tag.view().find_first_not_of("0123456789abcdef") == std::string_view::npos);
  CHECK(f.store->Tag(page.token.view()).view() == tag.view());
  CHECK(f.store->Tag(f.Page().token.view()).view() != tag.view());
  CHECK(page.token.view().find(tag.view()) == std::string_view::npos);
  // Another store (another process) tags the same text differently.
  Fixture g;
  CHECK(g.store->Tag(page.token.view()).view() != tag.view());
}

TEST_CASE("session lifetimes of 24 days work across the tick counter's range") {
  StoreLimits limits = SmallLimits();
  limits.session_idle = 24LL * 24 * 3600 * kSecond;
  limits.session_lifetime = 24LL * 24 * 3600 * kSecond;
  Fixture f(limits);
  // Run the clock for 120 days in steps, renewing sessions: deadlines keep
  // being read correctly though the 32-bit tick counter wraps (2^32 x 1 ms).
  NewSession page = f.Page();
  MonoTime created = f.now;
  int renewals = 0;
  for (int day = 1; day <= 120; ++day) {
    f.now += 24 * 3600 * kSecond;
    f.store->Advance(f.now);
    if (f.now - created >= limits.session_lifetime) {
      CHECK_FALSE(f.Finds(page, SessionKind::kPage));
      CHECK(f.store->Counts().page_sessions == 0);
      page = f.Page();
      created = f.now;
      ++renewals;
    } else {
      CHECK(f.Finds(page, SessionKind::kPage));
    }
    REQUIRE(f.store->Validate());
  }
  CHECK(renewals == 5);
}

TEST_CASE("user names are interned once and keep their ids") {
  UserTable users;
  const uint32_t alice = users.Intern("alice");
  const uint32_t bob = users.Intern("bob");
  CHECK(alice != bob);
  CHECK(users.Intern(std::string("alice")) == alice);
  CHECK(users.Find("bob") == bob);
  CHECK(users.Find("carol") == UserTable::kNoUser);
  CHECK(users.Name(alice) == "alice");
  CHECK(users.Name(12345).empty());
  CHECK(users.Intern("") == UserTable::kNoUser);
  CHECK(users.Intern(std::string(UserTable::kMaxNameLength + 1, 'x')) == UserTable::kNoUser);
  const std::string_view kept = users.Name(alice);
  for (int i = 0; i < 1000; ++i) users.Intern("user" + std::to_string(i));
  CHECK(kept.data() == users.Name(alice).data());  // views stay valid as the table grows
  CHECK(users.size() == 1002);
  CHECK(users.Validate());
}
