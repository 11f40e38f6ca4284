#include "amf/arena.h"

#include <cstdlib>

namespace amfgate {

Arena::Arena(size_t first_chunk_bytes, size_t retain_bytes)
    : next_chunk_bytes_(first_chunk_bytes < 256 ? 256 : first_chunk_bytes),
      retain_bytes_(retain_bytes) {}

Arena::~Arena() {
  for (Chunk* list : {current_, spare_}) {
    while (list != nullptr) {
      Chunk* next = list->next;
      std::free(list);
      list = next;
    }
  }
}

void Arena::Use(Chunk* chunk) {
  chunk->next = current_;
  current_ = chunk;
  cursor_ = chunk->data();
  limit_ = cursor_ + chunk->size;
}

void* Arena::AllocateSlow(size_t bytes, size_t align) {
  // Padding for alignment is at most align - 1 on top of the request; chunk
  // data starts max_align_t-aligned so smaller alignments need nothing.
  size_t need = bytes + align;
  Chunk* chunk = nullptr;
  // A spare chunk is reused when it is big enough; spares are kept in the
  // order Reset() found them, so the usual case takes the first one.
  for (Chunk** link = &spare_; *link != nullptr; link = &(*link)->next) {
    if ((*link)->size >= need) {
      chunk = *link;
      *link = chunk->next;
      break;
    }
  }
  if (chunk == nullptr) {
    size_t size = next_chunk_bytes_;
    if (size < need) size = need;
    void* raw = std::malloc(sizeof(Chunk) + size);
    if (raw == nullptr) throw std::bad_alloc();
    chunk = static_cast<Chunk*>(raw);
    chunk->size = size;
    reserved_ += sizeof(Chunk) + size;
    if (next_chunk_bytes_ < kMaxChunkBytes) next_chunk_bytes_ *= 2;
  }
  // Padding lost at the end of the previous chunk is not counted as used:
  // used_ measures what callers were handed.
  Use(chunk);
  uintptr_t p = (reinterpret_cast<uintptr_t>(cursor_) + (align - 1)) & ~(uintptr_t{align} - 1);
  char* out = reinterpret_cast<char*>(p);
  used_ += (out + bytes) - cursor_;
  cursor_ = out + bytes;
  if (used_ > peak_) peak_ = used_;
  return out;
}

bool Arena::TryExtend(void* ptr, size_t old_bytes, size_t new_bytes) {
  char* p = static_cast<char*>(ptr);
  if (p + old_bytes != cursor_ || new_bytes < old_bytes) return false;
  if (static_cast<size_t>(limit_ - p) < new_bytes) return false;
  cursor_ = p + new_bytes;
  used_ += new_bytes - old_bytes;
  if (used_ > peak_) peak_ = used_;
  return true;
}

std::string_view Arena::CopyString(std::string_view s) {
  if (s.empty()) return {};
  char* p = AllocateArray<char>(s.size());
  std::memcpy(p, s.data(), s.size());
  return {p, s.size()};
}

std::string_view Arena::Concat(std::string_view a, std::string_view b) {
  if (a.size() + b.size() == 0) return {};
  char* p = AllocateArray<char>(a.size() + b.size());
  if (!a.empty()) std::memcpy(p, a.data(), a.size());
  if (!b.empty()) std::memcpy(p + a.size(), b.data(), b.size());
  return {p, a.size() + b.size()};
}

void Arena::Reset() {
  // The common case, one chunk in use and none spare (every request of a
  // warm gateway): rewinding it is what the general path below would do.
  if (spare_ == nullptr && current_ != nullptr && current_->next == nullptr &&
      sizeof(Chunk) + current_->size <= retain_bytes_) {
    cursor_ = current_->data();
    used_ = 0;
    return;
  }
  // Every in-use chunk moves to the spare list (the oldest, usually the
  // first and smallest, ends up at its head) until the retain budget is
  // spent; the rest go back to the allocator.
  size_t kept = 0;
  for (Chunk* c = spare_; c != nullptr; c = c->next) kept += sizeof(Chunk) + c->size;
  while (current_ != nullptr) {
    Chunk* c = current_;
    current_ = c->next;
    size_t total = sizeof(Chunk) + c->size;
    if (kept + total <= retain_bytes_) {
      c->next = spare_;
      spare_ = c;
      kept += total;
    } else {
      reserved_ -= total;
      std::free(c);
    }
  }
  cursor_ = limit_ = nullptr;
  used_ = 0;
  // The next request starts bumping in the first kept chunk straight away,
  // without a trip through AllocateSlow.
  if (spare_ != nullptr) {
    Chunk* first = spare_;
    spare_ = first->next;
    Use(first);
  }
}

bool Arena::Validate() const {
  size_t total = 0;
  for (const Chunk* list : {current_, spare_}) {
    for (const Chunk* c = list; c != nullptr; c = c->next) total += sizeof(Chunk) + c->size;
  }
  if (total != reserved_) return false;
  if (used_ > peak_) return false;
  if (current_ == nullptr) return cursor_ == nullptr && used_ == 0;
  const char* base = const_cast<Chunk*>(current_)->data();
  return cursor_ >= base && cursor_ <= limit_ && limit_ == base + current_->size;
}

}  // namespace amfgate
