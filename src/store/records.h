// The store's records: one per session and one per alias, laid out by hand.
//
// Every link is a 32-bit index into the record's own slab pool, and every
// deadline a 32-bit tick count (kStoreTick units since the store opened,
// modulo 2^32). That is what keeps a session at exactly one 64-byte cache
// line and an alias at 72 bytes, with all of a lookup's fields in that one
// line. The static_asserts below hold the layout to it.
//
// A record's meaning depends on its state (kind or alias state). While a
// record is free, wheel.next carries the slab pool's free-list link.
#pragma once

#include <array>
#include <cstdint>

#include "store/timer_wheel.h"

namespace amfgate {

constexpr uint32_t kNoRecord = 0xFFFFFFFF;

using SecretDigest = std::array<uint8_t, 16>;

// kFree must be 0: new slabs are zero-initialized.
enum class RecordKind : uint8_t { kFree = 0, kPage = 1, kGateway = 2 };

struct alignas(64) SessionRecord {
  uint64_t selector_hash = 0;  // keyed XXH3 of the token's selector
  SecretDigest digest{};       // one-way digest of the token's secret
  uint32_t idle_deadline = 0;  // ticks; never later than absolute_deadline; the wheel's due tick
  uint32_t absolute_deadline = 0;
  uint32_t user = 0;
  uint32_t generation = 0;  // bumped when the record is freed; kept across reuse
  // Family links: a page session heads two lists (its gateway sessions and
  // its pending aliases); a gateway session is a member of its parent's list.
  struct PageFamily {
    uint32_t first_child;
    uint32_t first_alias;
    uint8_t pending_aliases;
  };
  struct GatewayFamily {
    uint32_t parent;
    uint32_t next_sibling;
    uint32_t prev_sibling;
  };
  union {
    PageFamily page;
    GatewayFamily gateway;
  } family{};
  WheelLinks wheel;
  RecordKind kind = RecordKind::kFree;

  uint32_t& FreeLink() { return wheel.next; }
  uint32_t FreeLink() const { return wheel.next; }
};
static_assert(sizeof(SessionRecord) == 64, "a session is one cache line");

enum class AliasState : uint8_t { kFree = 0, kPending = 1, kSpent = 2 };

struct AliasRecord {
  uint64_t selector_hash = 0;
  SecretDigest digest{};
  std::array<uint8_t, 16> challenge{};  // first 16 bytes of SHA-256(verifier), if has_challenge
  uint32_t deadline = 0;                // ticks; the wheel's due tick
  // Pending: a member of its page session's alias list. Spent (a tombstone):
  // the gateway session its redemption created, if any.
  struct Pending {
    uint32_t page;
    uint32_t next_sibling;
    uint32_t prev_sibling;
  };
  struct Spent {
    uint32_t child;
    uint32_t child_generation;
  };
  union {
    Pending pending;
    Spent spent;
  } link{};
  WheelLinks wheel;
  AliasState state = AliasState::kFree;
  bool has_challenge = false;

  uint32_t& FreeLink() { return wheel.next; }
  uint32_t FreeLink() const { return wheel.next; }
};
static_assert(sizeof(AliasRecord) == 72, "an alias is 72 bytes");

}  // namespace amfgate
