// KeyedTable: an open-addressing index from a 64-bit keyed hash to a 32-bit
// record index (linear probing, backward-shift deletion, no tombstones).
//
// A slot is 8 bytes: the hash's high 32 bits (which also choose the home
// slot) and the record index + 1 (0 marks an empty slot). Eight slots share a
// cache line, so a probe sequence at the table's load (at most 3/4, usually
// about half) usually stays in one line. A slot's tag can match a foreign
// hash, so Find confirms with the full 64-bit hash the record keeps
// (`hash_of(index)`), read from the record the caller is about to use anyway.
//
// The table does not grow by itself: it is sized for a maximum entry count
// when built (Reset), so no insert ever rehashes on the hot path. Memory comes
// from calloc: untouched pages cost address space, not RSS, so a table built
// for a million entries costs little while the store is small.
//
// Keys are keyed hashes (XXH3 under a per-process secret), so an attacker
// cannot choose inputs that collide into long probe sequences. Costs: Find,
// Insert and Erase are O(1) expected; Reset and Validate are O(capacity).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <utility>

namespace amfgate {

class KeyedTable {
 public:
  static constexpr uint32_t kNone = 0xFFFFFFFF;

  KeyedTable() = default;
  KeyedTable(const KeyedTable&) = delete;
  KeyedTable& operator=(const KeyedTable&) = delete;

  // Empties the table and sizes it for up to `max_entries` at a load of at
  // most 3/4. False if the memory cannot be had.
  bool Reset(uint32_t max_entries);

  void Swap(KeyedTable& other) {
    std::swap(slots_, other.slots_);
    std::swap(mask_, other.mask_);
    std::swap(size_, other.size_);
    std::swap(max_entries_, other.max_entries_);
  }

  uint32_t size() const { return size_; }
  uint32_t capacity() const { return mask_ + 1; }
  uint32_t max_entries() const { return max_entries_; }

  template <typename HashOf>
  uint32_t Find(uint64_t hash, HashOf&& hash_of) const {
    const uint32_t tag = Tag(hash);
    for (uint32_t i = tag & mask_;; i = (i + 1) & mask_) {
      const Slot& slot = slots_.get()[i];
      if (slot.ref == 0) return kNone;
      if (slot.tag == tag && hash_of(slot.ref - 1) == hash) return slot.ref - 1;
    }
  }

  // `index` must not be in the table, and size() < max_entries().
  void Insert(uint64_t hash, uint32_t index);

  // Removes `index`, which must be in the table under `hash`.
  void Erase(uint64_t hash, uint32_t index);

  // Every entry is reachable from its home slot without crossing an empty
  // slot, carries its record's hash, and appears once; `hash_of(index)` gives
  // the record's hash.
  template <typename HashOf>
  bool Validate(HashOf&& hash_of) const {
    uint32_t count = 0;
    for (uint32_t i = 0; i <= mask_ && slots_ != nullptr; ++i) {
      const Slot& slot = slots_.get()[i];
      if (slot.ref == 0) continue;
      ++count;
      const uint64_t hash = hash_of(slot.ref - 1);
      if (Tag(hash) != slot.tag) return false;
      for (uint32_t j = slot.tag & mask_; j != i; j = (j + 1) & mask_) {
        if (slots_.get()[j].ref == 0 || slots_.get()[j].ref == slot.ref) return false;
      }
    }
    return count == size_ && size_ <= max_entries_;
  }

 private:
  struct Slot {
    uint32_t tag;
    uint32_t ref;
  };
  struct FreeDeleter {
    void operator()(Slot* p) const { std::free(p); }
  };

  static uint32_t Tag(uint64_t hash) { return static_cast<uint32_t>(hash >> 32); }

  std::unique_ptr<Slot, FreeDeleter> slots_;
  uint32_t mask_ = 0;
  uint32_t size_ = 0;
  uint32_t max_entries_ = 0;
};

}  // namespace amfgate
