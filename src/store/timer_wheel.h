// TimerWheel: a hierarchical timing wheel with intrusive entries, in the
// design of the kernel's timer wheel and h2o's timerwheel: 6 levels of 64
// slots, level L covering 64^L ticks per slot, so 2^36 ticks in all.
//
// Entries are not owned: they are records elsewhere (the store's slabs),
// named by a 32-bit id. `Entries` gives the wheel two things per id:
//   WheelLinks& Links(uint32_t id)   8 bytes embedded in the record
//   uint32_t Due(uint32_t id)        the tick it is due, modulo 2^32
// Every list is circular and doubly linked through those links with a
// sentinel head per slot (heads have ids from kHeadBase up), so Schedule and
// Cancel are O(1) and never allocate, and an entry can be cancelled wherever
// it is, even on the list of collected entries.
//
// Time is in ticks (the store's are 1 ms). current() is the first tick not yet
// processed. An entry is filed by the highest 6-bit digit in which its due
// tick differs from current(); when the wheel reaches the start of a slot at
// level L >= 1 it refiles (cascades) that slot's entries into lower levels;
// a level-0 slot holds entries due on exactly one tick. Hence:
//   - never early: an entry is collected only once current() >= Due(id);
//   - the owner may move an entry's due tick *later* while it is filed
//     (touching an idle deadline); the wheel sees it when it reaches the
//     entry's slot and refiles it instead of collecting it. Moving it
//     earlier needs Cancel and Schedule.
// Due ticks are kept modulo 2^32 and read relative to current(): every due
// tick must lie within 2^31 ticks of current().
//
// Collect-then-fire: Collect(now, budget) moves due entries onto the
// collected list and the owner takes them with PopCollected(), so whatever the
// owner does for one entry (end others, reschedule) cannot disturb the walk.
// Work is bounded: each call moves at most `budget` entries (cascades count
// too) and reports whether more work remains at `now`; a million entries due
// on one tick are collected over as many calls as the budget requires.
// Empty stretches of time are skipped with a 64-bit occupancy map per level,
// so a call after a long quiet time costs O(levels), not O(ticks).
#pragma once

#include <array>
#include <bit>
#include <cstdint>

namespace amfgate {

struct WheelLinks {
  static constexpr uint32_t kUnlinked = 0xFFFFFFFF;
  uint32_t next = kUnlinked;
  uint32_t prev = kUnlinked;
};

struct CollectResult {
  uint32_t work = 0;  // entries moved
  bool more = false;  // stopped by the budget with work left at `now`
};

template <typename Entries>
class TimerWheel {
 public:
  static constexpr unsigned kBits = 6;
  static constexpr unsigned kSlots = 1u << kBits;
  static constexpr unsigned kLevels = 6;
  static constexpr uint32_t kHeadBase = 0xFFFFFE00;  // ids at or above are sentinel heads
  static constexpr uint32_t kNone = WheelLinks::kUnlinked;

  TimerWheel(Entries& entries, uint64_t now) : entries_(entries), current_(now) {
    for (uint32_t h = 0; h < kHeads; ++h) heads_[h] = WheelLinks{kHeadBase + h, kHeadBase + h};
  }
  TimerWheel(const TimerWheel&) = delete;
  TimerWheel& operator=(const TimerWheel&) = delete;

  uint64_t current() const { return current_; }
  uint32_t size() const { return size_; }
  bool IsScheduled(uint32_t id) const { return entries_.Links(id).next != kNone; }

  // Files an unscheduled entry by its Due(id); a due tick already past is
  // collected at the next Collect.
  void Schedule(uint32_t id) {
    ++size_;
    File(id);
  }

  // Takes a scheduled entry off whatever list holds it; no-op otherwise.
  void Cancel(uint32_t id) {
    if (!IsScheduled(id)) return;
    Unlink(id);
    --size_;
  }

  CollectResult Collect(uint64_t now, uint32_t budget) {
    CollectResult result;
    while (current_ <= now) {
      for (unsigned level = kLevels - 1; level >= 1; --level) {
        if ((current_ & LevelMask(level)) != 0) continue;
        const uint32_t head = HeadId(level, Digit(current_, level));
        while (Links(head).next != head) {
          if (result.work == budget) return Stopped(result);
          const uint32_t id = Links(head).next;
          Unlink(id);
          File(id);
          ++result.work;
        }
      }
      const uint32_t head = HeadId(0, Digit(current_, 0));
      while (Links(head).next != head) {
        if (result.work == budget) return Stopped(result);
        const uint32_t id = Links(head).next;
        Unlink(id);
        if (DueFromNow(id) > current_) {
          File(id);  // moved later while filed
        } else {
          Append(kCollectedHead, id);
        }
        ++result.work;
      }
      current_ = NextEvent(now);
    }
    return result;
  }

  // The next collected entry, now unscheduled; kNone when there are none.
  uint32_t PopCollected() {
    const uint32_t id = Links(kCollectedHead).next;
    if (id == kCollectedHead) return kNone;
    Unlink(id);
    --size_;
    return id;
  }

  // Lists are consistent circles, occupancy maps match, every filed entry's
  // due tick is no earlier than the first tick its slot can be reached, and
  // the entries counted match size().
  bool Validate() const {
    uint32_t count = 0;
    for (uint32_t h = 0; h < kHeads; ++h) {
      const uint32_t head = kHeadBase + h;
      uint32_t prev = head;
      uint32_t steps = 0;
      for (uint32_t id = Links(head).next; id != head; id = Links(id).next) {
        if (id >= kHeadBase || Links(id).prev != prev || ++steps > size_) return false;
        if (h < kLevels * kSlots && DueFromNow(id) < SlotStart(h / kSlots, h % kSlots)) {
          return false;
        }
        prev = id;
      }
      if (Links(head).prev != prev) return false;
      if (h < kLevels * kSlots) {
        const bool occupied = (occupied_[h / kSlots] >> (h % kSlots)) & 1;
        if (occupied != (steps != 0)) return false;
      }
      count += steps;
    }
    return count == size_;
  }

 private:
  static constexpr uint32_t kHeads = kLevels * kSlots + 1;
  static constexpr uint32_t kCollectedHead = kHeadBase + kLevels * kSlots;

  static constexpr uint64_t LevelMask(unsigned level) {
    return (uint64_t{1} << (level * kBits)) - 1;
  }
  static constexpr unsigned Digit(uint64_t tick, unsigned level) {
    return static_cast<unsigned>(tick >> (level * kBits)) & (kSlots - 1);
  }
  static constexpr uint32_t HeadId(unsigned level, unsigned slot) {
    return kHeadBase + level * kSlots + slot;
  }

  WheelLinks& Links(uint32_t id) {
    return id >= kHeadBase ? heads_[id - kHeadBase] : entries_.Links(id);
  }
  const WheelLinks& Links(uint32_t id) const {
    return id >= kHeadBase ? heads_[id - kHeadBase] : entries_.Links(id);
  }

  // The entry's due tick as a full tick, no earlier than current_.
  uint64_t DueFromNow(uint32_t id) const {
    const int32_t ahead = static_cast<int32_t>(entries_.Due(id) - static_cast<uint32_t>(current_));
    return ahead > 0 ? current_ + static_cast<uint64_t>(ahead) : current_;
  }

  void File(uint32_t id) {
    const uint64_t due = DueFromNow(id);
    const uint64_t diff = due ^ current_;
    unsigned level = diff == 0 ? 0 : (63 - std::countl_zero(diff)) / kBits;
    if (level >= kLevels) level = kLevels - 1;
    const unsigned slot = Digit(due, level);
    occupied_[level] |= uint64_t{1} << slot;
    Append(HeadId(level, slot), id);
  }

  void Append(uint32_t head, uint32_t id) {
    WheelLinks& h = Links(head);
    const uint32_t last = h.prev;
    Links(id) = WheelLinks{head, last};
    Links(last).next = id;
    h.prev = id;
  }

  void Unlink(uint32_t id) {
    WheelLinks& links = Links(id);
    const uint32_t next = links.next;
    const uint32_t prev = links.prev;
    Links(prev).next = next;
    Links(next).prev = prev;
    links = WheelLinks{};
    // Emptied a slot: clear its occupancy bit.
    if (prev == next && prev >= kHeadBase && prev < kCollectedHead) {
      const uint32_t h = prev - kHeadBase;
      occupied_[h / kSlots] &= ~(uint64_t{1} << (h % kSlots));
    }
  }

  CollectResult Stopped(CollectResult result) {
    result.more = true;
    return result;
  }

  // The first tick at which `slot` of `level` is processed, seen from current_:
  // a digit above the current one is later in this block; a digit not above
  // it is in the next block (only the top level wraps) or, for the current
  // digit, is being processed now.
  uint64_t SlotStart(unsigned level, unsigned slot) const {
    const unsigned shift = level * kBits;
    const uint64_t block = (current_ >> (shift + kBits)) << (shift + kBits);
    const unsigned digit = Digit(current_, level);
    if (slot > digit) return block + (uint64_t{slot} << shift);
    if (slot == digit) return current_ & ~LevelMask(level);
    return block + (uint64_t{1} << (shift + kBits)) + (uint64_t{slot} << shift);
  }

  // After current_ is done: the next tick with anything to do, or now + 1.
  uint64_t NextEvent(uint64_t now) const {
    uint64_t next = now + 1;
    for (unsigned level = 0; level < kLevels; ++level) {
      const unsigned digit = Digit(current_, level);
      const uint64_t later =
          digit == kSlots - 1 ? 0 : occupied_[level] & (~uint64_t{0} << (digit + 1));
      uint64_t at;
      if (later != 0) {
        at = SlotStart(level, static_cast<unsigned>(std::countr_zero(later)));
      } else if (occupied_[level] != 0) {
        // Only the current digit (a cascade that ran out of budget is never
        // left here: Collect returns before advancing) or a wrapped top level.
        at = SlotStart(level, static_cast<unsigned>(std::countr_zero(occupied_[level])));
      } else {
        continue;
      }
      if (at <= current_) at = current_ + 1;
      if (at < next) next = at;
    }
    return next;
  }

  Entries& entries_;
  uint64_t current_;
  uint32_t size_ = 0;
  std::array<uint64_t, kLevels> occupied_{};
  std::array<WheelLinks, kHeads> heads_{};
};

}  // namespace amfgate
