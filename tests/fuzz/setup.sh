#!/usr/bin/env bash
# Installs what `make fuzz` needs and the normal build does not: clang and its
# libFuzzer/sanitizer runtimes (Debian 12: clang 14, libclang-rt-14-dev). Does
# nothing when clang++ can already link a libFuzzer target.
set -eu
probe() {
  command -v clang++ >/dev/null 2>&1 || return 1
  local dir
  dir=$(mktemp -d)
  printf '%s\n' 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' \
    >"$dir/probe.cpp"
  clang++ -fsanitize=fuzzer,address,undefined "$dir/probe.cpp" -o "$dir/probe" >/dev/null 2>&1
  local rc=$?
  rm -rf "$dir"
  return $rc
}
probe && exit 0
echo "fuzz: installing clang and libclang-rt-14-dev (libFuzzer)"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev
probe || { echo "fuzz: clang++ still cannot link a libFuzzer target" >&2; exit 1; }
