#include "store/keyed_table.h"

namespace amfgate {

bool KeyedTable::Reset(uint32_t max_entries) {
  uint64_t capacity = 16;
  while (capacity * 3 < uint64_t{max_entries} * 4) capacity *= 2;
  if (capacity > (uint64_t{1} << 31)) return false;
  Slot* slots = static_cast<Slot*>(std::calloc(capacity, sizeof(Slot)));
  if (slots == nullptr) return false;
  slots_.reset(slots);
  mask_ = static_cast<uint32_t>(capacity - 1);
  size_ = 0;
  max_entries_ = max_entries;
  return true;
}

void KeyedTable::Insert(uint64_t hash, uint32_t index) {
  const uint32_t tag = Tag(hash);
  Slot* slots = slots_.get();
  uint32_t i = tag & mask_;
  while (slots[i].ref != 0) i = (i + 1) & mask_;
  slots[i] = Slot{tag, index + 1};
  ++size_;
}

void KeyedTable::Erase(uint64_t hash, uint32_t index) {
  Slot* slots = slots_.get();
  uint32_t hole = Tag(hash) & mask_;
  while (slots[hole].ref != index + 1) hole = (hole + 1) & mask_;
  // Backward shift (Knuth 6.4, Algorithm R): pull later entries of the run
  // into the hole when the hole lies between their home and where they sit,
  // so no lookup ever meets a gap inside its probe sequence.
  for (uint32_t j = (hole + 1) & mask_; slots[j].ref != 0; j = (j + 1) & mask_) {
    const uint32_t home = slots[j].tag & mask_;
    if (((j - home) & mask_) >= ((j - hole) & mask_)) {
      slots[hole] = slots[j];
      hole = j;
    }
  }
  slots[hole] = Slot{0, 0};
  --size_;
}

}  // namespace amfgate
