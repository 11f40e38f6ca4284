// KeyedTable: an open-addressing index from a 64-bit keyed hash to a 32-bit
// record index (linear probing, backward-shift deletion, no tombstones),
// which grows without ever stopping the loop to rehash.
//
// A slot is 8 bytes: the hash's high 32 bits (which also choose the home
// slot) and the record index + 1 (0 marks an empty slot). Eight slots share a
// cache line, so at the table's load (3/8 to 3/4) a probe usually stays in
// one line. A slot's tag can match a foreign hash, so Find confirms with the
// full 64-bit hash the record keeps (`hash_of(index)`), read from the record
// the caller is about to use anyway.
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

  // Makes room for one more Insert, growing if needed. False only if the
  // memory cannot be had (the table is unchanged and still usable).
  [[nodiscard]] bool Reserve();

  uint32_t size() const { return current_.size + old_.size; }
  uint32_t capacity() const { return current_.mask + 1; }
  bool growing() const { return old_.slots != nullptr; }

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
    if (current_.slots != nullptr) PrefetchLine(&current_.slots[Tag(hash) & current_.mask]);
    if (old_.slots != nullptr) PrefetchLine(&old_.slots[Tag(hash) & old_.mask]);
  }

  // `index` must not be in the table; Reserve() must have succeeded since
  // the last Insert.
  void Insert(uint64_t hash, uint32_t index);

  // Removes `index`, which must be in the table under `hash`.
  void Erase(uint64_t hash, uint32_t index);

  // Every entry is reachable from its home slot without crossing an empty
  // slot, carries its record's hash (`hash_of(index)`), and appears once; the
  // drained part of the old table is empty.
  template <typename HashOf>
  bool Validate(HashOf&& hash_of) const {
    if (!ValidateIn(current_, hash_of)) return false;
    if (old_.slots == nullptr) return true;
    for (uint32_t i = 0; i < drained_; ++i) {
      if (old_.slots[i].ref != 0) return false;
    }
    return ValidateIn(old_, hash_of);
  }

 private:
  struct Slot {
    uint32_t tag;
    uint32_t ref;
  };
  // Slots live in their own mapping (mapped_region.h): zero pages until
  // touched, huge pages when large, and returned to the system when dropped.
  struct Table {
    MappedRegion memory;
    Slot* slots = nullptr;
    uint32_t mask = 0;
    uint32_t size = 0;
  };

  static uint32_t Tag(uint64_t hash) { return static_cast<uint32_t>(hash >> 32); }

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
    const uint32_t tag = Tag(hash);
    const Slot* slots = table.slots;
    for (uint32_t i = tag & table.mask;; i = (i + 1) & table.mask) {
      if (slots[i].ref == 0) return kNone;
      if (slots[i].tag == tag && hash_of(slots[i].ref - 1) == hash) return slots[i].ref - 1;
    }
  }

  template <typename HashOf>
  static bool ValidateIn(const Table& table, HashOf& hash_of) {
    if (table.slots == nullptr) return table.size == 0;
    const Slot* slots = table.slots;
    uint32_t count = 0;
    for (uint32_t i = 0; i <= table.mask; ++i) {
      if (slots[i].ref == 0) continue;
      ++count;
      if (Tag(hash_of(slots[i].ref - 1)) != slots[i].tag) return false;
      for (uint32_t j = slots[i].tag & table.mask; j != i; j = (j + 1) & table.mask) {
        if (slots[j].ref == 0 || slots[j].ref == slots[i].ref) return false;
      }
    }
    return count == table.size && count * uint64_t{4} <= (uint64_t{table.mask} + 1) * 3;
  }

  static void Place(Table& table, Slot slot);
  // Empties slot `hole` of `table`, pulling later entries of its run back.
  static void EraseAt(Table& table, uint32_t hole);
  static uint32_t Locate(const Table& table, uint32_t tag, uint32_t ref);
  void Migrate();

  Table current_;
  Table old_;             // being drained into current_; empty when not growing
  uint32_t drained_ = 0;  // old_ slots below this are empty
};

}  // namespace amfgate
