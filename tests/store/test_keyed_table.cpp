#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <vector>

#include "store/keyed_table.h"

using namespace amfgate;

namespace {

// A hash whose home bits (the top ones) and tag bits (the low word's upper
// part) take few values, so homes pile into long runs and tags collide:
// every probe then needs the full hash to tell entries apart.
uint64_t CrowdedHash(std::mt19937_64& rng) {
  const uint64_t home = rng() % 64;
  const uint64_t middle = rng() & 0x1FFFFFFFFFFF;  // bits 18..58: unique enough
  const uint64_t tag = rng() % 4;
  return (home << 58) | (middle << 17) | (tag << 30);
}

}  // namespace

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
    // Indices come from a range that widens as the run goes on, in any order.
    const uint32_t range = std::min<uint32_t>(hash_of.size(), 16 + step / 8);
    const uint32_t index = rng() % range;
    if (model.count(index) && (!filling || rng() % 4 == 0)) {
      table.Erase(model[index], index, hash_fn);
      model.erase(index);
    } else if (!model.count(index) && (filling || rng() % 4 == 0)) {
      const uint64_t hash = CrowdedHash(rng);
      if (table.Find(hash, hash_fn) != KeyedTable::kNone) continue;
      // A table too small for an index's bits grows for it, whatever its
      // load.
      REQUIRE(table.Reserve(index + 1, hash_fn));
      hash_of[index] = hash;
      table.Insert(hash, index, hash_fn);
      model[index] = hash;
    }
    grew_while_busy |= table.growing() && model.size() > 100;
    REQUIRE(table.size() == model.size());
    if (step % 499 == 0 || table.growing()) {
      REQUIRE(table.Validate(hash_fn));
    }
    if (step % 499 == 0) {
      for (auto& [i, h] : model) REQUIRE(table.Find(h, hash_fn) == i);
      // Hashes never inserted, whose homes and tags sit among the crowded
      // runs.
      for (int k = 0; k < 16; ++k)
        CHECK(table.Find(CrowdedHash(rng) | 1, hash_fn) == KeyedTable::kNone);
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
    REQUIRE(table.Reserve(i + 1, hash_fn));
    table.Insert(hashes[i], i, hash_fn);
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
  for (uint32_t i = 0; i < 100000; i += 2) table.Erase(hashes[i], i, hash_fn);
  CHECK(table.size() == 50000);
  CHECK(table.Validate(hash_fn));
  for (uint32_t i = 1; i < 100000; i += 2) REQUIRE(table.Find(hashes[i], hash_fn) == i);
  for (uint32_t i = 0; i < 100000; i += 2)
    REQUIRE(table.Find(hashes[i], hash_fn) == KeyedTable::kNone);
  for (uint32_t i = 1; i < 100000; i += 2) table.Erase(hashes[i], i, hash_fn);
  CHECK(table.size() == 0);
  CHECK(table.Validate(hash_fn));
  CHECK(table.capacity() == 262144);  // never shrinks
}

TEST_CASE("a slot keeps as many index bits as the capacity has") {
  KeyedTable table;
  std::vector<uint64_t> hashes(1u << 20);
  std::mt19937_64 rng(3);
  auto hash_fn = [&](uint32_t i) { return hashes[i]; };
  // One entry with a large index: the table grows past its load to hold the
  // index + 1 in its index bits.
  const uint32_t big = (1u << 20) - 1;
  hashes[big] = rng();
  REQUIRE(table.Reserve(big + 1, hash_fn));
  table.Insert(hashes[big], big, hash_fn);
  CHECK(table.capacity() > big + 1);
  CHECK(table.Find(hashes[big], hash_fn) == big);
  CHECK(table.Validate(hash_fn));
  // Index 0 and the largest next to it, in the same home.
  hashes[0] = hashes[big] ^ 1;
  REQUIRE(table.Reserve(1, hash_fn));
  table.Insert(hashes[0], 0, hash_fn);
  CHECK(table.Find(hashes[0], hash_fn) == 0);
  CHECK(table.Find(hashes[big], hash_fn) == big);
  CHECK(table.Validate(hash_fn));
}

TEST_CASE("Validate catches a slot that disagrees with its record") {
  KeyedTable table;
  std::vector<uint64_t> hashes(1000);
  std::mt19937_64 rng(5);
  auto hash_fn = [&](uint32_t i) { return hashes[i]; };
  for (uint32_t i = 0; i < hashes.size(); ++i) {
    hashes[i] = rng();
    REQUIRE(table.Reserve(i + 1, hash_fn));
    table.Insert(hashes[i], i, hash_fn);
  }
  REQUIRE(table.Validate(hash_fn));
  SUBCASE("its tag") {
    hashes[500] ^= uint64_t{1} << 31;  // a tag bit, the home unchanged
    CHECK(!table.Validate(hash_fn));
    CHECK(table.Find(hashes[500], hash_fn) == KeyedTable::kNone);
  }
  SUBCASE("its home") {
    // The same tag, a home half the table away: unreachable from there.
    hashes[500] ^= uint64_t{1} << 63;
    CHECK(!table.Validate(hash_fn));
  }
  SUBCASE("its index") {
    // Two slots name records whose hashes are swapped: each record's hash
    // now leads to a slot that names the other.
    std::swap(hashes[10], hashes[20]);
    CHECK(!table.Validate(hash_fn));
  }
}
