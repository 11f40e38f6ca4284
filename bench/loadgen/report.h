// The load generator's report: a human summary and `BENCH name value unit`
// lines (SPEC section 5) for scripts.
//
// Figures per timed window: requests and operations per second; latency
// percentiles per request (p50, p90, p99, p99.9, max, from the histogram);
// with a server pid, the server's CPU time per request and per operation
// (utime + stime over the window) and operations per server CPU-second; the
// client's own CPU per request, so a reader can see which side was the
// bottleneck; in rate mode, the offered and achieved rates and, when the run
// did not keep up, a warning that its latencies include queueing. Names are
// `<label>_<figure>`.
#pragma once

#include <string>

#include "driver.h"

namespace amfgate::bench {

struct RunInfo {
  std::string label;  // prefix of BENCH names
  std::string scenario;
  std::string url;
  const char* op_unit = "request";
  int connections = 0;
  int pipeline = 1;
};

void PrintReport(const RunInfo& info, const PhaseResult& r);

// Printed instead of figures when the run failed.
void PrintFailure(const RunInfo& info, const std::string& phase, const std::string& message);

}  // namespace amfgate::bench
