#include "schedule.h"

#include <algorithm>
#include <cmath>

namespace amfgate::bench {

RateSchedule::RateSchedule(double rate, size_t connections, uint64_t start_ns)
    : rate_(rate), connections_(connections == 0 ? 1 : connections), start_ns_(start_ns) {}

uint64_t RateSchedule::DueNs(uint64_t sequence) const {
  // Each due time from the sequence number itself, not by adding a period
  // to the last one, so rounding never accumulates over a long run.
  return start_ns_ +
         static_cast<uint64_t>(std::llround(static_cast<double>(sequence) * 1e9 / rate_));
}

BacklogTrend SummarizeBacklog(const std::vector<uint64_t>& samples) {
  BacklogTrend t;
  if (samples.empty()) return t;
  const size_t quarter = std::max<size_t>(1, samples.size() / 4);
  t.early_max = *std::max_element(samples.begin(), samples.begin() + quarter);
  t.late_min = *std::min_element(samples.end() - quarter, samples.end());
  return t;
}

bool Saturated(double offered_rps, double achieved_rps, const BacklogTrend& backlog,
               uint64_t slack) {
  if (achieved_rps < offered_rps * 0.98) return true;
  return backlog.late_min > backlog.early_max + slack;
}

}  // namespace amfgate::bench
