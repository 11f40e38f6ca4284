// What the benchmark binaries (bench/bench_*.cpp) print the same way: the
// machine's CPU model, and the median and range of a set of samples.
#pragma once

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

namespace amfgate::bench {

inline std::string CpuModel() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown";
}

struct Spread {
  double median = 0, min = 0, max = 0;
};

inline Spread Summarize(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  return Spread{samples[samples.size() / 2], samples.front(), samples.back()};
}

}  // namespace amfgate::bench
