// Shared helpers for the store's tests: a seeded Random that fails the test
// if the OS cannot seed it, and a small store with test-sized limits.
#pragma once

#include <doctest/doctest.h>

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

}  // namespace amfgate::testing
