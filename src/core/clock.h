// Time as a parameter, not a global.
//
// Every deadline in amfgate is a MonoTime: nanoseconds on the monotonic clock,
// never wall time, so nothing expires early or late when the system clock is
// set. Components take `now` as an argument (the loop reads the clock once per
// iteration); tests drive a ManualClock.
#pragma once

#include <cstdint>
#include <ctime>

namespace amfgate {

using MonoTime = int64_t;  // nanoseconds since an arbitrary fixed point
using Duration = int64_t;  // nanoseconds

constexpr Duration kMicrosecond = 1000;
constexpr Duration kMillisecond = 1000 * kMicrosecond;
constexpr Duration kSecond = 1000 * kMillisecond;

inline MonoTime MonotonicNow() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<MonoTime>(ts.tv_sec) * kSecond + ts.tv_nsec;
}

// A clock that moves only when told to; for tests and benchmarks.
class ManualClock {
 public:
  explicit ManualClock(MonoTime start = kSecond) : now_(start) {}
  MonoTime now() const { return now_; }
  void Advance(Duration d) { now_ += d; }
  void Set(MonoTime t) { now_ = t; }

 private:
  MonoTime now_;
};

}  // namespace amfgate
