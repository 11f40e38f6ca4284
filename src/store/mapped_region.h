// MappedRegion: anonymous memory taken straight from the kernel with mmap and
// given back with munmap, for the store's big arrays (record slabs, keyed
// tables, the rate limiter's table).
//
// Why not malloc: a freed table must leave RSS (malloc may keep it in its
// heap), pages must cost RSS only once touched (a zero-filled allocation
// would touch them all), and regions of 2 MB or more are aligned to 2 MB and
// marked MADV_HUGEPAGE. The store's lookups land at
// random in tens of megabytes, and on this class of machine (a VM with nested
// paging) a TLB miss costs about as much as the cache miss itself: huge pages
// cut a dependent random access from ~300 ns to ~170 ns in measurement. With
// transparent huge pages off, the advice is ignored and nothing else changes.
//
// A table read at random by a few clients at a time (the rate limiter's) asks
// for small pages instead, so that touching one slot costs 4 KiB, not 2 MiB.
//
// A MappedRegion owns its mapping (RAII, move-only). Map returns an empty
// region when the kernel refuses; callers report that as a value.
#pragma once

#include <cstddef>
#include <cstdint>

namespace amfgate {

class MappedRegion {
 public:
  static constexpr size_t kHugePage = size_t{2} << 20;
  enum class Pages : uint8_t { kHugeWhenLarge, kSmall };

  MappedRegion() = default;
  // Zero-filled, readable and writable; empty on failure.
  static MappedRegion Map(size_t bytes, Pages pages = Pages::kHugeWhenLarge);

  MappedRegion(MappedRegion&& other) noexcept { Swap(other); }
  MappedRegion& operator=(MappedRegion&& other) noexcept {
    MappedRegion gone(static_cast<MappedRegion&&>(other));
    Swap(gone);
    return *this;
  }
  MappedRegion(const MappedRegion&) = delete;
  MappedRegion& operator=(const MappedRegion&) = delete;
  ~MappedRegion();

  void* data() const { return data_; }
  size_t size() const { return size_; }
  explicit operator bool() const { return data_ != nullptr; }

 private:
  void Swap(MappedRegion& other) noexcept {
    void* d = data_;
    data_ = other.data_;
    other.data_ = d;
    size_t s = size_;
    size_ = other.size_;
    other.size_ = s;
  }

  void* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace amfgate
