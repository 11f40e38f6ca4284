#include "store/mapped_region.h"

#include <sys/mman.h>

#include <cstdint>

namespace amfgate {

MappedRegion MappedRegion::Map(size_t bytes, Pages pages) {
  MappedRegion region;
  if (bytes == 0) return region;
  const int prot = PROT_READ | PROT_WRITE;
  const int flags = MAP_PRIVATE | MAP_ANONYMOUS;
  if (bytes < kHugePage || pages == Pages::kSmall) {
    void* p = mmap(nullptr, bytes, prot, flags, -1, 0);
    if (p == MAP_FAILED) return region;
    region.data_ = p;
    region.size_ = bytes;
    return region;
  }
  // Over-map by one huge page and trim, so the region starts on a 2 MB
  // boundary and every 2 MB of it can be one huge page.
  const size_t size = (bytes + kHugePage - 1) / kHugePage * kHugePage;
  void* p = mmap(nullptr, size + kHugePage, prot, flags, -1, 0);
  if (p == MAP_FAILED) return region;
  const uintptr_t start = reinterpret_cast<uintptr_t>(p);
  const uintptr_t aligned = (start + kHugePage - 1) / kHugePage * kHugePage;
  if (aligned > start) munmap(p, aligned - start);
  const uintptr_t end = aligned + size;
  const uintptr_t mapped_end = start + size + kHugePage;
  if (mapped_end > end) munmap(reinterpret_cast<void*>(end), mapped_end - end);
  // Advice only: without transparent huge pages this fails harmlessly.
  (void)madvise(reinterpret_cast<void*>(aligned), size, MADV_HUGEPAGE);
  region.data_ = reinterpret_cast<void*>(aligned);
  region.size_ = size;
  return region;
}

MappedRegion::~MappedRegion() {
  if (data_ != nullptr) munmap(data_, size_);
}

}  // namespace amfgate
