#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "store/random.h"
#include "store/rate_limiter.h"
#include "store_test_util.h"

using namespace amfgate;

namespace {

constexpr MonoTime kStart = 5 * kSecond;

std::unique_ptr<RateLimiter> Open(const RateLimiterOptions& options, Random& random) {
  std::unique_ptr<RateLimiter> limiter;
  Status s = RateLimiter::Open(options, random, kStart, &limiter);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  return limiter;
}

std::array<uint8_t, 4> V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) { return {a, b, c, d}; }

std::array<uint8_t, 16> V6(uint16_t first, uint16_t last) {
  std::array<uint8_t, 16> a{};
  a[0] = static_cast<uint8_t>(first >> 8);
  a[1] = static_cast<uint8_t>(first);
  a[14] = static_cast<uint8_t>(last >> 8);
  a[15] = static_cast<uint8_t>(last);
  return a;
}

}  // namespace

TEST_CASE("an address gets its burst at once, then its rate") {
  auto random = testing::OpenRandom();
  RateLimiterOptions options;
  options.address_rate = 10;  // one token per 100 ms
  options.address_burst = 5;
  auto limiter = Open(options, *random);
  const auto ip = V4(192, 0, 2, 1);
  MonoTime now = kStart;
  for (int i = 0; i < 5; ++i) CHECK(limiter->Allow(ip, now).allowed());
  RateDecision refused = limiter->Allow(ip, now);
  CHECK(refused.verdict == RateVerdict::kAddressLimited);
  CHECK(refused.retry_after == 100 * kMillisecond);
  now += 100 * kMillisecond - 1;
  CHECK_FALSE(limiter->Allow(ip, now).allowed());
  now += 1;
  CHECK(limiter->Allow(ip, now).allowed());
  CHECK_FALSE(limiter->Allow(ip, now).allowed());
  // A quiet second refills the whole burst, no more.
  now += 10 * kSecond;
  for (int i = 0; i < 5; ++i) CHECK(limiter->Allow(ip, now).allowed());
  CHECK_FALSE(limiter->Allow(ip, now).allowed());
  CHECK(limiter->Validate());
}

TEST_CASE("a guessing storm from one address does not block other addresses") {
  auto random = testing::OpenRandom();
  RateLimiterOptions options;
  options.address_rate = 1;
  options.address_burst = 10;
  options.global_rate = 100;
  options.global_burst = 100;
  auto limiter = Open(options, *random);
  const auto attacker = V4(203, 0, 113, 7);
  MonoTime now = kStart;
  int attacker_allowed = 0;
  for (int i = 0; i < 100000; ++i) {
    attacker_allowed += limiter->Allow(attacker, now).allowed() ? 1 : 0;
    now += 10 * kMicrosecond;  // 100,000 guesses a second
  }
  CHECK(attacker_allowed == 10);  // its burst; the first refill is due only after a second
  for (uint8_t host = 1; host <= 50; ++host) {
    CHECK(limiter->Allow(V4(198, 51, 100, host), now).allowed());
  }
  CHECK(limiter->Validate());
}

TEST_CASE("the global bucket bounds everyone together") {
  auto random = testing::OpenRandom();
  RateLimiterOptions options;
  options.address_rate = 100;
  options.address_burst = 100;
  options.global_rate = 10;
  options.global_burst = 20;
  auto limiter = Open(options, *random);
  int allowed = 0;
  RateDecision last;
  for (uint16_t host = 0; host < 1000; ++host) {
    last = limiter->Allow(V6(0x2001, host), kStart);  // same /64: also one address bucket
    allowed += last.allowed() ? 1 : 0;
  }
  CHECK(allowed == 20);
  for (uint32_t host = 0; host < 1000; ++host) {
    RateDecision d = limiter->Allow(V4(10, 0, host >> 8, host & 255), kStart);
    CHECK(d.verdict == RateVerdict::kGlobalLimited);
    CHECK(d.retry_after == 100 * kMillisecond);
  }
  CHECK(limiter->Allow(V4(10, 9, 9, 9), kStart + 100 * kMillisecond).allowed());
}

TEST_CASE("IPv6 counts by its /64, IPv4-mapped IPv6 as its IPv4 address") {
  auto random = testing::OpenRandom();
  RateLimiterOptions options;
  options.address_rate = 1;
  options.address_burst = 2;
  auto limiter = Open(options, *random);
  CHECK(limiter->Allow(V6(0x2001, 1), kStart).allowed());
  CHECK(limiter->Allow(V6(0x2001, 2), kStart).allowed());
  CHECK_FALSE(limiter->Allow(V6(0x2001, 3), kStart).allowed());  // same /64
  CHECK(limiter->Allow(V6(0x2002, 1), kStart).allowed());        // another /64

  std::array<uint8_t, 16> mapped{};
  mapped[10] = mapped[11] = 0xFF;
  mapped[12] = 192, mapped[13] = 0, mapped[14] = 2, mapped[15] = 9;
  CHECK(limiter->Allow(V4(192, 0, 2, 9), kStart).allowed());
  CHECK(limiter->Allow(mapped, kStart).allowed());
  CHECK_FALSE(limiter->Allow(V4(192, 0, 2, 9), kStart).allowed());
  mapped[15] = 10;  // mapped addresses are not truncated to a prefix
  CHECK(limiter->Allow(mapped, kStart).allowed());
  CHECK(limiter->Validate());
}

TEST_CASE("the address table stays bounded and forgets the fullest buckets first") {
  auto random = testing::OpenRandom();
  RateLimiterOptions options;
  options.address_rate = 1;
  options.address_burst = 1;
  options.max_addresses = 64;
  auto limiter = Open(options, *random);
  MonoTime now = kStart;
  const auto regular = V4(192, 0, 2, 200);
  CHECK(limiter->Allow(regular, now).allowed());
  for (uint32_t host = 0; host < 100000; ++host) {
    (void)limiter->Allow(V4(100, 64, host >> 8, host & 255), now);
    now += kMicrosecond;
  }
  CHECK(limiter->TrackedAddresses(now) <= 64);
  CHECK(limiter->Validate());
  // Forgetting an address can only make it look fresh, never lock it out.
  now += kSecond;
  CHECK(limiter->Allow(regular, now).allowed());
}

TEST_CASE("rate limiter options out of range are refused") {
  auto random = testing::OpenRandom();
  std::unique_ptr<RateLimiter> limiter;
  RateLimiterOptions options;
  options.address_rate = 0;
  CHECK_FALSE(RateLimiter::Open(options, *random, kStart, &limiter).ok());
  options = RateLimiterOptions();
  options.global_burst = 0;
  CHECK_FALSE(RateLimiter::Open(options, *random, kStart, &limiter).ok());
  options = RateLimiterOptions();
  options.max_addresses = 4;
  CHECK_FALSE(RateLimiter::Open(options, *random, kStart, &limiter).ok());
  options = RateLimiterOptions();
  options.ipv6_prefix_bits = 0;
  CHECK_FALSE(RateLimiter::Open(options, *random, kStart, &limiter).ok());
  CHECK(limiter == nullptr);
  CHECK(RateLimiter::Open(RateLimiterOptions(), *random, kStart, &limiter).ok());
}

TEST_CASE("the address table costs memory only where addresses land") {
  auto random = testing::OpenRandom();
  RateLimiterOptions options;
  options.max_addresses = 1u << 24;  // 384 MiB of slots if they were all touched
  const size_t before = testing::ResidentBytes();
  auto limiter = Open(options, *random);
  MonoTime now = kStart;
  for (uint8_t i = 0; i < 200; ++i) CHECK(limiter->Allow(V4(198, 51, 100, i), now).allowed());
  CHECK(limiter->TrackedAddresses(now) == 200);
  // 200 addresses touch at most 200 pages of 4 KiB, and the rest of the
  // table stays unmapped zeros that read as full buckets.
  CHECK(testing::ResidentBytes() - before < 4 * 1024 * 1024);
  CHECK(limiter->Validate());
}
