// SessionStore: page sessions, gateway sessions and one-time aliases, in
// memory, owned by one thread (the loop's), driven by a clock passed in.
//
// What it holds. A *page session* belongs to a user logged in on a web page.
// An *alias* is minted for a page session and redeemed once, atomically, into
// a new *gateway session* for the same user, linked to the page session (its
// parent). Ending a page session (logout, expiry, revocation) ends its gateway
// sessions and its pending aliases in the same call. A gateway session never
// outlives its parent: its absolute deadline is capped by the parent's, and
// using a gateway session also touches its parent's idle deadline (the user is
// active in the embedded client even while the page itself sits idle).
//
// Tokens and the threat model. Every token is 32 bytes from the DRBG
// (token.h): a 16-byte selector and a 16-byte secret. The store never keeps a
// token in the clear:
//   - it finds a record by XXH3-64 of the selector keyed with a per-process
//     random 192-byte secret (an attacker cannot aim collisions at the table
//     without that key);
//   - it keeps a 16-byte digest of the secret, D = AES-128_K(s) XOR s (the
//     Davies-Meyer / Matyas-Meyer-Oseas one-way function) under a per-process
//     random key K, and compares digests in constant time with
//     mbedtls_ct_memcmp (its byte loop is ~150 instructions, a third of a
//     lookup, but its constant time is the library's promise rather than
//     an accident of how a compiler lowers our own XORs).
// A memory dump (or a core file) therefore reveals keys, hashes and digests
// but no usable token: turning a digest back into a secret means inverting
// Davies-Meyer, a 2^128 preimage search even with K known. SHA-256 would do
// the same job but costs ~410 ns per call on this machine (mbedTLS has no
// SHA-NI path on x86) against ~10 ns for one inline AES-NI block
// (aes128.h), on the path of every request. The digest need not resist a
// guess of the secret (128 random bits). Logs name a token only by Tag(): 64
// bits of XXH3 under a third per-process key, which links log lines together
// within one process life and reveals nothing about the token.
//
// Time. Deadlines are MonoTime; the store keeps them at a resolution of
// kStoreTick (1 ms), rounded down, in 32-bit counters relative to the time the
// store was opened (wrap-safe: every live deadline lies within 2^31 ticks,
// ~24.8 days, of now; session_lifetime is capped at 24 days). Validity is
// checked against `now` on every lookup, so nothing is usable after its
// deadline even if the wheel has not reclaimed it yet. Rounding down means an
// entry may end up to one tick (< 1 ms) before its nominal deadline, never
// after it: the contract is that nothing is usable past its deadline.
// Advance(now) is the timer-wheel tick that reclaims memory, with bounded work
// per call.
//
// Caps refuse and never evict: at max_sessions (page and gateway together),
// max_aliases (pending aliases and tombstones together: both hold memory) or
// max_pending_aliases (per page session) the operation fails with kBusy.
//
// Exactly once. RedeemAlias is one step with no yield, on one thread: the
// first call for an alias consumes it and leaves a tombstone until the
// alias's original deadline; any later call (pipelined, batched, replayed)
// fails and, if it presents the real alias, ends the gateway session the first
// redemption created (Denial::kReplayed: the caller logs a security event).
//
// Memory (x86-64): a session record is 64 bytes (one cache line), an alias
// record 72; each table slot is 4 bytes at a load factor between 3/8 and 3/4
// (so 5 to 11 bytes per entry; for a short while after a table doubles, the
// old half-size table is still being drained). Records live in slabs
// (slab_pool.h) mapped as the store grows and never unmapped; freed records
// are reused and the tables grow incrementally (keyed_table.h), so
// steady-state operation does not allocate and growth never stalls the loop.
// Memory follows the live entries, not the caps: bench_store measures 74
// bytes per session and 82 per alias at a million of each.
//
// Cost: a lookup parses the text, hashes the selector and digests the
// secret in one call (TokenKeys::Present: with AVX-512 VBMI the decode, XXH3
// and the AES-NI block run inline together, ~75 instructions), probes the
// hash's home slot, reads the record the slot names, compares digests with
// mbedtls_ct_memcmp (a byte loop of ~150 instructions), touches and builds
// the view: ~350 instructions, 45-60 ns with everything in cache
// (bench_store's store_lookup_cached_ns), a time set by the chain of
// dependent steps more than by the instruction count. With a million
// sessions the slot (in an 8 MB table) and then the record (in 64 MB of
// slabs) are two dependent cache misses: ~35-45 ns and ~125-135 ns on the
// reference VM with huge pages when the machine is otherwise quiet
// (store_dependent_read_8mb_ns and _64mb_ns, measured in the same run; the
// 8 MB figure climbs past 100 ns when other processes churn the shared
// cache). Consecutive lookups barely overlap: while a lookup waits for its
// record, every instruction that needs the record's data holds a scheduler
// entry, mbedtls_ct_memcmp's loop alone 48 of them, and once the entries run
// out the next lookup's instructions (and its misses) wait too; 30 more such
// instructions measured ~110 ns more per lookup. That is why the path is
// kept short and why what does not need the record comes before it. So a
// lookup costs about its in-cache time plus one record miss: bench_store
// measures ~175-205 ns per lookup in random order on the shared 2-core
// machine (load 7-8), and the same lookups with a two-word XOR in place of
// mbedtls_ct_memcmp ~150-165 ns. Redemption adds a 32-byte draw from the
// DRBG's pool (~20 ns; random.h), a second record (the page session), the
// new session's table insert, family and wheel links, and the new token's
// encoding: ~700-900 ns. bench/bench_store.cpp measures all of this.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"
#include "store/keyed_table.h"
#include "store/records.h"
#include "store/slab_pool.h"
#include "store/timer_wheel.h"
#include "store/token.h"
#include "store/token_keys.h"
#include "store/user_table.h"

namespace amfgate {

class Random;

// The store keeps deadlines at this resolution (see "Time" above).
constexpr Duration kStoreTick = kMillisecond;

struct StoreLimits {
  Duration alias_ttl = 30 * kSecond;                // 1 s .. 600 s
  Duration session_idle = 30 * 60 * kSecond;        // > 0
  Duration session_lifetime = 12 * 3600 * kSecond;  // > 0, at most 24 days
  uint32_t max_sessions = 1000000;                  // page and gateway sessions together
  uint32_t max_aliases = 1000000;                   // pending aliases and tombstones together
  uint32_t max_pending_aliases = 8;                 // per page session, at most 255

  // Names the first field out of range.
  Status Check() const;
};

// Caps and table sizes stay below this (index space, and a sane memory bound).
constexpr uint32_t kMaxStoreEntries = 1u << 28;

enum class SessionKind : uint8_t { kPage = 1, kGateway = 2 };

using UserId = uint32_t;

// Names a live session without its token. Safe to keep: once the session ends
// the handle stops matching (the record's generation moves on).
struct SessionHandle {
  static constexpr uint32_t kNoIndex = 0xFFFFFFFF;
  uint32_t index = kNoIndex;
  uint32_t generation = 0;

  bool valid() const { return index != kNoIndex; }
  friend bool operator==(const SessionHandle&, const SessionHandle&) = default;
};

// A copy of what the caller may know about a session; taken at one instant.
struct SessionView {
  SessionHandle handle;
  SessionHandle parent;  // a gateway session's page session; invalid for a page session
  SessionKind kind = SessionKind::kPage;
  UserId user = 0;
  std::string_view user_name;  // valid as long as the store
  MonoTime idle_deadline = 0;  // after this lookup's touch
  MonoTime absolute_deadline = 0;

  MonoTime expires() const { return idle_deadline; }  // idle_deadline <= absolute_deadline
};

struct NewSession {
  TokenText token;  // the only copy of the token: the store keeps none
  SessionView view;
};

struct NewAlias {
  TokenText token;
  MonoTime expires = 0;
};

// SHA-256 of a proof-of-possession verifier, given when the alias is minted.
using AliasChallenge = std::array<uint8_t, 32>;

// Why a redemption failed. The client is told none of this (every failure is
// the same fault); it is for the log.
enum class Denial : uint8_t {
  kNone = 0,
  kMalformed,      // not a well-formed token: rejected before any lookup
  kUnknown,        // no such alias (never minted, or reclaimed after its deadline)
  kExpired,        // past its deadline, not yet reclaimed
  kParentGone,     // its page session ended or expired (the alias is consumed)
  kWrongVerifier,  // proof of possession failed (the alias is consumed)
  kReplayed,       // already redeemed: the session it created is ended now
  kBusy,           // session cap reached; the alias is kept for a retry
  kInternal,       // the DRBG failed to produce a token
};
const char* DenialName(Denial denial);

struct Redemption {
  // kOk; kDenied for every failure of the alias itself; kBusy at the session
  // cap (answer "busy, retry", the alias stays pending); kInternal.
  Code code = Code::kDenied;
  Denial denial = Denial::kNone;
  NewSession session;     // when code == kOk
  SessionHandle revoked;  // kReplayed: the session ended because of it, if it was still live

  bool ok() const { return code == Code::kOk; }
  // Replays and failed proofs of possession: log them as security events.
  bool security_event() const {
    return denial == Denial::kReplayed || denial == Denial::kWrongVerifier;
  }
};

struct StoreCounts {
  uint32_t page_sessions = 0;
  uint32_t gateway_sessions = 0;
  uint32_t pending_aliases = 0;
  uint32_t alias_tombstones = 0;
  uint32_t users = 0;
  // Freed by the wheel since the store opened, families of expired page
  // sessions included (sessions ended by EndSession or a replay are not).
  uint64_t reclaimed_sessions = 0;
  uint64_t reclaimed_aliases = 0;
};

struct AdvanceResult {
  uint32_t work = 0;  // entries moved, reclaimed or re-filed by this call
  bool more = false;  // the budget ran out with entries still due: call again soon
};

class SessionStore {
 public:
  // Work per Advance call by default: keeps one call around a millisecond
  // (bench_store's store_max_tick_ms).
  static constexpr uint32_t kDefaultAdvanceBudget = 4096;

  // `random` must outlive the store. `now` is the store's time origin.
  static Status Open(const StoreLimits& limits, Random& random, MonoTime now,
                     std::unique_ptr<SessionStore>* out);
  ~SessionStore();
  SessionStore(const SessionStore&) = delete;
  SessionStore& operator=(const SessionStore&) = delete;

  // New TTLs apply to entries created from now on; new caps to the next
  // creation (lowering a cap ends nothing).
  Status Reconfigure(const StoreLimits& limits);
  const StoreLimits& limits() const { return limits_; }

  // A new page session for `user_name` (interned; see UserName). kBusy at
  // max_sessions, kInvalidArgument for an empty name, kInternal on DRBG
  // failure.
  Result<NewSession> CreatePageSession(std::string_view user_name, MonoTime now);

  // Finds a live session of the expected kind by its token text and touches
  // its idle deadline (and its parent's). kMalformed for a malformed token
  // (before any lookup); kNotFound for unknown, expired, ended or other-kind.
  Result<SessionView> LookupSession(std::string_view token_text, SessionKind expected,
                                    MonoTime now);

  // The same by handle, without touching anything. kNotFound once ended or
  // expired.
  Result<SessionView> PeekSession(SessionHandle handle, MonoTime now) const;

  // Ends the session (a page session: also its gateway sessions and pending
  // aliases). Returns false if the handle named nothing live.
  bool EndSession(SessionHandle handle);

  // A new alias for a live page session, valid for alias_ttl (and never past
  // the page session's absolute deadline). kNotFound if `page` is not a live
  // page session; kBusy at max_aliases or max_pending_aliases; kInternal on
  // DRBG failure. With a challenge, redemption needs the verifier.
  Result<NewAlias> MintAlias(SessionHandle page, MonoTime now,
                             const AliasChallenge* challenge = nullptr);

  // Consumes the alias and creates a gateway session (see Redemption). An
  // empty verifier means none was sent; a verifier sent for an alias minted
  // without a challenge is ignored.
  Redemption RedeemAlias(std::string_view alias_text, MonoTime now, std::string_view verifier = {});

  // Reclaims what is due at `now`: at most `budget` units of work (one unit
  // per entry moved between wheel levels, reclaimed or re-filed). A page
  // session reclaimed here ends its family as EndSession does.
  AdvanceResult Advance(MonoTime now, uint32_t budget = kDefaultAdvanceBudget);

  StoreCounts Counts() const;
  std::string_view UserName(UserId user) const;
  TokenTag Tag(std::string_view token_text) const;

  // Checks every invariant of the tables, records, family links and the
  // wheels; O(entries). For tests and debug builds.
  bool Validate() const;

 private:
  // What each wheel needs of its records: the embedded links and the due tick.
  struct SessionEntries {
    SlabPool<SessionRecord>* pool;
    WheelLinks& Links(uint32_t id) const { return (*pool)[id].wheel; }
    uint32_t Due(uint32_t id) const { return (*pool)[id].idle_deadline; }
  };
  struct AliasEntries {
    SlabPool<AliasRecord>* pool;
    WheelLinks& Links(uint32_t id) const { return (*pool)[id].wheel; }
    uint32_t Due(uint32_t id) const { return (*pool)[id].deadline; }
  };

  SessionStore(const StoreLimits& limits, Random& random, MonoTime now);

  // Time in ticks: "now" and deadlines both round down, so an entry is never
  // valid at or past its nominal deadline.
  uint64_t NowTick(MonoTime now) const;
  uint32_t DeadlineTick(MonoTime deadline) const;
  MonoTime TickTime(uint32_t tick, uint64_t now_tick) const;

  uint32_t SessionCount() const { return page_sessions_ + gateway_sessions_; }
  uint32_t AliasCount() const { return pending_aliases_ + alias_tombstones_; }
  // The hash each table reads from its records (keyed_table.h).
  auto SessionHash() const {
    return [this](uint32_t i) { return sessions_[i].selector_hash; };
  }
  auto AliasHash() const {
    return [this](uint32_t i) { return aliases_[i].selector_hash; };
  }
  uint32_t FindSession(uint64_t hash) const;
  uint32_t FindAlias(uint64_t hash) const;
  // What a lookup needs of a presented token.
  struct Presented {
    uint64_t hash = 0;
    SecretDigest digest{};
  };
  Code Present(std::string_view text, const KeyedTable& table, Presented* presented) const;
  bool IsLive(SessionHandle handle) const;
  bool IsValidAt(const SessionRecord& record, uint64_t now_tick) const;
  void Touch(SessionRecord& record, uint32_t idle_tick);
  SessionView ViewOf(uint32_t index, uint64_t now_tick) const;

  // A fresh token whose selector hash is not yet in `table`.
  Result<Token> FreshToken(bool session_table, uint64_t* hash);
  Result<NewSession> InsertSession(RecordKind kind, uint32_t user, uint32_t parent, MonoTime now);
  // Ends a session and, for a page session, its family; returns the number
  // of records freed.
  uint32_t EndRecord(uint32_t index);
  void FreeSession(uint32_t index);
  void UnlinkPendingAlias(uint32_t index);
  void FreeAlias(uint32_t index);
  void SpendAlias(uint32_t index, SessionHandle child);

  bool ValidateSession(uint32_t index) const;
  bool ValidateAlias(uint32_t index) const;

  StoreLimits limits_;
  Random& random_;
  const MonoTime epoch_;
  TokenKeys keys_;
  UserTable users_;
  SlabPool<SessionRecord> sessions_;
  SlabPool<AliasRecord> aliases_;
  KeyedTable session_table_;
  KeyedTable alias_table_;
  SessionEntries session_entries_{&sessions_};
  AliasEntries alias_entries_{&aliases_};
  TimerWheel<SessionEntries> session_wheel_;
  TimerWheel<AliasEntries> alias_wheel_;
  uint32_t page_sessions_ = 0;
  uint32_t gateway_sessions_ = 0;
  uint32_t pending_aliases_ = 0;
  uint32_t alias_tombstones_ = 0;
  uint64_t reclaimed_sessions_ = 0;
  uint64_t reclaimed_aliases_ = 0;
};

}  // namespace amfgate
