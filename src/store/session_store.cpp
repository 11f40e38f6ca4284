#include "store/session_store.h"

#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>

#include <algorithm>
#include <cstring>
#include <string>

extern "C" {
#include <mbedtls/constant_time.h>  // this header lacks its own extern "C"
}

#include "store/random.h"

namespace amfgate {
namespace {

constexpr Duration kMaxSessionLifetime = 24 * 24 * 3600 * kSecond;
constexpr Duration kMaxAliasTtl = 600 * kSecond;
constexpr uint32_t kMaxPendingAliases = 255;
// A fresh selector colliding with a live one has probability ~n/2^64; a few
// draws in a row mean the DRBG is broken, not unlucky.
constexpr int kTokenDraws = 4;

// Deadlines are ticks modulo 2^32, compared within a 2^31 window.
bool TickBefore(uint64_t now_tick, uint32_t deadline) {
  return static_cast<int32_t>(deadline - static_cast<uint32_t>(now_tick)) > 0;
}
uint32_t EarlierTick(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) < 0 ? a : b; }
uint32_t LaterTick(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) > 0 ? a : b; }

// SPEC section 2 names mbedtls_ct_memcmp for this compare: its constant time
// is the library's promise, not a property of how a compiler happens to
// lower our own XORs.
bool SameDigest(const SecretDigest& a, const SecretDigest& b) {
  return mbedtls_ct_memcmp(a.data(), b.data(), a.size()) == 0;
}

void Wipe(Token& token) { mbedtls_platform_zeroize(token.bytes.data(), token.bytes.size()); }

}  // namespace

Status StoreLimits::Check() const {
  auto bad = [](const char* what) { return Status::Error(Code::kInvalidArgument, what); };
  if (alias_ttl < kSecond || alias_ttl > kMaxAliasTtl) {
    return bad("alias_ttl must be between 1 and 600 seconds");
  }
  if (session_idle < kStoreTick) return bad("session_idle must be positive");
  if (session_lifetime < kStoreTick || session_lifetime > kMaxSessionLifetime) {
    return bad("session_lifetime must be positive and at most 24 days");
  }
  if (max_sessions == 0 || max_sessions > kMaxStoreEntries) {
    return bad("max_sessions must be between 1 and 268435456");
  }
  if (max_aliases == 0 || max_aliases > kMaxStoreEntries) {
    return bad("max_aliases must be between 1 and 268435456");
  }
  if (max_pending_aliases == 0 || max_pending_aliases > kMaxPendingAliases) {
    return bad("max_pending_aliases must be between 1 and 255");
  }
  return Status::Ok();
}

const char* DenialName(Denial denial) {
  switch (denial) {
    case Denial::kNone:
      return "none";
    case Denial::kMalformed:
      return "malformed";
    case Denial::kUnknown:
      return "unknown";
    case Denial::kExpired:
      return "expired";
    case Denial::kParentGone:
      return "parent-gone";
    case Denial::kWrongVerifier:
      return "wrong-verifier";
    case Denial::kReplayed:
      return "replayed";
    case Denial::kBusy:
      return "busy";
    case Denial::kInternal:
      return "internal";
  }
  return "unknown";
}

SessionStore::SessionStore(const StoreLimits& limits, Random& random, MonoTime now)
    : limits_(limits),
      random_(random),
      epoch_(now),
      session_wheel_(session_entries_, 0),
      alias_wheel_(alias_entries_, 0) {}

SessionStore::~SessionStore() = default;

Status SessionStore::Open(const StoreLimits& limits, Random& random, MonoTime now,
                          std::unique_ptr<SessionStore>* out) {
  out->reset();
  Status s = limits.Check();
  if (!s.ok()) return s;
  std::unique_ptr<SessionStore> store(new SessionStore(limits, random, now));
  s = store->keys_.Init(random);
  if (!s.ok()) return s;
  *out = std::move(store);
  return Status::Ok();
}

Status SessionStore::Reconfigure(const StoreLimits& limits) {
  Status s = limits.Check();
  if (!s.ok()) return s;
  limits_ = limits;
  return Status::Ok();
}

uint64_t SessionStore::NowTick(MonoTime now) const {
  return now <= epoch_ ? 0 : static_cast<uint64_t>(now - epoch_) / kStoreTick;
}

uint32_t SessionStore::DeadlineTick(MonoTime deadline) const {
  if (deadline <= epoch_) return 0;
  return static_cast<uint32_t>(static_cast<uint64_t>(deadline - epoch_) / kStoreTick);
}

MonoTime SessionStore::TickTime(uint32_t tick, uint64_t now_tick) const {
  const int32_t ahead = static_cast<int32_t>(tick - static_cast<uint32_t>(now_tick));
  return epoch_ + (static_cast<int64_t>(now_tick) + ahead) * kStoreTick;
}

[[gnu::always_inline]] inline uint32_t SessionStore::FindSession(uint64_t hash) const {
  return session_table_.Find(hash, SessionHash());
}

uint32_t SessionStore::FindAlias(uint64_t hash) const {
  return alias_table_.Find(hash, AliasHash());
}

// The text's parse, hash and digest in one call (TokenKeys::Present), then
// the hash's home slot prefetched in each table: while the table grows, Find
// may look in the old one after the current one.
[[gnu::always_inline]] inline Code SessionStore::Present(std::string_view text,
                                                         const KeyedTable& table,
                                                         Presented* presented) const {
  if (keys_.Present(text, &presented->hash, &presented->digest) != Code::kOk) {
    return Code::kMalformed;
  }
  table.Prefetch(presented->hash);
  return Code::kOk;
}

bool SessionStore::IsLive(SessionHandle handle) const {
  return handle.index < sessions_.high_water() &&
         sessions_[handle.index].kind != RecordKind::kFree &&
         sessions_[handle.index].generation == handle.generation;
}

// A session is valid before its idle deadline, which never passes its
// absolute one. A gateway session is valid only while its page session is,
// and that needs no second look: its idle deadline never passes its
// parent's (both are set and touched together, and only ever move later;
// Validate checks it).
bool SessionStore::IsValidAt(const SessionRecord& record, uint64_t now_tick) const {
  return TickBefore(now_tick, record.idle_deadline);
}

// Moves the idle deadline to `idle_tick` (DeadlineTick(now + session_idle)),
// capped by the absolute deadline, and only ever later: the wheel allows
// that without a re-file.
void SessionStore::Touch(SessionRecord& record, uint32_t idle_tick) {
  const uint32_t idle = EarlierTick(idle_tick, record.absolute_deadline);
  record.idle_deadline = LaterTick(record.idle_deadline, idle);
}

// Built in one go (every field once), as it is on every lookup's path.
[[gnu::always_inline]] inline SessionView SessionStore::ViewOf(uint32_t index,
                                                               uint64_t now_tick) const {
  const SessionRecord& record = sessions_[index];
  const bool page = record.kind == RecordKind::kPage;
  const uint32_t parent = page ? SessionHandle::kNoIndex : record.family.gateway.parent;
  return SessionView{
      .handle = SessionHandle{index, record.generation},
      .parent = page ? SessionHandle{} : SessionHandle{parent, sessions_[parent].generation},
      .kind = page ? SessionKind::kPage : SessionKind::kGateway,
      .user = record.user,
      .user_name = users_.Name(record.user),
      .idle_deadline = TickTime(record.idle_deadline, now_tick),
      .absolute_deadline = TickTime(record.absolute_deadline, now_tick),
  };
}

Result<Token> SessionStore::FreshToken(bool session_table, uint64_t* hash) {
  for (int draw = 0; draw < kTokenDraws; ++draw) {
    Result<Token> token = random_.NewToken();
    if (!token.ok()) return token;
    *hash = keys_.SelectorHash(token->selector());
    const uint32_t found = session_table ? FindSession(*hash) : FindAlias(*hash);
    if (found == KeyedTable::kNone) return token;
    Wipe(*token);
  }
  return Failure{Code::kInternal, "DRBG repeats selectors", 0};
}

Result<NewSession> SessionStore::InsertSession(RecordKind kind, uint32_t user, uint32_t parent,
                                               MonoTime now) {
  if (!session_table_.Reserve(sessions_.high_water() + 1, SessionHash()))
    return Failure{Code::kInternal, "out of memory", 0};
  uint64_t hash = 0;
  Result<Token> token = FreshToken(true, &hash);
  if (!token.ok()) return token.failure();

  uint32_t absolute = DeadlineTick(now + limits_.session_lifetime);
  if (kind == RecordKind::kGateway) {
    absolute = EarlierTick(absolute, sessions_[parent].absolute_deadline);
  }
  const uint32_t index = sessions_.Allocate();
  if (index == kNoRecord) {
    Wipe(*token);
    return Failure{Code::kInternal, "out of memory", 0};
  }
  SessionRecord& record = sessions_[index];
  record.selector_hash = hash;
  record.digest = keys_.Digest(token->secret());
  record.absolute_deadline = absolute;
  record.idle_deadline = EarlierTick(DeadlineTick(now + limits_.session_idle), absolute);
  record.user = user;
  record.wheel = WheelLinks{};
  record.kind = kind;
  if (kind == RecordKind::kPage) {
    record.family.page = SessionRecord::PageFamily{kNoRecord, kNoRecord, 0};
    ++page_sessions_;
  } else {
    SessionRecord& page = sessions_[parent];
    const uint32_t first = page.family.page.first_child;
    record.family.gateway = SessionRecord::GatewayFamily{parent, first, kNoRecord};
    if (first != kNoRecord) sessions_[first].family.gateway.prev_sibling = index;
    page.family.page.first_child = index;
    ++gateway_sessions_;
  }
  session_table_.Insert(hash, index, SessionHash());
  session_wheel_.Schedule(index);

  NewSession created{EncodeToken(*token), ViewOf(index, NowTick(now))};
  Wipe(*token);
  return created;
}

Result<NewSession> SessionStore::CreatePageSession(std::string_view user_name, MonoTime now) {
  if (SessionCount() >= limits_.max_sessions)
    return Failure{Code::kBusy, "max_sessions reached", 0};
  const uint32_t user = users_.Intern(user_name);
  if (user == UserTable::kNoUser) return Failure{Code::kInvalidArgument, "bad user name", 0};
  return InsertSession(RecordKind::kPage, user, kNoRecord, now);
}

// Everything that does not depend on the record (the time, the touch's
// target, the kind wanted) comes first, and the three checks on the record
// share one branch: while the record's cache miss is outstanding, each
// instruction waiting on it holds a scheduler entry, and the fewer of those,
// the sooner the next lookup's misses can start (session_store.h, "Cost").
Result<SessionView> SessionStore::LookupSession(std::string_view token_text, SessionKind expected,
                                                MonoTime now) {
  Presented presented;
  if (Present(token_text, session_table_, &presented) != Code::kOk) {
    return Failure{Code::kMalformed, "token", 0};
  }
  const uint32_t index = FindSession(presented.hash);
  if (index == KeyedTable::kNone) return Failure{Code::kNotFound, "unknown session", 0};
  const uint64_t now_tick = NowTick(now);
  const uint32_t touched = DeadlineTick(now + limits_.session_idle);
  const RecordKind want = expected == SessionKind::kPage ? RecordKind::kPage : RecordKind::kGateway;
  SessionRecord& record = sessions_[index];
  const bool same = SameDigest(presented.digest, record.digest);
  if (!same || record.kind != want || !IsValidAt(record, now_tick)) {
    return Failure{Code::kNotFound, !same ? "unknown session" : "wrong kind or expired", 0};
  }
  Touch(record, touched);
  if (record.kind == RecordKind::kGateway) Touch(sessions_[record.family.gateway.parent], touched);
  return ViewOf(index, now_tick);
}

Result<SessionView> SessionStore::PeekSession(SessionHandle handle, MonoTime now) const {
  const uint64_t now_tick = NowTick(now);
  if (!IsLive(handle) || !IsValidAt(sessions_[handle.index], now_tick)) {
    return Failure{Code::kNotFound, "no such session", 0};
  }
  return ViewOf(handle.index, now_tick);
}

bool SessionStore::EndSession(SessionHandle handle) {
  if (!IsLive(handle)) return false;
  EndRecord(handle.index);
  return true;
}

uint32_t SessionStore::EndRecord(uint32_t index) {
  SessionRecord& record = sessions_[index];
  uint32_t freed = 1;
  if (record.kind == RecordKind::kPage) {
    for (uint32_t child = record.family.page.first_child; child != kNoRecord;) {
      const uint32_t next = sessions_[child].family.gateway.next_sibling;
      FreeSession(child);
      child = next;
      ++freed;
    }
    for (uint32_t alias = record.family.page.first_alias; alias != kNoRecord;) {
      const uint32_t next = aliases_[alias].link.pending.next_sibling;
      FreeAlias(alias);
      alias = next;
      ++freed;
    }
  } else {
    const SessionRecord::GatewayFamily& links = record.family.gateway;
    if (links.prev_sibling != kNoRecord) {
      sessions_[links.prev_sibling].family.gateway.next_sibling = links.next_sibling;
    } else {
      sessions_[links.parent].family.page.first_child = links.next_sibling;
    }
    if (links.next_sibling != kNoRecord) {
      sessions_[links.next_sibling].family.gateway.prev_sibling = links.prev_sibling;
    }
  }
  FreeSession(index);
  return freed;
}

// Frees the record only; family links are the caller's business.
void SessionStore::FreeSession(uint32_t index) {
  SessionRecord& record = sessions_[index];
  session_wheel_.Cancel(index);
  session_table_.Erase(record.selector_hash, index, SessionHash());
  if (record.kind == RecordKind::kPage) {
    --page_sessions_;
  } else {
    --gateway_sessions_;
  }
  record.kind = RecordKind::kFree;
  ++record.generation;
  sessions_.Free(index);
}

Result<NewAlias> SessionStore::MintAlias(SessionHandle page, MonoTime now,
                                         const AliasChallenge* challenge) {
  const uint64_t now_tick = NowTick(now);
  if (!IsLive(page) || sessions_[page.index].kind != RecordKind::kPage ||
      !IsValidAt(sessions_[page.index], now_tick)) {
    return Failure{Code::kNotFound, "no such page session", 0};
  }
  SessionRecord& owner = sessions_[page.index];
  if (AliasCount() >= limits_.max_aliases) return Failure{Code::kBusy, "max_aliases reached", 0};
  if (owner.family.page.pending_aliases >= limits_.max_pending_aliases) {
    return Failure{Code::kBusy, "max_pending_aliases reached", 0};
  }
  if (!alias_table_.Reserve(aliases_.high_water() + 1, AliasHash()))
    return Failure{Code::kInternal, "out of memory", 0};
  uint64_t hash = 0;
  Result<Token> token = FreshToken(false, &hash);
  if (!token.ok()) return token.failure();

  const uint32_t index = aliases_.Allocate();
  if (index == kNoRecord) {
    Wipe(*token);
    return Failure{Code::kInternal, "out of memory", 0};
  }
  AliasRecord& alias = aliases_[index];
  alias.selector_hash = hash;
  alias.digest = keys_.Digest(token->secret());
  alias.has_challenge = challenge != nullptr;
  alias.challenge = {};
  if (challenge != nullptr)
    std::copy_n(challenge->begin(), alias.challenge.size(), alias.challenge.begin());
  alias.deadline = EarlierTick(DeadlineTick(now + limits_.alias_ttl), owner.absolute_deadline);
  const uint32_t first = owner.family.page.first_alias;
  alias.link.pending = AliasRecord::Pending{page.index, first, kNoRecord};
  if (first != kNoRecord) aliases_[first].link.pending.prev_sibling = index;
  owner.family.page.first_alias = index;
  ++owner.family.page.pending_aliases;
  alias.wheel = WheelLinks{};
  alias.state = AliasState::kPending;
  alias_table_.Insert(hash, index, AliasHash());
  alias_wheel_.Schedule(index);
  ++pending_aliases_;

  NewAlias minted{EncodeToken(*token), TickTime(alias.deadline, now_tick)};
  Wipe(*token);
  return minted;
}

void SessionStore::UnlinkPendingAlias(uint32_t index) {
  const AliasRecord::Pending links = aliases_[index].link.pending;
  SessionRecord& page = sessions_[links.page];
  if (links.prev_sibling != kNoRecord) {
    aliases_[links.prev_sibling].link.pending.next_sibling = links.next_sibling;
  } else {
    page.family.page.first_alias = links.next_sibling;
  }
  if (links.next_sibling != kNoRecord) {
    aliases_[links.next_sibling].link.pending.prev_sibling = links.prev_sibling;
  }
  --page.family.page.pending_aliases;
}

// Frees the record only; a pending alias must already be off its page's list
// or be freed together with the page (EndRecord).
void SessionStore::FreeAlias(uint32_t index) {
  AliasRecord& alias = aliases_[index];
  alias_wheel_.Cancel(index);
  alias_table_.Erase(alias.selector_hash, index, AliasHash());
  if (alias.state == AliasState::kPending) {
    --pending_aliases_;
  } else {
    --alias_tombstones_;
  }
  alias.state = AliasState::kFree;
  aliases_.Free(index);
}

// Turns a pending alias into a tombstone that remembers the session its
// redemption created (if any) until the alias's deadline.
void SessionStore::SpendAlias(uint32_t index, SessionHandle child) {
  UnlinkPendingAlias(index);
  AliasRecord& alias = aliases_[index];
  alias.link.spent = AliasRecord::Spent{child.index, child.generation};
  alias.state = AliasState::kSpent;
  --pending_aliases_;
  ++alias_tombstones_;
}

Redemption SessionStore::RedeemAlias(std::string_view alias_text, MonoTime now,
                                     std::string_view verifier) {
  Redemption result;
  auto deny = [&result](Denial denial) {
    result.code = Code::kDenied;
    result.denial = denial;
    return result;
  };
  Presented presented;
  if (Present(alias_text, alias_table_, &presented) != Code::kOk) return deny(Denial::kMalformed);
  const uint32_t index = FindAlias(presented.hash);
  if (index == KeyedTable::kNone) return deny(Denial::kUnknown);
  AliasRecord& alias = aliases_[index];
  if (!SameDigest(presented.digest, alias.digest)) return deny(Denial::kUnknown);
  const uint64_t now_tick = NowTick(now);
  if (!TickBefore(now_tick, alias.deadline)) return deny(Denial::kExpired);

  if (alias.state == AliasState::kSpent) {
    const SessionHandle child{alias.link.spent.child, alias.link.spent.child_generation};
    if (child.index != kNoRecord && IsLive(child)) {
      EndRecord(child.index);
      result.revoked = child;
    }
    return deny(Denial::kReplayed);
  }

  const uint32_t page_index = alias.link.pending.page;
  if (!IsValidAt(sessions_[page_index], now_tick)) {
    SpendAlias(index, SessionHandle{});
    return deny(Denial::kParentGone);
  }
  if (alias.has_challenge) {
    std::array<uint8_t, 32> digest;
    const int ret = mbedtls_sha256(reinterpret_cast<const unsigned char*>(verifier.data()),
                                   verifier.size(), digest.data(), 0);
    if (ret != 0 || verifier.empty() ||
        mbedtls_ct_memcmp(digest.data(), alias.challenge.data(), alias.challenge.size()) != 0) {
      SpendAlias(index, SessionHandle{});
      return deny(Denial::kWrongVerifier);
    }
  }
  if (SessionCount() >= limits_.max_sessions) {
    result.code = Code::kBusy;
    result.denial = Denial::kBusy;
    return result;
  }
  SessionRecord& page = sessions_[page_index];
  Result<NewSession> created = InsertSession(RecordKind::kGateway, page.user, page_index, now);
  if (!created.ok()) {
    result.code = Code::kInternal;
    result.denial = Denial::kInternal;
    return result;
  }
  SpendAlias(index, created->view.handle);
  Touch(sessions_[page_index], DeadlineTick(now + limits_.session_idle));
  result.code = Code::kOk;
  result.session = std::move(*created);
  return result;
}

AdvanceResult SessionStore::Advance(MonoTime now, uint32_t budget) {
  const uint64_t now_tick = NowTick(now);
  AdvanceResult result;
  // Aliases first, with half the budget, so a wave of expiring sessions
  // cannot starve them.
  const CollectResult aliases = alias_wheel_.Collect(now_tick, budget - budget / 2);
  for (uint32_t id = alias_wheel_.PopCollected(); id != kNoRecord;
       id = alias_wheel_.PopCollected()) {
    if (aliases_[id].state == AliasState::kPending) UnlinkPendingAlias(id);
    FreeAlias(id);
    ++reclaimed_aliases_;
  }
  result.work = aliases.work;
  const CollectResult sessions = session_wheel_.Collect(now_tick, budget - result.work);
  result.work += sessions.work;
  for (uint32_t id = session_wheel_.PopCollected(); id != kNoRecord;
       id = session_wheel_.PopCollected()) {
    // The wheel collects a session only once its due tick (the idle deadline)
    // has passed; its family goes with it, and counts as work done.
    const uint32_t sessions_before = SessionCount();
    const uint32_t aliases_before = AliasCount();
    result.work += EndRecord(id) - 1;
    reclaimed_sessions_ += sessions_before - SessionCount();
    reclaimed_aliases_ += aliases_before - AliasCount();
  }
  result.more = aliases.more || sessions.more;
  return result;
}

StoreCounts SessionStore::Counts() const {
  StoreCounts counts;
  counts.page_sessions = page_sessions_;
  counts.gateway_sessions = gateway_sessions_;
  counts.pending_aliases = pending_aliases_;
  counts.alias_tombstones = alias_tombstones_;
  counts.users = users_.size();
  counts.reclaimed_sessions = reclaimed_sessions_;
  counts.reclaimed_aliases = reclaimed_aliases_;
  return counts;
}

std::string_view SessionStore::UserName(UserId user) const { return users_.Name(user); }

TokenTag SessionStore::Tag(std::string_view token_text) const { return keys_.Tag(token_text); }

bool SessionStore::Validate() const {
  if (!users_.Validate() ||
      !sessions_.Validate([this](uint32_t i) { return sessions_[i].kind == RecordKind::kFree; }) ||
      !aliases_.Validate([this](uint32_t i) { return aliases_[i].state == AliasState::kFree; }) ||
      !session_table_.Validate(SessionHash()) || !alias_table_.Validate(AliasHash()) ||
      !session_wheel_.Validate() || !alias_wheel_.Validate()) {
    return false;
  }
  uint32_t pages = 0;
  uint32_t gateways = 0;
  for (uint32_t i = 0; i < sessions_.high_water(); ++i) {
    const RecordKind kind = sessions_[i].kind;
    if (kind == RecordKind::kFree) continue;
    if (kind == RecordKind::kPage) ++pages;
    if (kind == RecordKind::kGateway) ++gateways;
    if (!ValidateSession(i)) return false;
  }
  uint32_t pending = 0;
  uint32_t spent = 0;
  for (uint32_t i = 0; i < aliases_.high_water(); ++i) {
    const AliasState state = aliases_[i].state;
    if (state == AliasState::kFree) continue;
    if (state == AliasState::kPending) ++pending;
    if (state == AliasState::kSpent) ++spent;
    if (!ValidateAlias(i)) return false;
  }
  return pages == page_sessions_ && gateways == gateway_sessions_ && pending == pending_aliases_ &&
         spent == alias_tombstones_ && session_table_.size() == SessionCount() &&
         alias_table_.size() == AliasCount() && session_wheel_.size() == SessionCount() &&
         alias_wheel_.size() == AliasCount();
}

bool SessionStore::ValidateSession(uint32_t index) const {
  const SessionRecord& record = sessions_[index];
  if (FindSession(record.selector_hash) != index || !session_wheel_.IsScheduled(index))
    return false;
  if (static_cast<int32_t>(record.idle_deadline - record.absolute_deadline) > 0) return false;
  if (record.user >= users_.size()) return false;
  const uint32_t high = sessions_.high_water();
  if (record.kind == RecordKind::kPage) {
    uint32_t prev = kNoRecord;
    uint32_t children = 0;
    for (uint32_t c = record.family.page.first_child; c != kNoRecord;
         c = sessions_[c].family.gateway.next_sibling) {
      if (c >= high || sessions_[c].kind != RecordKind::kGateway ||
          ++children > gateway_sessions_) {
        return false;
      }
      const SessionRecord& child = sessions_[c];
      if (child.family.gateway.parent != index || child.family.gateway.prev_sibling != prev ||
          static_cast<int32_t>(child.absolute_deadline - record.absolute_deadline) > 0) {
        return false;
      }
      prev = c;
    }
    prev = kNoRecord;
    uint32_t aliases = 0;
    for (uint32_t a = record.family.page.first_alias; a != kNoRecord;
         a = aliases_[a].link.pending.next_sibling) {
      if (a >= aliases_.high_water() || aliases_[a].state != AliasState::kPending ||
          ++aliases > pending_aliases_) {
        return false;
      }
      const AliasRecord& alias = aliases_[a];
      if (alias.link.pending.page != index || alias.link.pending.prev_sibling != prev) return false;
      prev = a;
    }
    return aliases == record.family.page.pending_aliases;
  }
  // A gateway session: its neighbours and its parent agree on its place, and
  // it never outlives its parent.
  const SessionRecord::GatewayFamily& links = record.family.gateway;
  if (links.parent >= high || sessions_[links.parent].kind != RecordKind::kPage) return false;
  if (static_cast<int32_t>(record.idle_deadline - sessions_[links.parent].idle_deadline) > 0) {
    return false;
  }
  if (links.prev_sibling == kNoRecord) {
    if (sessions_[links.parent].family.page.first_child != index) return false;
  } else if (links.prev_sibling >= high ||
             sessions_[links.prev_sibling].kind != RecordKind::kGateway ||
             sessions_[links.prev_sibling].family.gateway.next_sibling != index) {
    return false;
  }
  return links.next_sibling == kNoRecord ||
         (links.next_sibling < high && sessions_[links.next_sibling].kind == RecordKind::kGateway &&
          sessions_[links.next_sibling].family.gateway.prev_sibling == index);
}

bool SessionStore::ValidateAlias(uint32_t index) const {
  const AliasRecord& alias = aliases_[index];
  if (FindAlias(alias.selector_hash) != index || !alias_wheel_.IsScheduled(index)) return false;
  if (alias.state == AliasState::kSpent) return true;
  const AliasRecord::Pending& links = alias.link.pending;
  if (links.page >= sessions_.high_water() || sessions_[links.page].kind != RecordKind::kPage) {
    return false;
  }
  if (static_cast<int32_t>(alias.deadline - sessions_[links.page].absolute_deadline) > 0) {
    return false;
  }
  if (links.prev_sibling == kNoRecord) {
    if (sessions_[links.page].family.page.first_alias != index) return false;
  } else if (links.prev_sibling >= aliases_.high_water() ||
             aliases_[links.prev_sibling].state != AliasState::kPending ||
             aliases_[links.prev_sibling].link.pending.next_sibling != index) {
    return false;
  }
  return links.next_sibling == kNoRecord ||
         (links.next_sibling < aliases_.high_water() &&
          aliases_[links.next_sibling].state == AliasState::kPending &&
          aliases_[links.next_sibling].link.pending.prev_sibling == index);
}

}  // namespace amfgate
