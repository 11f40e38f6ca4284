#include "histogram.h"

#include <algorithm>
#include <bit>

namespace amfgate::bench {
namespace {

constexpr int kSubBits = 8;
constexpr int64_t kLinearLimit = int64_t{1} << kSubBits;  // values below: one bucket each
constexpr int kHalf = 1 << (kSubBits - 1);                // buckets per power of two above
// Highest bit index of an int64 value is 62; shifts run from 1 to 62 - kSubBits + 1.
constexpr int kBuckets = kLinearLimit + (62 - kSubBits + 1) * kHalf;

}  // namespace

Histogram::Histogram() : counts_(kBuckets, 0) {}

int Histogram::BucketOf(int64_t ns) {
  if (ns < kLinearLimit) return ns < 0 ? 0 : static_cast<int>(ns);
  const int top = 63 - std::countl_zero(static_cast<uint64_t>(ns));  // >= kSubBits
  const int shift = top - kSubBits + 1;                              // >= 1
  const int mantissa = static_cast<int>(ns >> shift);                // in [kHalf, 2*kHalf)
  return kLinearLimit + (shift - 1) * kHalf + (mantissa - kHalf);
}

int64_t Histogram::BucketUpperBound(int bucket) {
  if (bucket < kLinearLimit) return bucket;
  const int rel = bucket - kLinearLimit;
  const int shift = rel / kHalf + 1;
  const int64_t mantissa = kHalf + rel % kHalf;
  return ((mantissa + 1) << shift) - 1;
}

void Histogram::Record(int64_t ns) {
  if (ns < 0) ns = 0;
  ++counts_[BucketOf(ns)];
  if (count_ == 0 || ns < min_) min_ = ns;
  if (ns > max_) max_ = ns;
  ++count_;
  sum_ += static_cast<double>(ns);
}

void Histogram::Clear() {
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = 0;
  min_ = max_ = 0;
  sum_ = 0;
}

int64_t Histogram::Percentile(double percent) const {
  if (count_ == 0) return 0;
  // The rank of the sample we want, 1-based: ceil(count * percent / 100).
  double want = static_cast<double>(count_) * percent / 100.0;
  uint64_t rank = static_cast<uint64_t>(want);
  if (static_cast<double>(rank) < want) ++rank;
  rank = std::clamp<uint64_t>(rank, 1, count_);
  uint64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(BucketUpperBound(static_cast<int>(i)), max_);
  }
  return max_;
}

bool Histogram::Validate() const {
  uint64_t total = 0;
  for (uint64_t c : counts_) total += c;
  if (total != count_) return false;
  if (count_ == 0) return max_ == 0;
  return min_ <= max_ && counts_[BucketOf(min_)] > 0 && counts_[BucketOf(max_)] > 0;
}

}  // namespace amfgate::bench
