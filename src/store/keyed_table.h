// KeyedTable: an open-addressing index from a 64-bit keyed hash to a 32-bit
// record index (linear probing, backward-shift deletion, no tombstones),
// which grows without ever stopping the loop to rehash.
//
// A slot is 4 bytes: the record index + 1 in its low bits (0 marks an empty
// slot) and a tag of the hash's low word in the bits above. How many bits
// each gets follows the capacity: a table of 2^k slots keeps k index bits
// (Reserve grows it before an index would not fit, which with the store's
// dense pools never comes before the load does) and 32 - k tag bits, 11 at
// a million entries. The home slot is the hash's top k bits, so tag and home
// are independent. Sixteen slots share a cache line, so at the table's load
// (3/8 to 3/4) a probe usually stays in one line, and a million entries take
// 8 MB instead of the 16 of 8-byte slots: the table's cache miss is the
// first of a lookup's two dependent ones, and a smaller table both misses
// less often and misses in a nearer cache.
//
// What a slot does not hold, the record does: a tag can match a foreign
// hash, so Find confirms with the full 64-bit hash the record keeps
// (`hash_of(index)`, read from the record the caller is about to use
// anyway), and moving an entry (backward shift, migration) reads its hash
// from its record to learn its home. That costs a record read per entry
// moved, on the insert and erase paths only: lookups stay one slot and one
// record.
//
// Growth is incremental, as in redis's dict: when an insert would pass 3/4
// load, a table twice the size becomes current and the old one is drained a
// few slots per Insert or Erase (kMigrateSteps), fast enough that it is empty
// long before the new one fills. Meanwhile Find looks in the current table,
// then the old; each stays a valid linear-probing table throughout (entries
// leave the old one by a proper backward-shift erase). So every operation is
// O(1) expected with a small constant bound on extra work, and a million
// entries never cost a stall. Each table is its own anonymous mapping
// (MappedRegion), so a fresh table costs RSS only as its pages are touched,
// and the old table goes back to the system once drained. The table never
// shrinks.
//
// Keys are keyed hashes (XXH3 under a per-process secret): an attacker cannot
// choose inputs that pile into one probe run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "store/mapped_region.h"

namespace amfgate {

class KeyedTable {
 public:
  static constexpr uint32_t kNone = 0xFFFFFFFF;
  static constexpr uint32_t kMigrateSteps = 8;  // per Insert/Erase, while growing

  KeyedTable() = default;
  KeyedTable(const KeyedTable&) = delete;
  KeyedTable& operator=(const KeyedTable&) = delete;

  // Makes room for one more Insert, of an index below `index_limit`, growing
  // if needed. False only if the memory cannot be had (the table is
  // unchanged and still usable). `hash_of` as for Find.
  template <typename HashOf>
  [[nodiscard]] bool Reserve(uint32_t index_limit, HashOf&& hash_of) {
    if (Fits(index_limit)) return true;
    // Still draining the previous growth (only if Reserve outruns Migrate,
    // which the step count rules out for dense indices): finish it first.
    while (old_.slots != nullptr) Migrate(hash_of);
    return Grow(index_limit);
  }

  uint32_t size() const { return current_.size + old_.size; }
  uint32_t capacity() const { return current_.mask + 1; }
  bool growing() const { return old_.slots != nullptr; }

  // `hash_of(index)` is the hash an entry was inserted under, for every
  // index in the table (the caller reads it from its record).
  template <typename HashOf>
  uint32_t Find(uint64_t hash, HashOf&& hash_of) const {
    uint32_t index = FindIn(current_, hash, hash_of);
    if (index == kNone && old_.slots != nullptr) index = FindIn(old_, hash, hash_of);
    return index;
  }

  // Starts fetching the cache line of `hash`'s home slot (in both tables
  // while growing), so that the miss overlaps whatever the caller computes
  // before its Find.
  void Prefetch(uint64_t hash) const {
    if (current_.slots != nullptr) PrefetchLine(&current_.slots[current_.Home(hash)]);
    if (old_.slots != nullptr) PrefetchLine(&old_.slots[old_.Home(hash)]);
  }

  // `index` must not be in the table; Reserve() must have succeeded since
  // the last Insert, for a limit above `index`.
  template <typename HashOf>
  void Insert(uint64_t hash, uint32_t index, HashOf&& hash_of) {
    Place(current_, hash, index + 1);
    Migrate(hash_of);
  }

  // Removes `index`, which must be in the table under `hash`.
  template <typename HashOf>
  void Erase(uint64_t hash, uint32_t index, HashOf&& hash_of) {
    uint32_t at = Locate(current_, hash, index + 1);
    if (at != kNone) {
      EraseAt(current_, at, hash_of);
    } else {
      EraseAt(old_, Locate(old_, hash, index + 1), hash_of);
    }
    Migrate(hash_of);
  }

  // Every entry is reachable from its home slot without crossing an empty
  // slot, carries its record's tag, and appears once; the drained part of
  // the old table is empty.
  template <typename HashOf>
  bool Validate(HashOf&& hash_of) const {
    if (!ValidateIn(current_, hash_of)) return false;
    if (old_.slots == nullptr) return true;
    for (uint32_t i = 0; i < drained_; ++i) {
      if (old_.slots[i] != 0) return false;
    }
    return ValidateIn(old_, hash_of);
  }

 private:
  // Slots live in their own mapping (mapped_region.h): zero pages until
  // touched, huge pages when large, and returned to the system when dropped.
  struct Table {
    MappedRegion memory;
    uint32_t* slots = nullptr;
    uint32_t mask = 0;   // capacity - 1: also the index bits of a slot
    uint32_t shift = 0;  // 64 - log2(capacity): the home is hash >> shift
    uint32_t size = 0;

    uint32_t Home(uint64_t hash) const { return static_cast<uint32_t>(hash >> shift); }
    uint32_t Tag(uint64_t hash) const { return static_cast<uint32_t>(hash) & ~mask; }
    uint32_t Ref(uint32_t slot) const { return slot & mask; }
  };

  // GCC 12 at -O2 deletes __builtin_prefetch here (its tree DCE pass: the
  // store's object had no prefetch instruction at all), so on x86-64 the
  // instruction is written out; it never faults and loads nothing into a
  // register.
  static void PrefetchLine(const void* address) {
#if defined(__x86_64__)
    asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(address)));
#else
    __builtin_prefetch(address);
#endif
  }

  template <typename HashOf>
  static uint32_t FindIn(const Table& table, uint64_t hash, HashOf& hash_of) {
    if (table.slots == nullptr) return kNone;
    const uint32_t tag = table.Tag(hash);
    const uint32_t* slots = table.slots;
    for (uint32_t i = table.Home(hash);; i = (i + 1) & table.mask) {
      const uint32_t slot = slots[i];
      const uint32_t ref = table.Ref(slot);
      if (ref == 0) return kNone;
      if ((slot & ~table.mask) == tag && hash_of(ref - 1) == hash) return ref - 1;
    }
  }

  template <typename HashOf>
  static bool ValidateIn(const Table& table, HashOf& hash_of) {
    if (table.slots == nullptr) return table.size == 0;
    const uint32_t* slots = table.slots;
    uint32_t count = 0;
    for (uint32_t i = 0; i <= table.mask; ++i) {
      const uint32_t ref = table.Ref(slots[i]);
      if (ref == 0) continue;
      ++count;
      const uint64_t hash = hash_of(ref - 1);
      if ((slots[i] & ~table.mask) != table.Tag(hash)) return false;
      for (uint32_t j = table.Home(hash); j != i; j = (j + 1) & table.mask) {
        if (table.Ref(slots[j]) == 0 || table.Ref(slots[j]) == ref) return false;
      }
    }
    return count == table.size && count * uint64_t{4} <= (uint64_t{table.mask} + 1) * 3;
  }

  static void Place(Table& table, uint64_t hash, uint32_t ref) {
    uint32_t* slots = table.slots;
    uint32_t i = table.Home(hash);
    while (slots[i] != 0) i = (i + 1) & table.mask;
    slots[i] = table.Tag(hash) | ref;
    ++table.size;
  }

  // Empties slot `hole` of `table`, pulling later entries of its run back.
  // Backward shift (Knuth 6.4, Algorithm R): pull later entries of the run
  // into the hole when the hole lies between their home and where they sit,
  // so no lookup ever meets a gap inside its probe sequence.
  template <typename HashOf>
  static void EraseAt(Table& table, uint32_t hole, HashOf& hash_of) {
    uint32_t* slots = table.slots;
    const uint32_t mask = table.mask;
    for (uint32_t j = (hole + 1) & mask; slots[j] != 0; j = (j + 1) & mask) {
      const uint32_t home = table.Home(hash_of(table.Ref(slots[j]) - 1));
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        slots[hole] = slots[j];
        hole = j;
      }
    }
    slots[hole] = 0;
    --table.size;
  }

  static uint32_t Locate(const Table& table, uint64_t hash, uint32_t ref);
  // One more entry, of an index below `index_limit`, fits without growing.
  bool Fits(uint32_t index_limit) const;
  // Makes a table big enough for that current, and the current one old_.
  bool Grow(uint32_t index_limit);

  // Moves up to kMigrateSteps entries (or empty slots passed) from old_ to
  // current_. Erasing from old_ keeps it a valid table; it never pulls an
  // entry below drained_, since backward shift only moves entries towards
  // the hole (which may refill the slot just emptied: it is drained again
  // before moving on).
  template <typename HashOf>
  void Migrate(HashOf& hash_of) {
    for (uint32_t step = 0; step < kMigrateSteps && old_.slots != nullptr; ++step) {
      const uint32_t slot = old_.slots[drained_];
      if (slot != 0) {
        const uint32_t ref = old_.Ref(slot);
        EraseAt(old_, drained_, hash_of);
        Place(current_, hash_of(ref - 1), ref);
      }
      if (old_.size == 0) {
        old_ = Table{};
      } else if (old_.slots[drained_] == 0) {
        ++drained_;
      }
    }
  }

  Table current_;
  Table old_;             // being drained into current_; empty when not growing
  uint32_t drained_ = 0;  // old_ slots below this are empty
};

}  // namespace amfgate
