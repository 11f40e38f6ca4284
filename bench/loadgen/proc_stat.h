// What the kernel says a server process has cost: CPU time and resident
// memory, read from /proc/PID/stat and /proc/PID/status.
//
// CPU time is utime + stime of the whole process (all its threads), in the
// kernel's clock ticks (USER_HZ, 100 per second here), so a window needs to
// hold at least a few hundred ticks of server CPU for the per-request figure
// to be good to about 1%. Reading costs two small file reads; do it at the
// edges of a timed window, not per request.
#pragma once

#include <sys/types.h>

#include <cstdint>

namespace amfgate::bench {

struct ProcSample {
  double user_s = 0;
  double system_s = 0;
  uint64_t rss_bytes = 0;
  double cpu_s() const { return user_s + system_s; }
};

// False when the process does not exist (or /proc cannot be read).
bool ReadProcSample(pid_t pid, ProcSample* out);

// This process's own CPU time (getrusage), for the client side of a report.
double SelfCpuSeconds();

}  // namespace amfgate::bench
