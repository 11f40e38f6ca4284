// The encoder's reference tables: the inline array that serves a message's
// first entries, the spill into hash slots past it, and slots kept across
// messages, checked against a naive model through a seeded random sequence.
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "amf/arena.h"
#include "amf/ref_table.h"

using namespace amfgate;
using namespace amfgate::amf;

namespace {

using StringTable = RefTable<std::string_view, StringKeyOps>;
using NodeTable = RefTable<const void*, NodeKeyOps>;

}  // namespace

TEST_CASE("string keys get their first index, across the inline array and the hash slots") {
  Arena arena;
  StringTable table(arena);
  std::vector<std::string> keys;
  for (int i = 0; i < 40; ++i) keys.push_back("key" + std::to_string(i));
  for (uint32_t i = 0; i < keys.size(); ++i) {
    CHECK(table.FindOrInsert(keys[i]) == StringTable::kNotFound);
    CHECK(table.size() == i + 1);
    // Every key so far is found by content, whichever storage holds it.
    for (uint32_t j = 0; j <= i; ++j) {
      std::string copy = keys[j];
      REQUIRE(table.Find(copy) == j);
      REQUIRE(table.FindOrInsert(copy) == j);
    }
    CHECK(table.Find("absent") == StringTable::kNotFound);
  }
}

TEST_CASE("a cleared table forgets every key, whether it had spilled or not") {
  Arena arena;
  NodeTable table(arena);
  int nodes[64];
  for (int round = 0; round < 6; ++round) {
    int count = round % 2 == 0 ? 40 : 5;  // spill, then stay inline, and again
    for (int i = 0; i < count; ++i) table.Insert(&nodes[i]);
    for (int i = 0; i < 64; ++i) {
      REQUIRE(table.Find(&nodes[i]) ==
              (i < count ? static_cast<uint32_t>(i) : NodeTable::kNotFound));
    }
    table.Clear();
    CHECK(table.size() == 0);
    for (int i = 0; i < 64; ++i) REQUIRE(table.Find(&nodes[i]) == NodeTable::kNotFound);
  }
}

TEST_CASE("InsertAt maps keys to another table's indices, as the traits cache does") {
  Arena arena;
  NodeTable cache(arena);
  int nodes[20];
  for (int i = 0; i < 20; ++i) cache.InsertAt(&nodes[i], 100 + 2 * i);
  for (int i = 0; i < 20; ++i) CHECK(cache.Find(&nodes[i]) == static_cast<uint32_t>(100 + 2 * i));
}

TEST_CASE("a seeded random sequence of messages agrees with a std::map model") {
  Arena arena;
  StringTable table(arena);
  std::mt19937_64 rng(11);
  std::vector<std::string> pool;
  for (int i = 0; i < 64; ++i)
    pool.push_back(std::string(1 + rng() % 12, static_cast<char>('a' + i % 26)) +
                   std::to_string(i));
  for (int message = 0; message < 500; ++message) {
    table.Clear();
    std::map<std::string, uint32_t> model;
    int ops = static_cast<int>(rng() % 30);
    for (int op = 0; op < ops; ++op) {
      const std::string& key = pool[rng() % pool.size()];
      auto it = model.find(key);
      uint32_t expected = it == model.end() ? StringTable::kNotFound : it->second;
      if (rng() % 3 == 0) {
        REQUIRE(table.Find(key) == expected);
        continue;
      }
      REQUIRE(table.FindOrInsert(key) == expected);
      if (it == model.end()) model.emplace(key, static_cast<uint32_t>(model.size()));
      REQUIRE(table.size() == model.size());
    }
  }
}
