#include <doctest/doctest.h>

#include <map>
#include <random>
#include <vector>

#include "store/keyed_table.h"

using namespace amfgate;

TEST_CASE("random inserts and erases agree with a model, through colliding tags") {
  constexpr uint32_t kMax = 500;
  KeyedTable table;
  REQUIRE(table.Reset(kMax));
  CHECK(table.capacity() >= kMax * 4 / 3);
  std::mt19937_64 rng(99);
  std::vector<uint64_t> hash_of(4 * kMax, 0);  // record index -> its hash
  std::map<uint32_t, uint64_t> model;
  auto hash_fn = [&](uint32_t i) { return hash_of[i]; };
  for (int step = 0; step < 100000; ++step) {
    const uint32_t index = rng() % hash_of.size();
    if (model.count(index)) {
      table.Erase(model[index], index);
      model.erase(index);
    } else if (model.size() < kMax) {
      // Few distinct high halves: tags collide and runs grow long.
      uint64_t hash = (uint64_t{rng() % 64} << 32) | (rng() & 0xFFFFFFFF);
      if (table.Find(hash, hash_fn) != KeyedTable::kNone) continue;
      hash_of[index] = hash;
      table.Insert(hash, index);
      model[index] = hash;
    }
    CHECK(table.size() == model.size());
    if (step % 97 == 0) {
      REQUIRE(table.Validate(hash_fn));
      for (auto& [i, h] : model) REQUIRE(table.Find(h, hash_fn) == i);
      // A tag never inserted, whose home is inside the crowded runs.
      CHECK(table.Find(uint64_t{1000} << 32, hash_fn) == KeyedTable::kNone);
    }
  }
}

TEST_CASE("a table swaps its contents with another") {
  KeyedTable a, b;
  REQUIRE(a.Reset(10));
  REQUIRE(b.Reset(1000));
  std::vector<uint64_t> hashes = {0x1111222233334444u};
  auto hash_fn = [&](uint32_t i) { return hashes[i]; };
  a.Insert(hashes[0], 0);
  a.Swap(b);
  CHECK(a.size() == 0);
  CHECK(a.max_entries() == 1000);
  CHECK(b.Find(hashes[0], hash_fn) == 0);
  CHECK(b.Validate(hash_fn));
}
