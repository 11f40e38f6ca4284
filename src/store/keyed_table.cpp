#include "store/keyed_table.h"

namespace amfgate {
namespace {

constexpr unsigned kInitialBits = 4;  // 16 slots
constexpr unsigned kMaxBits = 31;

}  // namespace

// A slot holds index + 1 in its index bits, and an all-zero slot is empty,
// so an index fits below capacity - 1.
bool KeyedTable::Fits(uint32_t index_limit) const {
  const uint64_t capacity = current_.slots == nullptr ? 0 : uint64_t{current_.mask} + 1;
  return (uint64_t{size()} + 1) * 4 <= capacity * 3 && index_limit < capacity;
}

bool KeyedTable::Grow(uint32_t index_limit) {
  const uint64_t capacity = current_.slots == nullptr ? 0 : uint64_t{current_.mask} + 1;
  const uint64_t after = uint64_t{size()} + 1;
  unsigned bits = kInitialBits;
  while ((uint64_t{1} << bits) < capacity * 2 || after * 4 > (uint64_t{1} << bits) * 3 ||
         index_limit >= (uint64_t{1} << bits)) {
    if (++bits > kMaxBits) return false;
  }
  MappedRegion memory = MappedRegion::Map((size_t{1} << bits) * sizeof(uint32_t));
  if (!memory) return false;
  old_ = std::move(current_);
  current_ = Table{};
  current_.slots = static_cast<uint32_t*>(memory.data());
  current_.memory = std::move(memory);
  current_.mask = static_cast<uint32_t>((uint64_t{1} << bits) - 1);
  current_.shift = 64 - bits;
  drained_ = 0;
  if (old_.slots == nullptr || old_.size == 0) {
    old_ = Table{};
  }
  return true;
}

uint32_t KeyedTable::Locate(const Table& table, uint64_t hash, uint32_t ref) {
  if (table.slots == nullptr) return kNone;
  const uint32_t* slots = table.slots;
  for (uint32_t i = table.Home(hash);; i = (i + 1) & table.mask) {
    if (table.Ref(slots[i]) == ref) return i;
    if (slots[i] == 0) return kNone;
  }
}

}  // namespace amfgate
