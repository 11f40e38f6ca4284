#!/usr/bin/env bash
# Runs each doctest binary given, then prints one closing line for the whole
# run: "N passed, N failed". Exits non-zero if any binary failed.
set -u
passed=0 failed=0 status=0
for bin in "$@"; do
  echo "== $bin"
  out=$(mktemp)
  "$bin" 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  line=$(grep -a '^\[doctest\] test cases:' "$out" | tail -n 1)
  rm -f "$out"
  p=$(sed -n 's/.*| *\([0-9]*\) passed.*/\1/p' <<<"$line")
  f=$(sed -n 's/.*| *\([0-9]*\) failed.*/\1/p' <<<"$line")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  if [ "$rc" -ne 0 ]; then
    status=1
    [ "${f:-0}" -eq 0 ] && failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
exit $status
