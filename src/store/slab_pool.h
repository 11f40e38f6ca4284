// SlabPool<T>: records addressed by 32-bit indices, stored in slabs of 2^18
// records (16 MB of 64-byte records, a whole number of huge pages for any
// record size that is a multiple of 8: see mapped_region.h).
//
// Why indices: the store links records to each other (families, wheel lists,
// table slots) with 32-bit indices instead of 64-bit pointers, which is what
// keeps a session record at one cache line. A slab never moves once mapped,
// so a reference stays valid until its record is freed.
//
// Allocation takes a record from the free list (the most recently freed
// first, while its cache line is likely warm) or, when the list is empty,
// the next never-used index, constructed in place; a new slab is mapped only
// when that index starts one. A slab's pages are touched (and cost RSS) only
// as records are first used, so a large slab costs address space, not memory.
// The pool allocates while it grows to a new high-water mark and never in
// steady state, and a failure to map a slab is returned as kNone, not thrown.
// Slabs are not returned to the system: the peak is what the caps allow
// anyway.
//
// The free list is threaded through the records themselves: T provides
// `uint32_t& FreeLink()` (and a const reader), a field it does not use while
// free. The pool does not know whether a given record is live; the owner
// marks that in T.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "store/mapped_region.h"

namespace amfgate {

template <typename T>
class SlabPool {
  static_assert(std::is_trivially_destructible_v<T>, "slabs are unmapped without destructors");

 public:
  static constexpr uint32_t kNone = 0xFFFFFFFF;
  static constexpr unsigned kSlabBits = 18;
  static constexpr uint32_t kSlabSize = 1u << kSlabBits;

  SlabPool() = default;
  SlabPool(const SlabPool&) = delete;
  SlabPool& operator=(const SlabPool&) = delete;

  // Returns the index of a record as it was freed (or value-initialized, if
  // never used): the owner sets every field it relies on, and may keep a
  // field across reuse on purpose (the store's generation counters). kNone
  // if a new slab was needed and could not be mapped.
  uint32_t Allocate() {
    if (free_head_ != kNone) {
      const uint32_t index = free_head_;
      free_head_ = (*this)[index].FreeLink();
      --free_count_;
      return index;
    }
    if (high_water_ == kNone) return kNone;
    if ((high_water_ & (kSlabSize - 1)) == 0) {
      MappedRegion memory = MappedRegion::Map(size_t{kSlabSize} * sizeof(T));
      if (!memory) return kNone;
      slabs_.push_back(static_cast<T*>(memory.data()));
      regions_.push_back(std::move(memory));
    }
    const uint32_t index = high_water_++;
    new (&(*this)[index]) T();
    return index;
  }

  // The caller has already marked the record free in its own terms.
  void Free(uint32_t index) {
    (*this)[index].FreeLink() = free_head_;
    free_head_ = index;
    ++free_count_;
  }

  T& operator[](uint32_t index) { return slabs_[index >> kSlabBits][index & (kSlabSize - 1)]; }
  const T& operator[](uint32_t index) const {
    return slabs_[index >> kSlabBits][index & (kSlabSize - 1)];
  }

  // Every index below high_water() has been handed out at least once.
  uint32_t high_water() const { return high_water_; }
  uint32_t live() const { return high_water_ - free_count_; }
  size_t bytes() const { return regions_.size() * size_t{kSlabSize} * sizeof(T); }

  // The free list holds exactly free_count_ distinct indices below the
  // high-water mark. `is_free(index)` is the owner's own view of a record.
  template <typename IsFree>
  bool Validate(IsFree&& is_free) const {
    uint32_t seen = 0;
    for (uint32_t i = free_head_; i != kNone; i = (*this)[i].FreeLink()) {
      if (i >= high_water_ || !is_free(i) || ++seen > free_count_) return false;
    }
    if (seen != free_count_) return false;
    uint32_t free_records = 0;
    for (uint32_t i = 0; i < high_water_; ++i) free_records += is_free(i) ? 1 : 0;
    return free_records == free_count_;
  }

 private:
  std::vector<T*> slabs_;  // slabs_[i] is the start of regions_[i]
  std::vector<MappedRegion> regions_;
  uint32_t high_water_ = 0;
  uint32_t free_head_ = kNone;
  uint32_t free_count_ = 0;
};

}  // namespace amfgate
