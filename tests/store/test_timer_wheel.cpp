#include <doctest/doctest.h>

#include <map>
#include <random>
#include <set>
#include <vector>

#include "store/timer_wheel.h"

using namespace amfgate;

namespace {

// Entries for the wheel: a plain array of links and due ticks.
struct TestEntries {
  std::vector<WheelLinks> links;
  std::vector<uint32_t> due;

  explicit TestEntries(size_t n) : links(n), due(n, 0) {}
  WheelLinks& Links(uint32_t id) { return links[id]; }
  uint32_t Due(uint32_t id) const { return due[id]; }
};

using Wheel = TimerWheel<TestEntries>;

// Collects everything due at `now` and returns the ids, checking that none is early.
std::vector<uint32_t> CollectAll(Wheel& wheel, TestEntries& entries, uint64_t now) {
  std::vector<uint32_t> fired;
  CollectResult r;
  do {
    r = wheel.Collect(now, 1u << 30);
    for (uint32_t id = wheel.PopCollected(); id != Wheel::kNone; id = wheel.PopCollected()) {
      CHECK(entries.Due(id) <= now);
      fired.push_back(id);
    }
  } while (r.more);
  return fired;
}

}  // namespace

TEST_CASE("an entry fires on its due tick, never before") {
  for (uint64_t start : {uint64_t{0}, uint64_t{63}, uint64_t{4095}, uint64_t{1} << 33}) {
    for (uint64_t delay : {0, 1, 63, 64, 65, 4095, 4096, 262143, 262144, 1000000, 100000000}) {
      TestEntries entries(1);
      Wheel wheel(entries, start);
      entries.due[0] = static_cast<uint32_t>(start + delay);
      wheel.Schedule(0);
      REQUIRE(wheel.Validate());
      if (delay > 0) {
        CHECK(CollectAll(wheel, entries, start + delay - 1).empty());
        REQUIRE(wheel.Validate());
      }
      CHECK(CollectAll(wheel, entries, start + delay) == std::vector<uint32_t>{0});
      CHECK(wheel.size() == 0);
      CHECK(wheel.Validate());
    }
  }
}

TEST_CASE("an entry scheduled in the past fires at the next collect") {
  TestEntries entries(1);
  Wheel wheel(entries, 1000);
  entries.due[0] = 10;
  wheel.Schedule(0);
  CHECK(CollectAll(wheel, entries, 1000) == std::vector<uint32_t>{0});
}

TEST_CASE("a due tick moved later while filed is honoured without a re-file") {
  TestEntries entries(1);
  Wheel wheel(entries, 0);
  entries.due[0] = 100;
  wheel.Schedule(0);
  entries.due[0] = 5000;
  CHECK(CollectAll(wheel, entries, 100).empty());
  CHECK(CollectAll(wheel, entries, 4999).empty());
  CHECK(wheel.Validate());
  CHECK(CollectAll(wheel, entries, 5000) == std::vector<uint32_t>{0});
}

TEST_CASE("a cancelled entry never fires, even from the collected list") {
  TestEntries entries(3);
  Wheel wheel(entries, 0);
  for (uint32_t id = 0; id < 3; ++id) {
    entries.due[id] = 10;
    wheel.Schedule(id);
  }
  wheel.Cancel(1);
  wheel.Cancel(1);  // no-op
  CollectResult r = wheel.Collect(10, 100);
  CHECK(r.work == 2);
  wheel.Cancel(2);  // collected, not yet popped
  CHECK(wheel.PopCollected() == 0);
  CHECK(wheel.PopCollected() == Wheel::kNone);
  CHECK(wheel.size() == 0);
  CHECK(wheel.Validate());
}

TEST_CASE("random schedule, cancel and collect agree with a model") {
  constexpr uint32_t kEntries = 2000;
  std::mt19937_64 rng(12345);
  TestEntries entries(kEntries);
  uint64_t now = 77;
  Wheel wheel(entries, now);
  std::map<uint32_t, uint64_t> model;  // id -> due tick
  for (int step = 0; step < 200000; ++step) {
    const uint32_t id = rng() % kEntries;
    switch (rng() % 8) {
      case 0:
      case 1:
      case 2:
        if (!model.count(id)) {
          // Mostly near, sometimes far (up to 2^30 ticks).
          const uint64_t delay = rng() % 4 == 0 ? rng() % (1u << 30) : rng() % 5000;
          entries.due[id] = static_cast<uint32_t>(now + delay);
          model[id] = now + delay;
          wheel.Schedule(id);
        }
        break;
      case 3:
        wheel.Cancel(id);
        model.erase(id);
        break;
      case 4:
        if (model.count(id)) {  // move later, lazily
          model[id] += rng() % 3000;
          entries.due[id] = static_cast<uint32_t>(model[id]);
        }
        break;
      default: {
        now += rng() % 4 == 0 ? rng() % 200000 : rng() % 100;
        std::set<uint32_t> expected;
        for (auto& [e, due] : model) {
          if (due <= now) expected.insert(e);
        }
        std::vector<uint32_t> fired = CollectAll(wheel, entries, now);
        CHECK(std::set<uint32_t>(fired.begin(), fired.end()) == expected);
        CHECK(fired.size() == expected.size());
        for (uint32_t e : expected) model.erase(e);
        break;
      }
    }
    CHECK(wheel.size() == model.size());
    if (step < 20000 || step % 1000 == 0) REQUIRE(wheel.Validate());
  }
}

TEST_CASE("a million entries due at once are collected within the budget per call") {
  constexpr uint32_t kEntries = 1000000;
  constexpr uint32_t kBudget = 50000;
  TestEntries entries(kEntries);
  Wheel wheel(entries, 0);
  for (uint32_t id = 0; id < kEntries; ++id) {
    entries.due[id] = 300000 + id % 7;  // filed at a high level: cascades count as work too
    wheel.Schedule(id);
  }
  // Cascades on the way down count against the budget as well.
  CollectResult early;
  do {
    early = wheel.Collect(299999, kBudget);
    CHECK(early.work <= kBudget);
    CHECK(wheel.PopCollected() == Wheel::kNone);
  } while (early.more);
  uint32_t calls = 0;
  uint32_t collected = 0;
  CollectResult r;
  do {
    r = wheel.Collect(300010, kBudget);
    CHECK(r.work <= kBudget);
    for (uint32_t id = wheel.PopCollected(); id != Wheel::kNone; id = wheel.PopCollected()) ++collected;
    ++calls;
  } while (r.more);
  CHECK(collected == kEntries);
  CHECK(calls >= kEntries / kBudget);
  CHECK(wheel.size() == 0);
  CHECK(wheel.Validate());
}

TEST_CASE("a long quiet stretch is skipped, not walked tick by tick") {
  TestEntries entries(2);
  Wheel wheel(entries, 0);
  entries.due[0] = 1u << 31;
  wheel.Schedule(0);
  // Nothing due for 2^31 ticks: one call reaches the entry's level and stops.
  CHECK(wheel.Collect((uint64_t{1} << 31) - 1, 10).work <= 10);
  CHECK(CollectAll(wheel, entries, uint64_t{1} << 31) == std::vector<uint32_t>{0});
}
