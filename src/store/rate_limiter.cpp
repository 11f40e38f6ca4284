#include "store/rate_limiter.h"

#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "store/random.h"

namespace amfgate {
namespace {

constexpr uint32_t kWays = 8;
constexpr uint32_t kMaxTableSlots = 1u << 24;
// Bucket depth (burst x interval) is kept well inside MonoTime's range.
constexpr double kMaxDepth = 1e17;

using AddressKey = std::array<uint8_t, 16>;

// IPv4 (4 bytes or IPv4-mapped IPv6) becomes ::ffff:a.b.c.d; IPv6 keeps its
// first `prefix_bits` bits; anything else is the all-zero key.
AddressKey Normalize(std::span<const uint8_t> address, unsigned prefix_bits) {
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  AddressKey key{};
  if (address.size() == 4) {
    std::memcpy(key.data(), kMapped, sizeof(kMapped));
    std::memcpy(key.data() + 12, address.data(), 4);
  } else if (address.size() == 16) {
    std::memcpy(key.data(), address.data(), 16);
    if (std::memcmp(key.data(), kMapped, sizeof(kMapped)) != 0) {
      for (unsigned bit = prefix_bits; bit < 128; ++bit) {
        key[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
      }
    }
  }
  return key;
}

Duration Interval(double rate) {
  return std::max<Duration>(
      1, static_cast<Duration>(std::llround(static_cast<double>(kSecond) / rate)));
}

}  // namespace

// All zeros (as the table is mapped) is an unused slot with a full bucket.
struct RateLimiter::Slot {
  AddressKey key;
  Duration tat;  // theoretical arrival time - origin_; at or before now: a full bucket
};

Status RateLimiterOptions::Check() const {
  auto bad = [](const char* what) { return Status::Error(Code::kInvalidArgument, what); };
  if (!(address_rate >= 0.001) || !std::isfinite(address_rate) || address_burst == 0 ||
      static_cast<double>(address_burst) * (static_cast<double>(kSecond) / address_rate) >
          kMaxDepth) {
    return bad("per-address rate must be at least 0.001/s with a burst of at least 1");
  }
  if (!(global_rate >= 0.001) || !std::isfinite(global_rate) || global_burst == 0 ||
      static_cast<double>(global_burst) * (static_cast<double>(kSecond) / global_rate) >
          kMaxDepth) {
    return bad("total rate must be at least 0.001/s with a burst of at least 1");
  }
  if (max_addresses < kWays || max_addresses > kMaxTableSlots) {
    return bad("max_addresses must be between 8 and 16777216");
  }
  if (ipv6_prefix_bits == 0 || ipv6_prefix_bits > 128)
    return bad("ipv6_prefix_bits must be 1..128");
  return Status::Ok();
}

RateLimiter::RateLimiter(const RateLimiterOptions& options, MonoTime now)
    : options_(options),
      address_interval_(Interval(options.address_rate)),
      address_tolerance_(address_interval_ * (options.address_burst - 1)),
      global_interval_(Interval(options.global_rate)),
      global_tolerance_(global_interval_ * (options.global_burst - 1)),
      global_tat_(now),
      origin_(now) {}

RateLimiter::~RateLimiter() = default;

Status RateLimiter::Open(const RateLimiterOptions& options, Random& random, MonoTime now,
                         std::unique_ptr<RateLimiter>* out) {
  out->reset();
  Status s = options.Check();
  if (!s.ok()) return s;
  std::unique_ptr<RateLimiter> limiter(new RateLimiter(options, now));
  uint32_t slots = kWays;
  while (slots < options.max_addresses) slots *= 2;
  limiter->table_ = MappedRegion::Map(size_t{slots} * sizeof(Slot), MappedRegion::Pages::kSmall);
  if (!limiter->table_)
    return Status::Error(Code::kInternal, "rate limiter: cannot map the address table");
  limiter->slots_ = static_cast<Slot*>(limiter->table_.data());
  limiter->set_mask_ = slots / kWays - 1;
  if (random.RandomBytes(limiter->hash_secret_) != Code::kOk) {
    return Status::Error(Code::kInternal, "rate limiter: the DRBG failed to produce the hash key");
  }
  *out = std::move(limiter);
  return Status::Ok();
}

RateDecision RateLimiter::Allow(std::span<const uint8_t> address, MonoTime now) {
  const AddressKey key = Normalize(address, options_.ipv6_prefix_bits);
  const uint64_t hash =
      XXH3_64bits_withSecret(key.data(), key.size(), hash_secret_.data(), hash_secret_.size());
  Slot* set = &slots_[(hash & set_mask_) * kWays];
  Slot* slot = nullptr;
  Slot* victim = &set[0];
  for (uint32_t i = 0; i < kWays; ++i) {
    if (set[i].key == key) {
      slot = &set[i];
      break;
    }
    if (set[i].tat < victim->tat) victim = &set[i];
  }
  // GCRA: the request conforms if the bucket's arrival time is no more than
  // the burst's worth of intervals ahead of now.
  const MonoTime address_tat = slot != nullptr ? std::max(origin_ + slot->tat, now) : now;
  if (address_tat - now > address_tolerance_) {
    return RateDecision{RateVerdict::kAddressLimited, address_tat - now - address_tolerance_};
  }
  const MonoTime global_tat = std::max(global_tat_, now);
  if (global_tat - now > global_tolerance_) {
    return RateDecision{RateVerdict::kGlobalLimited, global_tat - now - global_tolerance_};
  }
  global_tat_ = global_tat + global_interval_;
  if (slot == nullptr) {
    // The slot with the earliest arrival time holds the fullest bucket of the
    // set (a full one if its time has passed): the cheapest state to forget.
    slot = victim;
    slot->key = key;
  }
  slot->tat = address_tat + address_interval_ - origin_;
  return RateDecision{};
}

uint32_t RateLimiter::TrackedAddresses(MonoTime now) const {
  uint32_t tracked = 0;
  for (uint32_t i = 0; i < (set_mask_ + 1) * kWays; ++i)
    tracked += origin_ + slots_[i].tat > now ? 1 : 0;
  return tracked;
}

bool RateLimiter::Validate() const {
  if (address_interval_ <= 0 || global_interval_ <= 0) return false;
  for (uint32_t set = 0; set <= set_mask_; ++set) {
    const Slot* slots = &slots_[set * kWays];
    for (uint32_t i = 0; i < kWays; ++i) {
      // Every remembered address sits once, in the set it hashes to. (The
      // all-zero key also marks never-used slots, in every set.)
      const AddressKey& key = slots[i].key;
      if (key == AddressKey{}) continue;
      const uint64_t hash =
          XXH3_64bits_withSecret(key.data(), key.size(), hash_secret_.data(), hash_secret_.size());
      if ((hash & set_mask_) != set) return false;
      for (uint32_t j = i + 1; j < kWays; ++j) {
        if (slots[j].key == key) return false;
      }
    }
  }
  return true;
}

}  // namespace amfgate
