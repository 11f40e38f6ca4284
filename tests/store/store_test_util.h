// Shared helpers for the store's tests: a seeded Random that fails the test
// if the OS cannot seed it, a small store with test-sized limits, and the
// process's resident memory (for tests of what a structure costs idle).
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstddef>
#include <fstream>
#include <memory>

#include "store/random.h"
#include "store/session_store.h"

namespace amfgate::testing {

inline std::unique_ptr<Random> OpenRandom() {
  std::unique_ptr<Random> random;
  Status s = Random::Open("amfgate store tests", &random);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  return random;
}

inline std::unique_ptr<SessionStore> OpenStore(const StoreLimits& limits, Random& random,
                                               MonoTime now) {
  std::unique_ptr<SessionStore> store;
  Status s = SessionStore::Open(limits, random, now, &store);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  return store;
}

inline size_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0;
  size_t resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace amfgate::testing
