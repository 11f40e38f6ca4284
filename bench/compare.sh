#!/usr/bin/env bash
# make bench-compare: amfgate side by side with nginx and redis, on this
# machine, in one run (issue 7; bench/README.md explains every figure).
#
# Servers run pinned to one core (BENCH_SERVER_CPU), load generators to
# another (BENCH_LOAD_CPU), all on 127.0.0.1 and on free high ports, with
# their files under build/bench-compare/. On two cores every load generator
# saturates near the servers' rates, so the figure that counts is the
# server's CPU time per operation, read from /proc/PID/stat over each timed
# window. Every server this script starts is stopped by its pid, also when it
# fails; any failed check of any response fails the whole run.
#
# Knobs (environment): BENCH_SECONDS (timed window, 3), BENCH_ROUNDS (5; the
# table holds medians, ratios are taken within a round, then their median),
# BENCH_CONNECTIONS (50; handshake runs use 4 connections and twice the
# window, as the client's side of a handshake costs more than the server's), BENCH_MEMORY (1; 0 skips the 1,000,000-session
# memory run), BENCH_RATE_SHARE (0.3: the fixed rate of the latency runs,
# as a share of the slower server's closed-loop rate), BENCH_PARTS (which parts to run, default all:
# "ceiling nginx redis amfgate memory profile"; profile needs perf), BENCH_PUBLISH (1: copy the results
# to bench/results/; 0: leave them in build/bench-compare/ only).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
WORK=$BUILD/bench-compare
SECS=${BENCH_SECONDS:-3}
ROUNDS=${BENCH_ROUNDS:-5}
CONNS=${BENCH_CONNECTIONS:-50}
MEMORY=${BENCH_MEMORY:-1}
PARTS=" ${BENCH_PARTS:-ceiling nginx redis amfgate memory profile} "
PUBLISH=${BENCH_PUBLISH:-1}
SERVER_CPU=${BENCH_SERVER_CPU:-0}
LOAD_CPU=${BENCH_LOAD_CPU:-1}
# Enough aliases for the warm-up and a whole redeem window at the ~110,000
# redemptions/s seen here: with 100,000, aliases ran out 0.35 s into the
# window, whose CPU time /proc counts in 10 ms ticks.
ALIASES=${BENCH_ALIASES:-450000}
REDIS_KEYS=1000000
RATE_SHARE=${BENCH_RATE_SHARE:-0.3}
REDIS_REQUESTS=${BENCH_REDIS_REQUESTS:-$((SECS * 50000))}
# The binaries are copied into the work directory first, so that a rebuild
# of build/ during the run changes nothing (and profiles keep their symbols).
AMFGATE=$BUILD/amfgate
LOAD=$BUILD/amfgate-bench
HZ=$(getconf CLK_TCK)

log() { printf '== %s\n' "$*" >&2; }
die() {
  printf 'bench-compare: FAILED: %s\n' "$*" >&2
  exit 1
}

# --- processes we started, stopped by pid on the way out

PIDS=()
stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  forget_pid "$pid"
}
forget_pid() {
  local keep=() p
  for p in "${PIDS[@]+"${PIDS[@]}"}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  PIDS=("${keep[@]+"${keep[@]}"}")
}
cleanup() {
  local p
  for p in "${PIDS[@]+"${PIDS[@]}"}"; do stop_pid "$p"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- tools

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

install_packages() {
  local need=() p
  for p in nginx wrk redis-server redis-tools gnuplot-nox openssl; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
  done
  [ ${#need[@]} -eq 0 ] && return 0
  log "installing ${need[*]}"
  # The packages' own services must not start (they would take ports 80 and
  # 6379): policy-rc.d (invoke-rc.d's documented switch) refuses them while
  # we install, unless the machine already has one.
  local made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d'
    made_policy=1
  fi
  as_root apt-get -o DPkg::Lock::Timeout=600 update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${need[@]}" >/dev/null
  [ $made_policy = 1 ] && as_root rm -f /usr/sbin/policy-rc.d
  return 0
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# A port below the kernel's ephemeral range, so that no outgoing connection
# holds it as its local port; it can still be taken before the server binds
# it, so servers are started with retries (start_with_retries).
free_port() {
  local lo p
  lo=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  [ "$lo" -gt 12000 ] 2>/dev/null || lo=32768
  while :; do
    p=$((10000 + RANDOM % (lo - 10000)))
    port_busy "$p" || { echo "$p"; return; }
  done
}
# wait_port PORT PID: until PORT accepts connections; fails early if PID died.
wait_port() {
  local i
  for i in $(seq 100); do
    port_busy "$1" && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
# start_with_retries WHAT FUNCTION ARGS...: FUNCTION starts a server on fresh
# ports and returns non-zero (having stopped it) when it did not come up.
start_with_retries() {
  local what=$1 attempt
  shift
  for attempt in 1 2 3; do
    "$@" && return 0
    log "$what did not start (attempt $attempt), trying other ports"
  done
  die "$what did not start; see its log under $WORK"
}

# utime + stime of a process, in seconds (fields 14 and 15; the command name
# may hold spaces, so fields are counted after its closing parenthesis).
cpu_seconds() { awk -v hz="$HZ" '{ sub(/^.*\) /, ""); printf "%.6f\n", ($12 + $13) / hz }' "/proc/$1/stat"; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# --- results: one line per figure, "round label figure value"

RESULTS_TSV=$WORK/results.tsv
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$RESULTS_TSV"; }

# run_load ROUND LABEL SERVER_PID amfgate-bench-arguments...
run_load() {
  local round=$1 label=$2 pid=$3
  shift 3
  local out=$WORK/logs/$label.r$round.txt
  log "round $round: $label"
  if ! taskset -c "$LOAD_CPU" "$LOAD" "$@" --label "$label" --server-pid "$pid" >"$out" 2>&1; then
    cat "$out" >&2
    die "$label: the load generator reported an error (log: $out)"
  fi
  grep -v '^BENCH' "$out" | sed 's/^/   /' >&2
  awk -v r="$round" -v l="$label" '$1 == "BENCH" { sub("^" l "_", "", $2); printf "%s\t%s\t%s\t%s\n", r, l, $2, $3 }' \
    "$out" >>"$RESULTS_TSV"
}

# nginx_get ROUND LABEL URL [ARGS...]: nginx `return 200` on keep-alive
# connections, when the nginx part runs.
nginx_get() {
  part nginx || return 0
  local r=$1 label=$2 url=$3
  shift 3
  run_load "$r" "$label" "$NGINX_WORKER" get --url "$url" --connections "$CONNS" --duration "$SECS" "$@"
}

# fixed_rate ROUND LABEL1 LABEL2: RATE_SHARE of the lower of the two
# closed-loop rates this round measured, in requests per second.
fixed_rate() {
  awk -F'\t' -v r="$1" -v a="$2" -v b="$3" -v share="$RATE_SHARE" '
    $1 == r && $3 == "rps" && ($2 == a || $2 == b) { if (min == "" || $4 < min) min = $4 }
    END { if (min == "") exit 1; printf "%d\n", min * share }' "$RESULTS_TSV" ||
    die "no closed-loop rate for $2 and $3 in round $1"
}

# --- certificate: ECDSA P-256, self-signed, for nginx and amfgate alike

make_certificate() {
  CERT=$WORK/cert.pem
  KEY=$WORK/key.pem
  openssl ecparam -name prime256v1 -genkey -noout -out "$KEY" 2>/dev/null
  openssl req -new -x509 -key "$KEY" -out "$CERT" -days 30 -subj /CN=localhost 2>/dev/null
}

# --- nginx: worker_processes 1, `return 200`, plain and TLS

start_nginx() { start_with_retries nginx try_start_nginx; }
try_start_nginx() {
  NGINX_PLAIN=$(free_port)
  NGINX_TLS=$(free_port)
  local dir=$WORK/nginx
  rm -rf "$dir" && mkdir -p "$dir/logs" "$dir/tmp"
  cat >"$dir/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000000;
  client_body_temp_path $dir/tmp; proxy_temp_path $dir/tmp; fastcgi_temp_path $dir/tmp;
  uwsgi_temp_path $dir/tmp; scgi_temp_path $dir/tmp;
  ssl_protocols TLSv1.2 TLSv1.3;
  ssl_ecdh_curve prime256v1:X25519;
  ssl_session_cache shared:bench:10m;
  ssl_session_tickets on;
  server { listen 127.0.0.1:$NGINX_PLAIN; location / { return 200 "ok\n"; } }
  server {
    listen 127.0.0.1:$NGINX_TLS ssl;
    ssl_certificate $CERT;
    ssl_certificate_key $KEY;
    location / { return 200 "ok\n"; }
  }
}
EOF
  taskset -c "$SERVER_CPU" nginx -e "$dir/logs/error.log" -p "$dir" -c "$dir/nginx.conf" &
  NGINX_MASTER=$!
  PIDS+=("$NGINX_MASTER")
  if ! wait_port "$NGINX_PLAIN" "$NGINX_MASTER" || ! wait_port "$NGINX_TLS" "$NGINX_MASTER"; then
    stop_pid "$NGINX_MASTER"
    return 1
  fi
  NGINX_WORKER=$(pgrep -P "$NGINX_MASTER" | head -n1)
  [ -n "$NGINX_WORKER" ] || die "no nginx worker process"
}

nginx_wrk() {
  local r=$1
  # wrk as a second opinion on the plain figure: a different client, the
  # same server cost per request means our load generator is fair.
  log "round $r: nginx_plain_wrk"
  local before after out=$WORK/logs/nginx_plain_wrk.r$r.txt
  before=$(cpu_seconds "$NGINX_WORKER")
  taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d"${SECS}s" --latency "http://127.0.0.1:$NGINX_PLAIN/" >"$out" 2>&1 ||
    die "wrk failed (log: $out)"
  after=$(cpu_seconds "$NGINX_WORKER")
  awk -v r="$r" -v before="$before" -v after="$after" '
    function us(s) { if (s ~ /us$/) return s + 0; if (s ~ /ms$/) return s * 1000; if (s ~ /s$/) return s * 1e6; return s }
    / requests in / { n = $1 }
    /^Requests\/sec:/ { rps = $2 }
    /^ +50%/ { p50 = us($2) } /^ +90%/ { p90 = us($2) } /^ +99%/ { p99 = us($2) }
    /Non-2xx|Socket errors/ { errors = 1 }
    END {
      if (errors) { print "wrk saw errors" > "/dev/stderr"; exit 1 }
      cpu = after - before
      printf "%s\tnginx_plain_wrk\trps\t%s\n", r, rps
      printf "%s\tnginx_plain_wrk\tp50_us\t%s\n%s\tnginx_plain_wrk\tp90_us\t%s\n%s\tnginx_plain_wrk\tp99_us\t%s\n", r, p50, r, p90, r, p99
      printf "%s\tnginx_plain_wrk\tserver_cpu_us_per_op\t%.3f\n", r, cpu * 1e6 / n
      printf "%s\tnginx_plain_wrk\tops_per_server_cpu_s\t%.0f\n", r, n / cpu
    }' "$out" >>"$RESULTS_TSV" || die "wrk reported errors (log: $out)"
}

# --- redis: redis-benchmark, 50 clients, no pipelining

start_redis() { start_with_retries redis-server try_start_redis; }
try_start_redis() {
  REDIS_PORT=$(free_port)
  local dir=$WORK/redis
  rm -rf "$dir" && mkdir -p "$dir"
  taskset -c "$SERVER_CPU" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$dir" --logfile "$dir/redis.log" --daemonize no &
  REDIS_PID=$!
  PIDS+=("$REDIS_PID")
  wait_port "$REDIS_PORT" "$REDIS_PID" || { stop_pid "$REDIS_PID"; return 1; }
}
rcli() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }

# REDIS_KEYS tokens shaped like aliases (a key, a 43-character value, a TTL).
redis_tokens() {
  rcli FLUSHALL >/dev/null
  rcli EVAL "for i = 0, tonumber(ARGV[1]) - 1 do
      redis.call('SET', 'tok:' .. string.format('%012d', i), 'bench|' .. string.format('%043d', i), 'EX', 600)
    end return 1" 0 "$REDIS_KEYS" >/dev/null
}

# redis_run ROUND LABEL command...: one redis-benchmark run; CPU over it.
redis_run() {
  local r=$1 label=$2
  shift 2
  log "round $r: $label"
  redis_tokens
  local before after out=$WORK/logs/$label.r$r.txt left
  before=$(cpu_seconds "$REDIS_PID")
  taskset -c "$LOAD_CPU" redis-benchmark -h 127.0.0.1 -p "$REDIS_PORT" -c 50 -P 1 -n "$REDIS_REQUESTS" \
    -r "$REDIS_KEYS" --csv "$@" >"$out" 2>&1 || die "redis-benchmark failed (log: $out)"
  after=$(cpu_seconds "$REDIS_PID")
  left=$(rcli EVAL "return #redis.call('KEYS', 'tok:*')" 0)
  # Keys are drawn at random, so some requests find their token gone; the
  # hit ratio says how many did the whole job.
  awk -F'","' -v r="$r" -v l="$label" -v before="$before" -v after="$after" -v n="$REDIS_REQUESTS" \
    -v hits="$((REDIS_KEYS - left))" '
    NR == 2 {
      cpu = after - before
      gsub(/"/, "", $0); split($0, f, ",")
      printf "%s\t%s\trps\t%s\n%s\t%s\tp50_us\t%.1f\n%s\t%s\tp99_us\t%.1f\n", r, l, f[2], r, l, f[5] * 1000, r, l, f[7] * 1000
      printf "%s\t%s\tserver_cpu_us_per_op\t%.3f\n%s\t%s\tops_per_server_cpu_s\t%.0f\n", r, l, cpu * 1e6 / n, r, l, n / cpu
      printf "%s\t%s\thit_ratio\t%.3f\n", r, l, hits / n
    }' "$out" >>"$RESULTS_TSV"
  tail -n 1 "$out" | sed 's/^/   /' >&2
}

# The closest analogue of redeeming an alias into a session: take the token
# out, store the session with a TTL. Loaded once and run with EVALSHA, as
# clients run scripts.
redis_redeem_script() {
  rcli SCRIPT LOAD "local v = redis.call('GETDEL', KEYS[1])
      if v then redis.call('SET', KEYS[2], v, 'EX', 1800) end
      return v"
}

# --- amfgate

# The bench account, hashed with the fewest PBKDF2 iterations the users file
# accepts (1000, not amfgate passwd's 20,000): the set-up logs in hundreds of
# page sessions, and login is not one of the measured operations.
make_users() {
  local salt hash
  salt=$(openssl rand -hex 16)
  hash=$(openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt pass:bench-password -kdfopt "hexsalt:$salt" \
    -kdfopt iter:1000 PBKDF2 | tr -d ':')
  [ ${#hash} = 64 ] || die "openssl kdf did not derive the bench account's hash"
  printf 'bench:pbkdf2-sha256:1000:%s:%s\n' "$(hex_base64 "$salt")" "$(hex_base64 "$hash")" >"$WORK/users"
}
hex_base64() { printf "$(printf '%s' "$1" | sed 's/../\\x&/g')" | openssl base64 -A; }

# start_amfgate ALIAS_TTL: plain and TLS listeners, limits raised for load
# (bench/README.md says what is raised and why).
MAX_PENDING=255
start_amfgate() { start_with_retries amfgate try_start_amfgate "$1"; }
try_start_amfgate() {
  AMF_PLAIN=$(free_port)
  AMF_TLS=$(free_port)
  AMF_ORIGIN=http://127.0.0.1:$AMF_PLAIN
  local args=(--listen "127.0.0.1:$AMF_PLAIN" plain --listen "127.0.0.1:$AMF_TLS" tls
    --admin_listen off --public_origin "$AMF_ORIGIN"
    --certificate "$CERT" --certificate_key "$KEY" --users_file "$WORK/users"
    --template_dir "$ROOT/conf/templates" --docroot "$ROOT/conf/docroot"
    --log_level warn --access_log off --error_log "$WORK/amfgate.log"
    --max_requests_per_connection 0 --max_pipelined 64 --max_connections 10000
    --max_sessions 4000000 --max_aliases 4000000 --max_pending_aliases "$MAX_PENDING" --alias_ttl "$1"
    --redeem_rate_per_address 100000000 100000000 --redeem_rate_total 100000000 100000000
    --login_rate_per_address 1000 1000 --login_rate_total 1000 1000)
  "$AMFGATE" -t "${args[@]}" >"$WORK/amfgate-check.txt" 2>&1 ||
    die "amfgate rejects the bench configuration: $(cat "$WORK/amfgate-check.txt")"
  taskset -c "$SERVER_CPU" "$AMFGATE" "${args[@]}" >>"$WORK/amfgate.out" 2>&1 &
  AMF_PID=$!
  PIDS+=("$AMF_PID")
  if ! wait_port "$AMF_PLAIN" "$AMF_PID" || ! wait_port "$AMF_TLS" "$AMF_PID"; then
    stop_pid "$AMF_PID"
    return 1
  fi
}

# One round: every server up at once (an idle server costs nothing), and
# each amfgate figure measured right after the reference it is compared
# with, so that other work on the machine drifts as little as possible
# between the two.
bench_round() {
  local r=$1 plain tls sha ka hs
  ka=(--connections "$CONNS" --duration "$SECS")
  hs=(--connections 4 --duration "$((SECS * 2))")
  if part nginx; then start_nginx; fi
  if part redis; then start_redis; fi
  if part amfgate; then
    start_amfgate 600
    plain=http://127.0.0.1:$AMF_PLAIN
    tls=https://127.0.0.1:$AMF_TLS
    ka+=(--origin "$AMF_ORIGIN" --max-pending "$MAX_PENDING")
  fi
  local ngx_plain=http://127.0.0.1:${NGINX_PLAIN:-0} ngx_tls=https://127.0.0.1:${NGINX_TLS:-0}
  # Keep-alive requests.
  # Each amfgate run sits between two nginx runs (LABEL and LABEL_after):
  # the VM's speed drifts within seconds, and the summary compares amfgate
  # with the mean of the two.
  nginx_get "$r" nginx_plain "$ngx_plain"
  if part amfgate; then
    run_load "$r" amfgate_whoami_plain "$AMF_PID" whoami --url "$plain" "${ka[@]}"
    nginx_get "$r" nginx_plain_after "$ngx_plain"
  fi
  if part nginx; then nginx_wrk "$r"; fi
  nginx_get "$r" nginx_tls "$ngx_tls"
  if part amfgate; then
    run_load "$r" amfgate_whoami_tls "$AMF_PID" whoami --url "$tls" "${ka[@]}"
    nginx_get "$r" nginx_tls_after "$ngx_tls"
  fi
  # Latency at one fixed offered rate for both servers (open loop, timed
  # from when each request was due), below both servers' capacity: above,
  # the client and the server both run at 100% and p99 measures mostly the
  # client's queueing and the VM's drift.
  if part nginx && part amfgate; then
    local rate
    rate=$(fixed_rate "$r" nginx_plain amfgate_whoami_plain)
    nginx_get "$r" nginx_plain_at_rate "$ngx_plain" --rate "$rate"
    run_load "$r" amfgate_whoami_plain_at_rate "$AMF_PID" whoami --url "$plain" "${ka[@]}" --rate "$rate"
    rate=$(fixed_rate "$r" nginx_tls amfgate_whoami_tls)
    nginx_get "$r" nginx_tls_at_rate "$ngx_tls" --rate "$rate"
    run_load "$r" amfgate_whoami_tls_at_rate "$AMF_PID" whoami --url "$tls" "${ka[@]}" --rate "$rate"
  fi
  if part redis; then
    redis_run "$r" redis_getdel GETDEL 'tok:__rand_int__'
    sha=$(redis_redeem_script)
    redis_run "$r" redis_redeem EVALSHA "$sha" 2 'tok:__rand_int__' 'sess:__rand_int__'
  fi
  if part amfgate; then
    # nginx again on both sides of the redemptions, as around whoami.
    nginx_get "$r" nginx_plain_pre_redeem "$ngx_plain"
    run_load "$r" amfgate_redeem_plain "$AMF_PID" redeem --url "$plain" "${ka[@]}" --aliases "$ALIASES"
    nginx_get "$r" nginx_plain_post_redeem "$ngx_plain"
    run_load "$r" amfgate_echo_plain "$AMF_PID" echo --url "$plain" "${ka[@]}"
    run_load "$r" amfgate_handoff_plain "$AMF_PID" handoff --url "$plain" "${ka[@]}"
  fi
  # Handshakes: a new TLS connection per request, with the server's core
  # kept busy (start_spinner).
  start_spinner
  if part nginx; then run_load "$r" nginx_hs_full "$NGINX_WORKER" handshake --url "$ngx_tls" "${hs[@]}"; fi
  if part amfgate; then
    if part ceiling; then start_ceiling "$r" 1; fi
    run_load "$r" amfgate_hs_full "$AMF_PID" handshake --url "$tls" --path /crossdomain.xml "${hs[@]}"
    if part ceiling; then finish_ceiling "$r"; fi
  elif part ceiling; then
    start_ceiling "$r" 0
    finish_ceiling "$r"
  fi
  if part nginx; then
    run_load "$r" nginx_hs_resumed "$NGINX_WORKER" handshake --resume --url "$ngx_tls" "${hs[@]}"
  fi
  if part amfgate; then
    run_load "$r" amfgate_hs_resumed "$AMF_PID" handshake --resume --url "$tls" --path /crossdomain.xml "${hs[@]}"
    # A client that offers only psk_ke: resumption with no key exchange.
    # (nginx is left out: OpenSSL's server answers psk_ke only with
    # SSL_OP_ALLOW_NO_DHE_KEX, which nginx does not set.)
    run_load "$r" amfgate_hs_resumed_psk "$AMF_PID" handshake --resume --tls13-kex psk --url "$tls" \
      --path /crossdomain.xml --connections 4 --duration "$SECS"
  fi
  if part nginx; then
    run_load "$r" nginx_hs_resumed_tls12 "$NGINX_WORKER" handshake --resume --tls-version 1.2 \
      --url "$ngx_tls" --connections 4 --duration "$SECS"
  fi
  if part amfgate; then
    run_load "$r" amfgate_hs_resumed_tls12 "$AMF_PID" handshake --resume --tls-version 1.2 --url "$tls" \
      --path /crossdomain.xml --connections 4 --duration "$SECS"
  fi
  stop_pid "$SPINNER_PID"
  if part nginx; then stop_pid "$NGINX_MASTER"; fi
  if part redis; then stop_pid "$REDIS_PID"; fi
  if part amfgate; then stop_pid "$AMF_PID"; fi
}

# start_ceiling ROUND DELAY, finish_ceiling ROUND: the mbedTLS ceiling,
# timed on the server's core WHILE amfgate makes its full handshakes there
# (DELAY seconds into the run, past its warm-up). This VM's speed drifts by
# tens of percent within seconds: a ceiling timed just before and just after
# the handshakes differed by 20-35% within one round. Run side by side, the
# ceiling and the server share the core's every slow and fast moment, and
# each figure is per CPU-second of its own process, so sharing the core
# changes neither. The ceiling proper takes CEILING_SECONDS of CPU: at the
# 55-65% of the core the server leaves it, most of the handshake window.
CEILING_SECONDS=$(awk -v s="$SECS" 'BEGIN { printf "%.2f", s * 0.8 }')
start_ceiling() {
  local r=$1 delay=$2
  log "round $r: mbedTLS public-key speed (the handshake ceiling), beside the full handshakes"
  (sleep "$delay" && exec taskset -c "$SERVER_CPU" "$LOAD" tls-ceiling --seconds "$CEILING_SECONDS") \
    >"$WORK/logs/tls_ceiling.r$r.txt" 2>&1 &
  CEILING_PID=$!
  PIDS+=("$CEILING_PID")
}
finish_ceiling() {
  local r=$1 out=$WORK/logs/tls_ceiling.r$1.txt
  wait "$CEILING_PID" || die "tls-ceiling failed (log: $out)"
  forget_pid "$CEILING_PID"
  grep -v '^BENCH' "$out" | sed 's/^/   /' >&2
  awk -v r="$r" '$1 == "BENCH" { printf "%s\tmbedtls\t%s\t%s\n", r, $2, $3 }' "$out" >>"$RESULTS_TSV"
}

# start_spinner: an idle-priority busy loop on the server's core, for the
# handshake runs. A handshake server is idle most of the time here (the
# client's side of a handshake costs more than the server's), and on this VM
# a core that goes idle costs the next wake-up its caches: runs interleaved
# three times measured (medians) a full handshake at 2,450 us of CPU with
# the core idle between handshakes and 2,341 us with it busy, a resumed one
# at 2,010 and 1,761 us. The ceiling keeps the core busy beside amfgate's
# full handshakes; the spinner (SCHED_IDLE: it runs only when nothing else
# wants the core) puts every other handshake run, nginx's included, in the
# same conditions, those of a server with other work to do. It stops itself
# after 10 minutes at the latest.
start_spinner() {
  chrt --idle 0 taskset -c "$SERVER_CPU" timeout 600 sh -c 'while :; do :; done' &
  SPINNER_PID=$!
  PIDS+=("$SPINNER_PID")
}

# --- memory: RSS with live sessions, next to redis's used_memory per key

bench_memory() {
  log "memory: amfgate RSS at idle, with 100,000 and with 1,000,000 live sessions"
  # A short alias TTL (3 s: an alias must outlive its trip through a busy
  # server) lets each redeemed alias's tombstone go soon after, so what
  # stays, and what RSS shows 4 s after the last session, is sessions.
  start_amfgate 3
  sleep 1
  local idle s100k s1m
  idle=$(rss_kib "$AMF_PID")
  local fill=(--url "http://127.0.0.1:$AMF_PLAIN" --origin "$AMF_ORIGIN" --max-pending "$MAX_PENDING"
    --connections 8 --pipeline 16 --limit 300)
  run_load 0 amfgate_fill_100k "$AMF_PID" sessions --sessions 100000 "${fill[@]}"
  sleep 4
  s100k=$(rss_kib "$AMF_PID")
  run_load 0 amfgate_fill_1m "$AMF_PID" sessions --sessions 900000 "${fill[@]}"
  sleep 4
  s1m=$(rss_kib "$AMF_PID")
  stop_pid "$AMF_PID"
  record 0 memory amfgate_rss_idle_kib "$idle"
  record 0 memory amfgate_rss_100k_sessions_kib "$s100k"
  record 0 memory amfgate_rss_1m_sessions_kib "$s1m"
  record 0 memory amfgate_bytes_per_session_100k "$(((s100k - idle) * 1024 / 100000))"
  record 0 memory amfgate_bytes_per_session_1m "$(((s1m - idle) * 1024 / 1000000))"

  log "memory: redis used_memory per session key with a TTL"
  start_redis
  local n base used
  for n in 100000 1000000; do
    rcli FLUSHALL >/dev/null
    base=$(rcli INFO memory | awk -F: '/^used_memory:/ { print $2 + 0 }')
    rcli EVAL "for i = 1, tonumber(ARGV[1]) do
        redis.call('SET', 'sess:' .. string.format('%043d', i), 'bench|' .. string.format('%043d', i), 'EX', 1800)
      end return 1" 0 "$n" >/dev/null
    used=$(rcli INFO memory | awk -F: '/^used_memory:/ { print $2 + 0 }')
    record 0 memory "redis_bytes_per_key_$([ $n = 100000 ] && echo 100k || echo 1m)" "$(((used - base) / n))"
    [ $n = 1000000 ] && record 0 memory redis_rss_1m_keys_kib "$(rss_kib "$REDIS_PID")"
  done
  stop_pid "$REDIS_PID"
}

# --- profiles: where amfgate's CPU goes in the timed phase of a scenario

# profile_run LABEL SETUP_LINES amfgate-bench-arguments...: runs the
# scenario, waits for its set-up phases to finish (the load generator prints
# one "setup" line per phase), then samples the server with perf.
profile_run() {
  local label=$1 setups=$2 out=$WORK/logs/profile_$1.txt i
  shift 2
  log "profile: $label"
  taskset -c "$LOAD_CPU" "$LOAD" "$@" --label "$label" --server-pid "$AMF_PID" --duration "$((SECS + 3))" \
    >"$out" 2>&1 &
  local load=$!
  PIDS+=("$load")
  for i in $(seq 600); do
    [ "$(grep -c '^setup ' "$out")" -ge "$setups" ] && break
    kill -0 "$load" 2>/dev/null || break
    sleep 0.1
  done
  sleep 0.6  # past the warm-up (0.5 s)
  # DWARF unwinding: Debian's mbedTLS and libc have no frame pointers. The
  # recording ends with the timed phase, whichever comes first: a redeem
  # phase ends when its aliases are spent, and samples taken after it would
  # show an idle server.
  perf record -F 1999 --call-graph dwarf,8192 -p "$AMF_PID" -o "$WORK/perf.$label.data" -- sleep "$SECS" \
    >/dev/null 2>&1 &
  local recorder=$!
  PIDS+=("$recorder")
  wait "$load" || die "$label: the load generator reported an error (log: $out)"
  forget_pid "$load"
  kill -INT "$recorder" 2>/dev/null || true
  wait "$recorder" || [ -s "$WORK/perf.$label.data" ] || die "perf record failed"
  forget_pid "$recorder"
  # A report that finds nothing to show leaves a shorter file, not a failure.
  {
    echo "# $label: amfgate's CPU in the timed phase, by DSO and by function (self time)"
    grep -E '^  (requests|server) ' "$out"
    perf report -i "$WORK/perf.$label.data" --no-children --sort dso --stdio -g none 2>/dev/null |
      grep -E '^ +[0-9]'
    echo
    perf report -i "$WORK/perf.$label.data" --no-children --sort dso,sym --stdio -g none 2>/dev/null |
      grep -E '^ +[0-9]' | sed -n '1,40p'
    echo
    echo "# inclusive time (children included): amfgate's functions and mbedTLS's entry points"
    perf report -i "$WORK/perf.$label.data" --children --sort sym --stdio -g none 2>/dev/null |
      grep -E '^ +[0-9]' | grep -E 'amfgate::|mbedtls_(ssl_|ecdsa_|ecdh|pk_|ecp_mul|ecp_gen|gcm|sha256_f)|psa_' |
      sed -n '1,45p'
  } >"$WORK/profile.$label.txt" || true
}

bench_profiles() {
  command -v perf >/dev/null || { log "perf is missing (Debian: linux-perf): no profiles"; return 0; }
  start_amfgate 600
  local plain=http://127.0.0.1:$AMF_PLAIN tls=https://127.0.0.1:$AMF_TLS
  local common=(--origin "$AMF_ORIGIN" --max-pending "$MAX_PENDING" --connections "$CONNS")
  profile_run amfgate_whoami_plain 2 whoami --url "$plain" "${common[@]}"
  profile_run amfgate_redeem_plain 2 redeem --url "$plain" "${common[@]}" --aliases "$ALIASES"
  profile_run amfgate_hs_full 0 handshake --url "$tls" --path /crossdomain.xml --connections 4
  profile_run amfgate_hs_resumed 1 handshake --resume --url "$tls" --path /crossdomain.xml --connections 4
  profile_run amfgate_hs_resumed_psk 1 handshake --resume --tls13-kex psk --url "$tls" --path /crossdomain.xml \
    --connections 4
  stop_pid "$AMF_PID"
}

# --- summary: medians over rounds, ratios within a round

summarize() {
  awk -F'\t' -v rounds="$ROUNDS" '
    function median(a, n,   i, j, t) {
      for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function med(label, fig,   r, n, a) {
      n = 0
      for (r = 0; r <= rounds; r++) if ((r, label, fig) in v) a[++n] = v[r, label, fig]
      return n ? median(a, n) : ""
    }
    # median over rounds of x/y (cpu per op ratios), or of x*y when mul
    function ratio(l1, f1, l2, f2,   r, n, a) {
      n = 0
      for (r = 1; r <= rounds; r++)
        if ((r, l1, f1) in v && (r, l2, f2) in v && v[r, l2, f2] > 0) a[++n] = v[r, l1, f1] / v[r, l2, f2]
      return n ? median(a, n) : ""
    }
    # The nginx runs on both sides of an amfgate run, as one: each figure the
    # mean of the two, per round (both must be there).
    function around(before, after, label,   k, key) {
      for (k in v) {
        split(k, key, SUBSEP)
        if (key[2] == before && (key[1], after, key[3]) in v)
          v[key[1], label, key[3]] = (v[k] + v[key[1], after, key[3]]) / 2
      }
    }
    function bench(name, value, unit) { if (value != "") printf "BENCH %s %s %s\n", name, value, unit }
    { v[$1, $2, $3] = $4 }
    END {
      around("nginx_plain", "nginx_plain_after", "nginx_plain_around_whoami")
      around("nginx_tls", "nginx_tls_after", "nginx_tls_around_whoami")
      around("nginx_plain_pre_redeem", "nginx_plain_post_redeem", "nginx_plain_around_redeem")
      split("nginx_plain nginx_plain_wrk nginx_tls redis_getdel redis_redeem amfgate_whoami_plain amfgate_whoami_tls nginx_plain_at_rate amfgate_whoami_plain_at_rate nginx_tls_at_rate amfgate_whoami_tls_at_rate amfgate_echo_plain amfgate_redeem_plain amfgate_handoff_plain nginx_hs_full nginx_hs_resumed nginx_hs_resumed_tls12 amfgate_hs_full amfgate_hs_resumed amfgate_hs_resumed_psk amfgate_hs_resumed_tls12", rows, " ")
      what["nginx_plain"] = "nginx return 200, keep-alive"
      what["nginx_plain_wrk"] = "  same, driven by wrk"
      what["nginx_tls"] = "nginx return 200, TLS keep-alive"
      what["redis_getdel"] = "redis GETDEL"
      what["redis_redeem"] = "redis GETDEL+SET EX script"
      what["amfgate_whoami_plain"] = "amfgate auth.whoami"
      what["amfgate_whoami_tls"] = "amfgate auth.whoami, TLS"
      what["nginx_plain_at_rate"] = "nginx return 200, fixed rate"
      what["amfgate_whoami_plain_at_rate"] = "amfgate auth.whoami, fixed rate"
      what["nginx_tls_at_rate"] = "nginx return 200, TLS, fixed rate"
      what["amfgate_whoami_tls_at_rate"] = "amfgate auth.whoami, TLS, fixed rate"
      what["amfgate_echo_plain"] = "amfgate echo.echo 1 KiB AMF3"
      what["amfgate_redeem_plain"] = "amfgate loginByAlias (redeem)"
      what["amfgate_handoff_plain"] = "amfgate handoff (mint+redeem+whoami)"
      what["nginx_hs_full"] = "nginx full TLS 1.3 handshake"
      what["nginx_hs_resumed"] = "nginx resumed TLS 1.3 handshake"
      what["nginx_hs_resumed_tls12"] = "nginx resumed TLS 1.2 handshake"
      what["amfgate_hs_full"] = "amfgate full TLS 1.3 handshake"
      what["amfgate_hs_resumed"] = "amfgate resumed TLS 1.3 handshake"
      what["amfgate_hs_resumed_psk"] = "amfgate resumed TLS 1.3, psk_ke"
      what["amfgate_hs_resumed_tls12"] = "amfgate resumed TLS 1.2 handshake"
      printf "| %-38s | %9s | %8s | %8s | %9s | %14s | %13s |\n", "operation", "op/s", "p50 us", "p99 us", "p99.9 us", "server CPU us/op", "op/server CPU-s" > table
      printf "| %-38s | %9s | %8s | %8s | %9s | %14s | %13s |\n", "---", "---:", "---:", "---:", "---:", "---:", "---:" > table
      for (i = 1; i in rows; i++) {
        l = rows[i]
        cpu = med(l, "server_cpu_us_per_op")
        if (cpu == "") continue
        ops = med(l, "ops_per_s"); if (ops == "") ops = med(l, "rps")
        p999 = med(l, "p999_us")
        printf "| %-38s | %9.0f | %8.0f | %8.0f | %9s | %14.2f | %13.0f |\n", what[l], ops, med(l, "p50_us"), med(l, "p99_us"), p999 == "" ? "-" : sprintf("%.0f", p999), cpu, med(l, "ops_per_server_cpu_s") > table
        if (l ~ /_hs_/) printf "%s\t\"%s\"\t%.0f\n", l, what[l], med(l, "ops_per_server_cpu_s") > hsdat
        else if (l !~ /_at_rate$/) printf "%s\t\"%s\"\t%.3f\n", l, what[l], cpu > dat
        bench(l "_cpu_us_per_op", sprintf("%.3f", cpu), "us")
        bench(l "_ops_per_s", sprintf("%.0f", ops), "op/s")
        bench(l "_p99_us", sprintf("%.1f", med(l, "p99_us")), "us")
      }
      r = ratio("amfgate_whoami_plain", "server_cpu_us_per_op", "nginx_plain_around_whoami", "server_cpu_us_per_op"); bench("ratio_whoami_cpu_vs_nginx_plain", r == "" ? "" : sprintf("%.3f", r), "x")
      r = ratio("amfgate_whoami_tls", "server_cpu_us_per_op", "nginx_tls_around_whoami", "server_cpu_us_per_op"); bench("ratio_whoami_cpu_vs_nginx_tls", r == "" ? "" : sprintf("%.3f", r), "x")
      r = ratio("amfgate_whoami_plain", "p99_us", "nginx_plain_around_whoami", "p99_us"); bench("ratio_whoami_p99_vs_nginx_plain", r == "" ? "" : sprintf("%.3f", r), "x")
      r = ratio("amfgate_whoami_tls", "p99_us", "nginx_tls_around_whoami", "p99_us"); bench("ratio_whoami_p99_vs_nginx_tls", r == "" ? "" : sprintf("%.3f", r), "x")
      r = ratio("amfgate_whoami_plain_at_rate", "p99_us", "nginx_plain_at_rate", "p99_us"); bench("ratio_whoami_p99_vs_nginx_plain_at_rate", r == "" ? "" : sprintf("%.3f", r), "x")
      r = ratio("amfgate_whoami_tls_at_rate", "p99_us", "nginx_tls_at_rate", "p99_us"); bench("ratio_whoami_p99_vs_nginx_tls_at_rate", r == "" ? "" : sprintf("%.3f", r), "x")
      bench("latency_fixed_rate_plain_rps", med("nginx_plain_at_rate", "offered_rps"), "rps")
      bench("latency_fixed_rate_tls_rps", med("nginx_tls_at_rate", "offered_rps"), "rps")
      r = ratio("amfgate_redeem_plain", "server_cpu_us_per_op", "nginx_plain_around_redeem", "server_cpu_us_per_op"); bench("ratio_redeem_cpu_vs_nginx_plain", r == "" ? "" : sprintf("%.3f", r), "x")
      r = ratio("amfgate_redeem_plain", "server_cpu_us_per_op", "redis_redeem", "server_cpu_us_per_op"); bench("ratio_redeem_cpu_vs_redis_redeem", r == "" ? "" : sprintf("%.3f", r), "x")
      r = ratio("amfgate_redeem_plain", "server_cpu_us_per_op", "redis_getdel", "server_cpu_us_per_op"); bench("ratio_redeem_cpu_vs_redis_getdel", r == "" ? "" : sprintf("%.3f", r), "x")
      bench("tls_full_handshakes_per_cpu_s", med("amfgate_hs_full", "ops_per_server_cpu_s"), "hs/cpu-s")
      bench("tls_resumed_handshakes_per_cpu_s", med("amfgate_hs_resumed", "ops_per_server_cpu_s"), "hs/cpu-s")
      bench("tls_handshake_ceiling_per_cpu_s", med("mbedtls", "tls_handshake_ceiling_per_cpu_s"), "hs/cpu-s")
      x = med("mbedtls", "tls_handshake_ceiling_per_cpu_s")
      if (x != "") printf "ceiling\t\"mbedTLS ceiling: sign + ECDHE\"\t%.0f\n", x > hsdat
      bench("mbedtls_p256_sign_per_cpu_s", med("mbedtls", "mbedtls_p256_sign_per_cpu_s"), "op/cpu-s")
      bench("mbedtls_p256_ecdhe_per_cpu_s", med("mbedtls", "mbedtls_p256_ecdhe_per_cpu_s"), "op/cpu-s")
      r = ratio("amfgate_hs_full", "ops_per_server_cpu_s", "mbedtls", "tls_handshake_ceiling_per_cpu_s"); bench("ratio_full_handshakes_vs_ceiling", r == "" ? "" : sprintf("%.3f", r), "x")
      r = ratio("amfgate_hs_full", "server_cpu_us_per_op", "amfgate_hs_resumed", "server_cpu_us_per_op"); bench("ratio_full_vs_resumed_handshake_cpu", r == "" ? "" : sprintf("%.2f", r), "x")
      r = ratio("amfgate_hs_full", "server_cpu_us_per_op", "amfgate_hs_resumed_tls12", "server_cpu_us_per_op"); bench("ratio_full_vs_resumed_tls12_handshake_cpu", r == "" ? "" : sprintf("%.2f", r), "x")
      bench("tls12_resumed_handshakes_per_cpu_s", med("amfgate_hs_resumed_tls12", "ops_per_server_cpu_s"), "hs/cpu-s")
      r = ratio("amfgate_hs_full", "server_cpu_us_per_op", "amfgate_hs_resumed_psk", "server_cpu_us_per_op"); bench("ratio_full_vs_resumed_psk_ke_handshake_cpu", r == "" ? "" : sprintf("%.2f", r), "x")
      bench("tls13_psk_ke_resumed_handshakes_per_cpu_s", med("amfgate_hs_resumed_psk", "ops_per_server_cpu_s"), "hs/cpu-s")
      bench("nginx_full_handshakes_per_cpu_s", med("nginx_hs_full", "ops_per_server_cpu_s"), "hs/cpu-s")
      bench("nginx_resumed_handshakes_per_cpu_s", med("nginx_hs_resumed", "ops_per_server_cpu_s"), "hs/cpu-s")
      bench("redis_getdel_hit_ratio", med("redis_getdel", "hit_ratio"), "ratio")
      bench("redis_redeem_hit_ratio", med("redis_redeem", "hit_ratio"), "ratio")
      split("amfgate_rss_idle_kib:KiB amfgate_rss_100k_sessions_kib:KiB amfgate_rss_1m_sessions_kib:KiB amfgate_bytes_per_session_100k:B amfgate_bytes_per_session_1m:B redis_bytes_per_key_100k:B redis_bytes_per_key_1m:B redis_rss_1m_keys_kib:KiB", mem, " ")
      for (i = 1; i in mem; i++) {
        split(mem[i], nu, ":")
        x = med("memory", nu[1])
        bench(nu[1], x, nu[2])
        if (x != "" && nu[1] ~ /_per_(session|key)_/) {
          name = nu[1]; sub(/_bytes_per_(session|key)_/, " ", name)
          printf "\"%s\"\t%s\n", name, x > memdat
        }
      }
    }' table="$WORK/table.md" dat="$WORK/cpu.dat" hsdat="$WORK/handshakes.dat" memdat="$WORK/memory.dat" \
    "$RESULTS_TSV"
}

machine() {
  printf '%s; %s x %s; %s MiB RAM; Linux %s; %s\n' "$(hostname)" "$(nproc)" \
    "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" \
    "$(awk '/^MemTotal/ { print int($2 / 1024) }' /proc/meminfo)" "$(uname -r)" \
    "$(. /etc/os-release && echo "$PRETTY_NAME")"
}

part() { [[ $PARTS == *" $1 "* ]]; }

main() {
  [ -x "$AMFGATE" ] || die "$AMFGATE is missing: run make first"
  [ -x "$LOAD" ] || die "$LOAD is missing: run make build/amfgate-bench first"
  [ "$(nproc)" -ge 2 ] || log "only one core: server and load share it, figures will be pessimistic"
  "$LOAD" self-test >/dev/null || die "the load generator's self-test failed: run $LOAD self-test"
  install_packages
  rm -rf "$WORK" && mkdir -p "$WORK/logs" "$WORK/bin"
  cp "$AMFGATE" "$LOAD" "$WORK/bin/"
  AMFGATE=$WORK/bin/amfgate
  LOAD=$WORK/bin/amfgate-bench
  : >"$RESULTS_TSV"
  local started=$SECONDS r load_before
  load_before=$(cut -d' ' -f1 /proc/loadavg)
  make_certificate
  if part amfgate || part memory || part profile; then make_users; fi
  for r in $(seq "$ROUNDS"); do bench_round "$r"; done
  if [ "$MEMORY" = 1 ] && part memory; then bench_memory; fi
  if part profile; then bench_profiles; fi
  summarize >"$WORK/bench.txt"
  {
    echo "Machine: $(machine)"
    echo "Run: $(date -u '+%Y-%m-%d %H:%M UTC'), $ROUNDS round(s) of ${SECS} s windows, $CONNS connections," \
      "server on CPU $SERVER_CPU, load on CPU $LOAD_CPU, medians over rounds; $((SECONDS - started)) s in all."
    echo "Other load on the machine: load average $load_before at the start, $(cut -d' ' -f1 /proc/loadavg) at the end" \
      "(anything much above 2 means other work shared the cores)."
    echo
    cat "$WORK/table.md"
  } >"$WORK/summary.md"
  if command -v gnuplot >/dev/null; then
    local have_cpu=0 have_hs=0 have_mem=0
    [ -s "$WORK/cpu.dat" ] && have_cpu=1
    [ -s "$WORK/handshakes.dat" ] && have_hs=1
    [ -s "$WORK/memory.dat" ] && have_mem=1
    gnuplot -e "dir='$WORK'; have_cpu=$have_cpu; have_hs=$have_hs; have_mem=$have_mem" "$ROOT/bench/plot.gp" ||
      die "gnuplot failed"
  fi
  echo
  cat "$WORK/summary.md"
  echo
  cat "$WORK/bench.txt"
  if [ "$PUBLISH" = 1 ]; then
    mkdir -p "$ROOT/bench/results"
    cp "$WORK/summary.md" "$WORK/bench.txt" "$WORK/results.tsv" "$ROOT/bench/results/"
    [ -f "$WORK/bench.png" ] && cp "$WORK/bench.png" "$ROOT/bench/results/"
    rm -f "$ROOT"/bench/results/profile.*.txt
    for f in "$WORK"/profile.*.txt; do [ -f "$f" ] && cp "$f" "$ROOT/bench/results/"; done
    log "published to bench/results/"
  fi
}

main "$@"
