// A connection's input bytes, and the pool its storage comes from.
//
// InputBuffer holds the bytes received and not yet consumed, contiguously:
// [begin, end) of one allocation. New bytes are read straight into the free
// space after `end` (Space/Commit: no copy on the plain-text path); parsed
// requests are dropped from the front (Consume). Storage is taken from a
// BufferPool of fixed-size blocks when the first byte arrives and given back
// as soon as the buffer is empty, so an idle keep-alive connection holds no
// input memory and a busy one takes and returns a pooled block per request
// without calling malloc. A request that needs more contiguous room than a
// block (a long head, a Content-Length body) gets a larger allocation sized
// to it, which is freed, not pooled, when the buffer empties.
//
// Views into the buffer stay valid until the next Space, Reserve, Consume,
// Erase or Release call: those may move or free the bytes.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace amfgate {

class BufferPool {
 public:
  // Keeps at most `max_idle` free blocks of `block_size` bytes.
  BufferPool(size_t block_size, size_t max_idle);
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;

  std::unique_ptr<char[]> Take();
  void Give(std::unique_ptr<char[]> block);
  size_t block_size() const { return block_size_; }
  size_t idle() const { return free_.size(); }

 private:
  size_t block_size_;
  size_t max_idle_;
  std::vector<std::unique_ptr<char[]>> free_;
};

class InputBuffer {
 public:
  explicit InputBuffer(BufferPool* pool) : pool_(pool) {}
  ~InputBuffer() { Free(); }
  InputBuffer(const InputBuffer&) = delete;
  InputBuffer& operator=(const InputBuffer&) = delete;

  std::string_view Live() const { return std::string_view(data_.get() + begin_, end_ - begin_); }
  size_t size() const { return end_ - begin_; }
  bool empty() const { return begin_ == end_; }
  size_t capacity() const { return capacity_; }

  // Free room after the live bytes (allocating or compacting first if there
  // is none). Empty only when the live bytes fill the whole allocation.
  std::span<char> Space();
  void Commit(size_t n) { end_ += n; }
  // Drops the first n live bytes.
  void Consume(size_t n);
  // Drops n live bytes starting `offset` bytes into the live region.
  void Erase(size_t offset, size_t n);
  // Makes room for the live region to grow to `total` bytes in place.
  void Reserve(size_t total);
  // Gives the storage back if no live bytes remain.
  void ReleaseIfEmpty();

  bool Validate() const { return begin_ <= end_ && end_ <= capacity_ && (data_ != nullptr || capacity_ == 0); }

 private:
  void Free();
  void MoveTo(std::unique_ptr<char[]> to, size_t capacity);

  BufferPool* pool_;
  std::unique_ptr<char[]> data_;
  size_t capacity_ = 0;
  size_t begin_ = 0;
  size_t end_ = 0;
};

}  // namespace amfgate
