// Arena: the per-request bump allocator every AMF value lives in.
//
// A request's decoded values, the reference tables the decoder keeps while it
// runs, and the response the gateway builds are all carved out of one Arena.
// Allocation is a pointer bump inside the current chunk; nothing is freed one
// by one. Reset() forgets every allocation at once and keeps the chunks
// (up to a retained budget) for the next request, so a connection that reuses
// its arena reaches a steady state where decoding performs no heap allocation
// at all.
//
// Only trivially destructible types may live here: nothing in an arena is ever
// destroyed, it is simply forgotten on Reset() or when the Arena dies. Values
// in the arena may point into caller buffers (decoded strings are views into
// the input); those buffers must outlive the values, not the arena.
//
// Costs: Allocate is O(1) amortised; a request larger than the chunk size gets
// a chunk of its own. Counters: bytes_used() is what was handed out since the
// last Reset (including alignment padding), peak_bytes_used() its maximum over
// the arena's life, bytes_reserved() the chunk memory currently held. Tests
// assert decoder memory bounds with these counters.
//
// Not thread-safe; one arena belongs to one request on one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>

namespace amfgate {

class Arena {
 public:
  static constexpr size_t kDefaultChunkBytes = 4096;
  static constexpr size_t kMaxChunkBytes = 64 * 1024;
  // Chunk memory kept across Reset(); a one-off huge request does not pin
  // its memory for the rest of the connection's life.
  static constexpr size_t kDefaultRetainBytes = 1024 * 1024;

  explicit Arena(size_t first_chunk_bytes = kDefaultChunkBytes,
                 size_t retain_bytes = kDefaultRetainBytes);
  ~Arena();
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // Returns `bytes` of storage aligned to `align` (a power of two, at most
  // alignof(std::max_align_t)). Never returns nullptr; throws std::bad_alloc
  // only when the process is out of memory, like operator new.
  void* Allocate(size_t bytes, size_t align = alignof(std::max_align_t)) {
    uintptr_t p = (reinterpret_cast<uintptr_t>(cursor_) + (align - 1)) & ~(uintptr_t{align} - 1);
    if (cursor_ != nullptr && p + bytes <= reinterpret_cast<uintptr_t>(limit_)) {
      char* out = reinterpret_cast<char*>(p);
      used_ += (out + bytes) - cursor_;
      cursor_ = out + bytes;
      if (used_ > peak_) peak_ = used_;
      return out;
    }
    return AllocateSlow(bytes, align);
  }

  // Grows the most recent allocation in place when it is still the last one
  // in its chunk and the chunk has room. Returns false (and changes nothing)
  // otherwise. Lets ArenaVector double without copying in the common case.
  bool TryExtend(void* ptr, size_t old_bytes, size_t new_bytes);

  // An uninitialised array of n trivially destructible T.
  template <typename T>
  T* AllocateArray(size_t n) {
    static_assert(std::is_trivially_destructible_v<T>, "arena objects are never destroyed");
    return static_cast<T*>(Allocate(n * sizeof(T), alignof(T)));
  }

  template <typename T, typename... Args>
  T* New(Args&&... args) {
    static_assert(std::is_trivially_destructible_v<T>, "arena objects are never destroyed");
    return new (Allocate(sizeof(T), alignof(T))) T(std::forward<Args>(args)...);
  }

  // A span of n value-initialised T.
  template <typename T>
  std::span<T> NewSpan(size_t n) {
    T* p = AllocateArray<T>(n);
    for (size_t i = 0; i < n; ++i) new (p + i) T();
    return {p, n};
  }

  template <typename T>
  std::span<T> CopySpan(std::span<const T> from) {
    static_assert(std::is_trivially_copyable_v<T>);
    T* p = AllocateArray<T>(from.size());
    if (!from.empty()) std::memcpy(p, from.data(), from.size() * sizeof(T));
    return {p, from.size()};
  }

  std::string_view CopyString(std::string_view s);
  // Concatenation into the arena (e.g. "/1" + "/onResult").
  std::string_view Concat(std::string_view a, std::string_view b);

  // Forgets every allocation. Keeps chunks up to the retain budget.
  void Reset();

  size_t bytes_used() const { return used_; }
  size_t peak_bytes_used() const { return peak_; }
  size_t bytes_reserved() const { return reserved_; }

  bool Validate() const;

 private:
  struct Chunk {
    Chunk* next;
    size_t size;  // usable bytes after the header
    char* data() { return reinterpret_cast<char*>(this + 1); }
  };
  static_assert(sizeof(Chunk) % alignof(std::max_align_t) == 0);

  void* AllocateSlow(size_t bytes, size_t align);
  void Use(Chunk* chunk);

  Chunk* current_ = nullptr;  // chunk being bumped; head of the in-use list
  Chunk* spare_ = nullptr;    // chunks kept by Reset(), ready for reuse
  char* cursor_ = nullptr;
  char* limit_ = nullptr;
  size_t next_chunk_bytes_;
  const size_t retain_bytes_;
  size_t used_ = 0;
  size_t peak_ = 0;
  size_t reserved_ = 0;
};

// A growable array in an arena for trivially copyable T: the decoder's
// reference tables and member stacks. Growth doubles, in place when the
// array is the arena's latest allocation, otherwise by copying (the old block
// is simply abandoned; total waste stays below the final size). It may start
// in storage its owner provides, so that the first few elements take no
// arena allocation at all.
template <typename T>
class ArenaVector {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  explicit ArenaVector(Arena& arena) : arena_(&arena) {}
  // `initial` must outlive the vector (a member declared before it).
  ArenaVector(Arena& arena, std::span<T> initial)
      : arena_(&arena), data_(initial.data()), capacity_(initial.size()), borrowed_(true) {}

  void push_back(const T& v) {
    if (size_ == capacity_) Grow(size_ + 1);
    data_[size_++] = v;
  }
  T& emplace_back() {
    if (size_ == capacity_) Grow(size_ + 1);
    new (data_ + size_) T();
    return data_[size_++];
  }
  void reserve(size_t n) {
    if (n > capacity_) Grow(n);
  }
  void resize_down(size_t n) { size_ = n < size_ ? n : size_; }
  void clear() { size_ = 0; }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  T& back() { return data_[size_ - 1]; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  std::span<T> span() { return {data_, size_}; }
  // An exact-size copy of elements [from, size()) in the arena.
  std::span<T> CopyTail(size_t from) {
    return arena_->CopySpan<T>(std::span<const T>(data_ + from, size_ - from));
  }

 private:
  void Grow(size_t need) {
    size_t cap = capacity_ ? capacity_ * 2 : 8;
    while (cap < need) cap *= 2;
    if (data_ && !borrowed_ && arena_->TryExtend(data_, capacity_ * sizeof(T), cap * sizeof(T))) {
      capacity_ = cap;
      return;
    }
    T* fresh = arena_->AllocateArray<T>(cap);
    if (size_) std::memcpy(fresh, data_, size_ * sizeof(T));
    data_ = fresh;
    capacity_ = cap;
    borrowed_ = false;
  }

  Arena* arena_;
  T* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
  bool borrowed_ = false;  // data_ is the owner's initial storage, not the arena's
};

}  // namespace amfgate
