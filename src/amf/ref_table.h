// RefTable: the encoder's reference tables (internal to src/amf).
//
// An open-addressing hash map from a key to its index in an AMF reference
// table, in arena storage: linear probing, power-of-two capacity, at most
// half full. It only grows (a message's tables are thrown away whole with
// the arena or by Clear()), so there are no tombstones. Lookup and insert are
// O(1) expected; growth rehashes into a fresh arena block and abandons the old
// one, so total memory stays within a small multiple of the final size.
//
// A slot is live when it carries the table's current epoch: a message that
// starts using the slots moves to the next epoch instead of rewriting them,
// so a table kept across messages (EncoderTables in a PacketEncoder) starts
// each one in O(1), with the slots the largest message so far needed.
//
// The first kSmall entries of a message live in an inline array searched
// linearly, with no hash computed: a gateway reply holds a handful of
// strings and one object, and hashing each (XXH3 for strings and traits)
// cost more than the compares it saves (measured by callgrind: ~300
// instructions per auth.loginByAlias reply). The entry past kSmall moves
// them all into the hash slots, which serve the rest of the message.
//
// KeyOps supplies `static uint64_t Hash(const Key&)` and
// `static bool Equal(const Key&, const Key&)`.
#pragma once

#include <xxhash.h>

#include <cstdint>
#include <string_view>

#include "amf/arena.h"
#include "amf/same_bytes.h"
#include "amf/value.h"

namespace amfgate::amf {

template <typename Key, typename KeyOps>
class RefTable {
 public:
  static constexpr uint32_t kNotFound = 0xFFFFFFFF;

  explicit RefTable(Arena& arena) : arena_(&arena) {}

  void Clear() { size_ = 0; }
  uint32_t size() const { return size_; }

  uint32_t Find(const Key& key) const {
    if (size_ <= kSmall) return FindSmall(key);
    uint64_t h = KeyOps::Hash(key);
    for (uint32_t i = static_cast<uint32_t>(h) & (capacity_ - 1);; i = (i + 1) & (capacity_ - 1)) {
      const Slot& s = slots_[i];
      if (s.epoch != epoch_) return kNotFound;
      if (s.hash == h && KeyOps::Equal(s.key, key)) return s.index;
    }
  }

  // The index of `key` if present; otherwise adds it with the next index and
  // returns kNotFound. One probe sequence instead of Find + Insert.
  uint32_t FindOrInsert(const Key& key) {
    if (size_ <= kSmall) {
      uint32_t index = FindSmall(key);
      if (index == kNotFound) InsertAt(key, size_);
      return index;
    }
    if (2 * (size_ + 1) > capacity_) Grow();
    uint64_t h = KeyOps::Hash(key);
    uint32_t i = static_cast<uint32_t>(h) & (capacity_ - 1);
    for (; slots_[i].epoch == epoch_; i = (i + 1) & (capacity_ - 1)) {
      if (slots_[i].hash == h && KeyOps::Equal(slots_[i].key, key)) return slots_[i].index;
    }
    slots_[i] = Slot{h, key, size_++, epoch_};
    return kNotFound;
  }

  // Adds `key` with the next index (the table's size before the call).
  void Insert(const Key& key) { InsertAt(key, size_); }

  // Adds `key` with a given index: for a cache that maps to another table's
  // indices (size() then counts entries, not indices).
  void InsertAt(const Key& key, uint32_t index) {
    if (size_ < kSmall) {
      small_[size_++] = SmallEntry{key, index};
      return;
    }
    InsertHashed(key, index);
  }

 private:
  static constexpr uint32_t kSmall = 8;

  struct SmallEntry {
    Key key;
    uint32_t index;
  };

  // Out of line, so that the inline-array case of InsertAt stays small
  // enough to inline.
  [[gnu::noinline]] void InsertHashed(const Key& key, uint32_t index) {
    if (size_ == kSmall) SpillSmall();
    if (2 * (size_ + 1) > capacity_) Grow();
    Place(Slot{KeyOps::Hash(key), key, index, epoch_});
    ++size_;
  }

  uint32_t FindSmall(const Key& key) const {
    for (uint32_t i = 0; i < size_; ++i) {
      if (KeyOps::Equal(small_[i].key, key)) return small_[i].index;
    }
    return kNotFound;
  }

  // The table outgrows the inline array: its entries move to the hash slots
  // under a fresh epoch, in which slots left from earlier messages are stale.
  void SpillSmall() {
    if (++epoch_ == 0) {
      // After 2^32 - 1 spills the epoch wraps: stale slots must not match it.
      for (uint32_t i = 0; i < capacity_; ++i) slots_[i].epoch = 0;
      epoch_ = 1;
    }
    while (2 * (kSmall + 1) > capacity_) Grow();
    for (const SmallEntry& e : small_) Place(Slot{KeyOps::Hash(e.key), e.key, e.index, epoch_});
  }

  struct Slot {
    uint64_t hash;
    Key key;
    uint32_t index;
    uint32_t epoch;  // live when equal to the table's epoch_
  };

  void Place(const Slot& slot) {
    uint32_t i = static_cast<uint32_t>(slot.hash) & (capacity_ - 1);
    while (slots_[i].epoch == epoch_) i = (i + 1) & (capacity_ - 1);
    slots_[i] = slot;
  }

  void Grow() {
    Slot* old = slots_;
    uint32_t old_capacity = capacity_;
    capacity_ = capacity_ ? capacity_ * 2 : 16;
    slots_ = arena_->AllocateArray<Slot>(capacity_);
    for (uint32_t i = 0; i < capacity_; ++i) slots_[i].epoch = 0;
    for (uint32_t i = 0; i < old_capacity; ++i) {
      if (old[i].epoch == epoch_) Place(old[i]);
    }
  }

  Arena* arena_;
  SmallEntry small_[kSmall];
  Slot* slots_ = nullptr;
  uint32_t capacity_ = 0;
  uint32_t size_ = 0;
  uint32_t epoch_ = 1;  // never 0, the mark of a slot never used
};

struct NodeKeyOps {
  static uint64_t Hash(const void* p) {
    return (reinterpret_cast<uintptr_t>(p) >> 3) * 0x9E3779B97F4A7C15ull >> 16;
  }
  static bool Equal(const void* a, const void* b) { return a == b; }
};

struct StringKeyOps {
  static uint64_t Hash(std::string_view s) { return XXH3_64bits(s.data(), s.size()); }
  static bool Equal(std::string_view a, std::string_view b) { return SameBytes(a, b); }
};

// Traits are shared by content, the way Flash shares them by class.
struct TraitsKeyOps {
  static uint64_t Hash(const Traits* t) {
    uint64_t h = XXH3_64bits(t->class_name.data(), t->class_name.size());
    h ^= (t->dynamic ? 1 : 0) | (t->externalizable ? 2 : 0) | (t->sealed_names.size() << 2);
    for (std::string_view name : t->sealed_names) {
      h = XXH3_64bits_withSeed(name.data(), name.size(), h);
    }
    return h;
  }
  static bool Equal(const Traits* a, const Traits* b) {
    if (a == b) return true;
    if (a->class_name != b->class_name || a->dynamic != b->dynamic ||
        a->externalizable != b->externalizable ||
        a->sealed_names.size() != b->sealed_names.size()) {
      return false;
    }
    for (size_t i = 0; i < a->sealed_names.size(); ++i) {
      if (a->sealed_names[i] != b->sealed_names[i]) return false;
    }
    return true;
  }
};

}  // namespace amfgate::amf
