#include "proc_stat.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace amfgate::bench {
namespace {

bool ReadFile(const std::string& path, std::string* out) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return false;
  char buf[4096];
  size_t n;
  out->clear();
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out->append(buf, n);
  std::fclose(f);
  return true;
}

}  // namespace

bool ReadProcSample(pid_t pid, ProcSample* out) {
  std::string stat, status;
  const std::string base = "/proc/" + std::to_string(pid);
  if (!ReadFile(base + "/stat", &stat) || !ReadFile(base + "/status", &status)) return false;
  // The command name (field 2) may hold spaces and parentheses: fields are
  // counted from the last ')'. utime and stime are fields 14 and 15.
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return false;
  const char* p = stat.c_str() + close + 1;
  unsigned long long utime = 0, stime = 0;
  int field = 2;
  while (*p != '\0' && field < 15) {
    while (*p == ' ') ++p;
    ++field;
    char* end;
    unsigned long long v = std::strtoull(p, &end, 10);
    if (field == 14) utime = v;
    if (field == 15) stime = v;
    while (*p != ' ' && *p != '\0') ++p;
  }
  if (field < 15) return false;
  const double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
  out->user_s = static_cast<double>(utime) / hz;
  out->system_s = static_cast<double>(stime) / hz;
  out->rss_bytes = 0;
  const char* rss = std::strstr(status.c_str(), "\nVmRSS:");
  if (rss != nullptr) out->rss_bytes = std::strtoull(rss + 7, nullptr, 10) * 1024;
  return true;
}

double SelfCpuSeconds() {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

}  // namespace amfgate::bench
