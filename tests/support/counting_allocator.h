// Counting replacements for the global allocation functions, for the tests
// that hold a hot path to "no heap allocation": the memory comes from malloc
// as usual, and HeapAllocations() says how many times operator new ran.
//
// Replacement allocation functions may be defined once per program, so
// include this header in exactly one translation unit of a test binary.
// They are not inlined: GCC would otherwise see malloc() and free() meet new
// and delete across the program and warn (-Wmismatched-new-delete).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

namespace amfgate::testing {

inline std::atomic<size_t> g_heap_allocations{0};

inline size_t HeapAllocations() { return g_heap_allocations.load(std::memory_order_relaxed); }

}  // namespace amfgate::testing

[[gnu::noinline]] void* operator new(size_t n) {
  amfgate::testing::g_heap_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void* operator new[](size_t n) { return operator new(n); }
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, size_t) noexcept { std::free(p); }
