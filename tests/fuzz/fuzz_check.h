// FUZZ_CHECK for libFuzzer targets: a broken invariant prints the condition
// and its file and line, then aborts, which libFuzzer reports as a crash and
// saves the input. (A bare abort() inlined at -O1 leaves only the function
// name in the stack trace; the fuzz targets have many checks per function.)
#pragma once

#include <cstdio>
#include <cstdlib>

namespace amfgate::fuzz {

[[noreturn]] inline void CheckFailed(const char* condition, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: check failed: %s\n", file, line, condition);
  std::abort();
}

}  // namespace amfgate::fuzz

#define FUZZ_CHECK(condition)         \
  ((condition) ? static_cast<void>(0) \
               : ::amfgate::fuzz::CheckFailed(#condition, __FILE__, __LINE__))
