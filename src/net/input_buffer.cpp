#include "net/input_buffer.h"

#include <algorithm>
#include <cstring>

namespace amfgate {

BufferPool::BufferPool(size_t block_size, size_t max_idle) : block_size_(block_size), max_idle_(max_idle) {}

std::unique_ptr<char[]> BufferPool::Take() {
  if (free_.empty()) return std::make_unique_for_overwrite<char[]>(block_size_);
  std::unique_ptr<char[]> block = std::move(free_.back());
  free_.pop_back();
  return block;
}

void BufferPool::Give(std::unique_ptr<char[]> block) {
  if (free_.size() < max_idle_) free_.push_back(std::move(block));
}

void InputBuffer::Free() {
  if (data_ != nullptr && capacity_ == pool_->block_size()) {
    pool_->Give(std::move(data_));
  }
  data_.reset();
  capacity_ = begin_ = end_ = 0;
}

void InputBuffer::MoveTo(std::unique_ptr<char[]> to, size_t capacity) {
  size_t n = size();
  if (n > 0) std::memcpy(to.get(), data_.get() + begin_, n);
  Free();
  data_ = std::move(to);
  capacity_ = capacity;
  begin_ = 0;
  end_ = n;
}

std::span<char> InputBuffer::Space() {
  if (data_ == nullptr) {
    data_ = pool_->Take();
    capacity_ = pool_->block_size();
  } else if (end_ == capacity_ && begin_ > 0) {
    size_t n = size();
    std::memmove(data_.get(), data_.get() + begin_, n);
    begin_ = 0;
    end_ = n;
  }
  return std::span<char>(data_.get() + end_, capacity_ - end_);
}

void InputBuffer::Consume(size_t n) {
  begin_ += n;
  if (begin_ == end_) begin_ = end_ = 0;
}

void InputBuffer::Erase(size_t offset, size_t n) {
  char* at = data_.get() + begin_ + offset;
  std::memmove(at, at + n, size() - offset - n);
  end_ -= n;
}

void InputBuffer::Reserve(size_t total) {
  if (data_ != nullptr && capacity_ - begin_ >= total) return;
  if (data_ != nullptr && capacity_ >= total) {
    size_t n = size();
    std::memmove(data_.get(), data_.get() + begin_, n);
    begin_ = 0;
    end_ = n;
    return;
  }
  if (total <= pool_->block_size()) {
    MoveTo(pool_->Take(), pool_->block_size());
    return;
  }
  // Grow at least twofold so a head arriving byte by byte is copied a few
  // times, not once per read; the request's limits bound `total`.
  size_t capacity = std::max(total, 2 * capacity_);
  capacity = (capacity + 4095) & ~static_cast<size_t>(4095);
  if (capacity == pool_->block_size()) capacity += 4096;
  MoveTo(std::make_unique_for_overwrite<char[]>(capacity), capacity);
}

void InputBuffer::ReleaseIfEmpty() {
  if (empty() && data_ != nullptr) Free();
}

}  // namespace amfgate
