#!/usr/bin/env bash
# Runs each libFuzzer binary for SECONDS on a scratch copy of its seed corpus
# (tests/fuzz/corpus/<name>/), so the repository's corpus is never written to.
set -eu
seconds=$1; shift
for bin in "$@"; do
  name=$(basename "$bin")
  scratch=$(mktemp -d)
  [ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$scratch/"
  echo "== $name for ${seconds}s"
  "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=1 "$scratch" 2>&1 | tail -n 12
  rm -rf "$scratch"
done
