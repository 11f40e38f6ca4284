#!/usr/bin/env bash
# Usage: run_fuzzers.sh SECONDS FINDINGS_DIR FUZZER_BINARY...
#
# Runs each libFuzzer binary, one after the other, for SECONDS on a scratch
# copy of its seed corpus (tests/fuzz/corpus/<name>/; the repository's corpus
# is never written to), with tests/fuzz/dict/<name>.dict when it exists.
# A crash, sanitizer report (ASan, UBSan, LeakSanitizer), timeout (one input
# taking more than FUZZ_TIMEOUT seconds, default 30) or out-of-memory (RSS over
# FUZZ_RSS_MB, default 2048) is a failure: the input that caused it is kept in
# FINDINGS_DIR/<name>/ and the fuzzer's log in FINDINGS_DIR/<name>.log.
#
# Prints one line per target (runs, seconds, coverage, result) and a closing
# "N targets, N failed" line; exits 1 if any target failed.
set -u
seconds=$1
findings=$2
shift 2
timeout=${FUZZ_TIMEOUT:-30}
rss_mb=${FUZZ_RSS_MB:-2048}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$findings"

total=0 failed=0
summary=()
for bin in "$@"; do
  name=$(basename "$bin")
  total=$((total + 1))
  scratch=$(mktemp -d)
  [ -d "$here/corpus/$name" ] && cp -r "$here/corpus/$name/." "$scratch/"
  dict=()
  [ -f "$here/dict/$name.dict" ] && dict=("-dict=$here/dict/$name.dict")
  log="$findings/$name.log"
  mkdir -p "$findings/$name"
  start=$(date +%s)
  "$bin" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb="$rss_mb" \
    -print_final_stats=1 -artifact_prefix="$findings/$name/" "${dict[@]}" "$scratch" >"$log" 2>&1
  rc=$?
  elapsed=$(($(date +%s) - start))
  rm -rf "$scratch"

  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  cov=$(grep -a -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
  if [ "$rc" -eq 0 ]; then
    result="ok"
    rmdir "$findings/$name" 2>/dev/null
  else
    failed=$((failed + 1))
    # The first sanitizer or libFuzzer verdict names what went wrong.
    what=$(grep -a -m 1 -o -E 'check failed: .*|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer): [a-z -]+|runtime error: .*' "$log" |
      head -n 1 | cut -c 1-100)
    artifact=$(grep -a -o -E 'Test unit written to [^ ]+' "$log" | tail -n 1 | sed 's/^Test unit written to //')
    result="FAILED (rc=$rc${what:+, $what})${artifact:+ input: $artifact}"
  fi
  line=$(printf '%-18s runs=%-10s %4ss  cov=%-6s %s' "$name" "${runs:-?}" "$elapsed" "${cov:-?}" "$result")
  summary+=("$line")
  echo "$line"
  if [ "$rc" -ne 0 ]; then
    # The verdict and the first frames in amfgate's own code.
    echo "  log: $log"
    grep -a -m 1 -E 'check failed: |ERROR: |runtime error:' "$log" | sed 's/^/  | /'
    grep -a -E '^ *#[0-9]+ .* (/[^ ]*)?(src|tests)/[^ ]*' "$log" | head -n 6 | sed 's/^ */  | /'
  fi
done

echo "== fuzz summary ($seconds s each)"
printf '%s\n' "${summary[@]}"
echo "$total targets, $failed failed"
[ "$failed" -eq 0 ]
