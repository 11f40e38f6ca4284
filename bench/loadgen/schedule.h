// Open-loop pacing for `--rate R`: when each request is due, and whether a
// run kept up with its offered rate.
//
// The closed-loop bench sends a request as soon as the previous one is
// answered, so a server (or client) stall delays the requests that would
// have been sent during it and their latency is never seen ("coordinated
// omission"). In rate mode each request has a due time fixed in advance:
// connection i of N sends its k-th request at t0 + (k*N + i)/R, so the
// connections together offer R requests per second, evenly spaced; latency
// is timed from the due time, whether the request left then or later
// because its connection was still busy.
//
// Everything here is arithmetic, kept apart from the event loop so the
// self-test can check it: a due time costs one multiplication and a
// division, no allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace amfgate::bench {

class RateSchedule {
 public:
  RateSchedule() = default;
  // `rate` requests per second over `connections`, from `start_ns`.
  RateSchedule(double rate, size_t connections, uint64_t start_ns);

  double rate() const { return rate_; }
  size_t connections() const { return connections_; }

  // When the request with global sequence number j = k*N + i is due.
  uint64_t DueNs(uint64_t sequence) const;
  // When connection `connection`'s k-th request (k from 0) is due.
  uint64_t DueNs(size_t connection, uint64_t k) const {
    return DueNs(k * connections_ + connection);
  }
  // The connection the request with sequence number j belongs to.
  size_t ConnectionOf(uint64_t sequence) const { return sequence % connections_; }

 private:
  double rate_ = 0;
  size_t connections_ = 1;
  uint64_t start_ns_ = 0;
};

// The backlog (requests due but not yet sent, all connections together),
// sampled at regular intervals over the timed window.
struct BacklogTrend {
  uint64_t early_max = 0;  // the largest sample of the window's first quarter
  uint64_t late_min = 0;   // the smallest sample of its last quarter
};

BacklogTrend SummarizeBacklog(const std::vector<uint64_t>& samples);

// True when a rate-mode run could not keep up with its offered rate, so its
// latencies include queueing in front of the server: the achieved rate is
// more than 2% below the offered one, or the backlog grew through the
// window by more than `slack` requests (a stall that the run recovered
// from leaves the last quarter's minimum low and does not count).
bool Saturated(double offered_rps, double achieved_rps, const BacklogTrend& backlog,
               uint64_t slack);

}  // namespace amfgate::bench
