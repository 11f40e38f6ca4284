#include <doctest/doctest.h>

#include <map>
#include <random>
#include <vector>

#include "store/keyed_table.h"

using namespace amfgate;

TEST_CASE("random inserts and erases agree with a model, through colliding tags and growth") {
  KeyedTable table;
  std::mt19937_64 rng(99);
  std::vector<uint64_t> hash_of(4000, 0);  // record index -> its hash
  std::map<uint32_t, uint64_t> model;
  auto hash_fn = [&](uint32_t i) { return hash_of[i]; };
  bool grew_while_busy = false;
  for (int step = 0; step < 100000; ++step) {
    // Phases of mostly-insert and mostly-erase, so the table grows in steps.
    const bool filling = (step / 5000) % 2 == 0;
    const uint32_t index = rng() % hash_of.size();
    if (model.count(index) && (!filling || rng() % 4 == 0)) {
      table.Erase(model[index], index);
      model.erase(index);
    } else if (!model.count(index) && (filling || rng() % 4 == 0)) {
      // Few distinct high halves: tags collide and runs grow long.
      const uint64_t hash = (uint64_t{rng() % 512} << 32) | (rng() & 0xFFFFFFFF);
      if (table.Find(hash, hash_fn) != KeyedTable::kNone) continue;
      REQUIRE(table.Reserve());
      hash_of[index] = hash;
      table.Insert(hash, index);
      model[index] = hash;
    }
    grew_while_busy |= table.growing() && model.size() > 100;
    REQUIRE(table.size() == model.size());
    if (step % 499 == 0 || table.growing()) {
      REQUIRE(table.Validate(hash_fn));
    }
    if (step % 499 == 0) {
      for (auto& [i, h] : model) REQUIRE(table.Find(h, hash_fn) == i);
      // A tag never inserted, whose home may sit inside the crowded runs.
      CHECK(table.Find(uint64_t{100000} << 32, hash_fn) == KeyedTable::kNone);
    }
  }
  CHECK(grew_while_busy);
  CHECK(table.capacity() >= 4096);
}

TEST_CASE("a growing table stays consistent entry by entry up to 100,000 entries") {
  KeyedTable table;
  std::vector<uint64_t> hashes;
  std::mt19937_64 rng(7);
  auto hash_fn = [&](uint32_t i) { return hashes[i]; };
  uint32_t capacity = 0;
  for (uint32_t i = 0; i < 100000; ++i) {
    hashes.push_back(rng());
    REQUIRE(table.Reserve());
    table.Insert(hashes[i], i);
    if (table.capacity() != capacity) {
      capacity = table.capacity();
      CHECK(uint64_t{table.size()} * 4 <= uint64_t{capacity} * 3);
    }
    // Every entry stays findable while the old table drains.
    if (table.growing() && i % 7 == 0) {
      REQUIRE(table.Find(hashes[i / 2], hash_fn) == i / 2);
      REQUIRE(table.Find(hashes[0], hash_fn) == 0);
    }
  }
  CHECK(table.Validate(hash_fn));
  CHECK(table.capacity() == 262144);  // 100,000 at <= 3/4 load
  for (uint32_t i = 0; i < 100000; i += 2) table.Erase(hashes[i], i);
  CHECK(table.size() == 50000);
  CHECK(table.Validate(hash_fn));
  for (uint32_t i = 1; i < 100000; i += 2) REQUIRE(table.Find(hashes[i], hash_fn) == i);
}
