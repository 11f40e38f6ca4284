// Latency histogram with bounded relative error, for the load generator.
//
// Buckets are log-linear (the HdrHistogram idea): values below 2^kSubBits ns
// have a bucket each (kSubBits = 8); above that, every power-of-two range is split into
// 2^(kSubBits-1) equal buckets, so a bucket's width is at most 1/128 of its
// lower bound (0.8% error) while 2^63 ns fits in about 7,400 counters
// (59 KiB). Recording is one bit scan and one increment, cheap enough for
// every request; percentiles walk the counters once. Values are nanoseconds;
// negative values are clamped to 0.
#pragma once

#include <cstdint>
#include <vector>

namespace amfgate::bench {

class Histogram {
 public:
  Histogram();

  void Record(int64_t ns);
  void Clear();

  uint64_t count() const { return count_; }
  int64_t min() const { return count_ == 0 ? 0 : min_; }
  int64_t max() const { return max_; }
  double Mean() const { return count_ == 0 ? 0 : sum_ / static_cast<double>(count_); }

  // The smallest recorded bucket bound at or below which `percent` of the
  // samples lie (0 < percent <= 100), never above max(); 0 when empty.
  int64_t Percentile(double percent) const;

  // Counters sum to count() and min/max lie inside the recorded buckets.
  bool Validate() const;

  // Exposed for tests of the bucket arithmetic.
  static int BucketOf(int64_t ns);
  static int64_t BucketUpperBound(int bucket);

 private:
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  int64_t min_ = 0;
  int64_t max_ = 0;
  double sum_ = 0;
};

}  // namespace amfgate::bench
