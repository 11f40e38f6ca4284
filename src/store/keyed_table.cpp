#include "store/keyed_table.h"

namespace amfgate {
namespace {

constexpr uint64_t kInitialCapacity = 16;
constexpr uint64_t kMaxCapacity = uint64_t{1} << 31;

}  // namespace

bool KeyedTable::Reserve() {
  const uint64_t capacity = current_.slots == nullptr ? 0 : uint64_t{current_.mask} + 1;
  const uint64_t after = uint64_t{size()} + 1;
  if (after * 4 <= capacity * 3) return true;
  // Still draining the previous growth (only if Reserve outruns Migrate,
  // which the step count rules out): finish it first.
  while (old_.slots != nullptr) Migrate();
  const uint64_t bigger = capacity == 0 ? kInitialCapacity : capacity * 2;
  if (bigger > kMaxCapacity) return false;
  MappedRegion memory = MappedRegion::Map(bigger * sizeof(Slot));
  if (!memory) return false;
  old_ = std::move(current_);
  current_ = Table{};
  current_.slots = static_cast<Slot*>(memory.data());
  current_.memory = std::move(memory);
  current_.mask = static_cast<uint32_t>(bigger - 1);
  drained_ = 0;
  if (old_.slots == nullptr || old_.size == 0) {
    old_ = Table{};
  }
  return true;
}

void KeyedTable::Place(Table& table, Slot slot) {
  Slot* slots = table.slots;
  uint32_t i = slot.tag & table.mask;
  while (slots[i].ref != 0) i = (i + 1) & table.mask;
  slots[i] = slot;
  ++table.size;
}

void KeyedTable::EraseAt(Table& table, uint32_t hole) {
  Slot* slots = table.slots;
  const uint32_t mask = table.mask;
  // Backward shift (Knuth 6.4, Algorithm R): pull later entries of the run
  // into the hole when the hole lies between their home and where they sit,
  // so no lookup ever meets a gap inside its probe sequence.
  for (uint32_t j = (hole + 1) & mask; slots[j].ref != 0; j = (j + 1) & mask) {
    const uint32_t home = slots[j].tag & mask;
    if (((j - home) & mask) >= ((j - hole) & mask)) {
      slots[hole] = slots[j];
      hole = j;
    }
  }
  slots[hole] = Slot{0, 0};
  --table.size;
}

uint32_t KeyedTable::Locate(const Table& table, uint32_t tag, uint32_t ref) {
  if (table.slots == nullptr) return kNone;
  const Slot* slots = table.slots;
  for (uint32_t i = tag & table.mask;; i = (i + 1) & table.mask) {
    if (slots[i].ref == ref) return i;
    if (slots[i].ref == 0) return kNone;
  }
}

// Moves up to kMigrateSteps entries (or empty slots passed) from old_ to
// current_. Erasing from old_ keeps it a valid table; it never pulls an entry
// below drained_, since backward shift only moves entries towards the hole
// (which may refill the slot just emptied: it is drained again before moving
// on).
void KeyedTable::Migrate() {
  for (uint32_t step = 0; step < kMigrateSteps && old_.slots != nullptr; ++step) {
    Slot& slot = old_.slots[drained_];
    if (slot.ref != 0) {
      const Slot moving = slot;
      EraseAt(old_, drained_);
      Place(current_, moving);
    }
    if (old_.size == 0) {
      old_ = Table{};
    } else if (slot.ref == 0) {
      ++drained_;
    }
  }
}

void KeyedTable::Insert(uint64_t hash, uint32_t index) {
  Place(current_, Slot{Tag(hash), index + 1});
  Migrate();
}

void KeyedTable::Erase(uint64_t hash, uint32_t index) {
  const uint32_t tag = Tag(hash);
  uint32_t at = Locate(current_, tag, index + 1);
  if (at != kNone) {
    EraseAt(current_, at);
  } else {
    EraseAt(old_, Locate(old_, tag, index + 1));
  }
  Migrate();
}

}  // namespace amfgate
