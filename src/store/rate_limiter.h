// RateLimiter: token buckets per client address and one for everyone, for
// alias redemption and password attempts.
//
// Each bucket holds up to `burst` tokens and refills at `rate` tokens per
// second; a request takes one token from its address's bucket and then one
// from the global bucket, and is refused if either is empty. The address
// bucket is checked first and a refused request takes nothing from the global
// bucket, so a guessing storm from one address spends only that address's
// own allowance and cannot drain the budget of every other client.
//
// A bucket is kept as its "theoretical arrival time" (GCRA, the
// virtual-scheduling form of a token bucket): one MonoTime per address, no
// floating point on the hot path. A bucket whose time lies in the past is
// full, which is the same as not being in the table at all.
//
// Addresses are raw bytes: 4 for IPv4, 16 for IPv6. An IPv4-mapped IPv6
// address (::ffff:a.b.c.d, as a dual-stack socket reports) counts as its IPv4
// address, and an IPv6 address counts by its first `ipv6_prefix_bits` bits
// (default /64: one subscriber's whole network shares one bucket, or a
// single host could rotate through 2^64 addresses).
//
// The table is bounded (max_addresses, rounded up to a power of two) and
// set-associative: an address lives in one set of 8 slots chosen by XXH3
// keyed with a per-process random secret. When a set is full, the slot
// with the fullest bucket is reused, so eviction only ever forgets an
// address that has been quiet the longest among its set, giving it a full
// bucket it would soon have had anyway; the global bucket still bounds the
// total. Allow() is O(8) and never allocates. The table is one anonymous
// mapping (mapped_region.h) made once at Open: its pages read as zeros and
// cost RSS only when an address first lands in them, so an idle server pays
// nothing for the 1.5 MiB a 65,536-address table spans, and a busy one pays
// for the sets its clients use. A slot keeps its arrival time relative to the
// time the limiter was opened, so an untouched (all-zero) slot is exactly a
// slot filled at Open: an unknown address with a full bucket.
// Owned by one thread.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>

#include "core/clock.h"
#include "core/status.h"
#include "store/mapped_region.h"

namespace amfgate {

class Random;

struct RateLimiterOptions {
  double address_rate = 20;     // tokens per second per address; > 0
  uint32_t address_burst = 40;  // >= 1
  double global_rate = 20000;   // > 0
  uint32_t global_burst = 40000;
  uint32_t max_addresses = 65536;  // slots in the table, rounded up to a power of two (>= 8)
  uint8_t ipv6_prefix_bits = 64;   // 1..128

  Status Check() const;
};

enum class RateVerdict : uint8_t { kAllowed, kAddressLimited, kGlobalLimited };

struct RateDecision {
  RateVerdict verdict = RateVerdict::kAllowed;
  Duration retry_after = 0;  // when refused: until the refusing bucket has a token again

  bool allowed() const { return verdict == RateVerdict::kAllowed; }
};

class RateLimiter {
 public:
  // `random` provides the per-process hash key, only during Open.
  static Status Open(const RateLimiterOptions& options, Random& random, MonoTime now,
                     std::unique_ptr<RateLimiter>* out);
  ~RateLimiter();
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Takes a token for `address` (4 or 16 bytes; any other length counts as
  // one shared "unknown" address) and from the global bucket.
  RateDecision Allow(std::span<const uint8_t> address, MonoTime now);

  // Addresses currently remembered with a bucket that is not full.
  uint32_t TrackedAddresses(MonoTime now) const;
  const RateLimiterOptions& options() const { return options_; }

  bool Validate() const;

 private:
  struct Slot;
  RateLimiter(const RateLimiterOptions& options, MonoTime now);

  RateLimiterOptions options_;
  Duration address_interval_ = 0;   // ns per token
  Duration address_tolerance_ = 0;  // (burst - 1) intervals
  Duration global_interval_ = 0;
  Duration global_tolerance_ = 0;
  MonoTime global_tat_ = 0;
  const MonoTime origin_;  // the time of Open; slots keep arrival times relative to it
  uint32_t set_mask_ = 0;  // number of sets - 1
  MappedRegion table_;
  Slot* slots_ = nullptr;  // table_'s memory
  std::array<uint8_t, 192> hash_secret_{};
};

}  // namespace amfgate
