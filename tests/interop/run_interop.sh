#!/usr/bin/env bash
# make interop: checks the AMF codec against implementations nobody here
# wrote. Usage: run_interop.sh AMFJSON_BIN WORK_DIR
#
# Test-only tools are installed here, not by vendor/setup.sh: Debian's tshark
# (Wireshark's AMF dissector; text2pcap and mergecap come with it) and the npm
# package amf3-ts at a pinned version, into WORK_DIR/npm (never committed).
# Prints one line per case and a closing "N passed, N failed"; exits non-zero
# on any failure or if a tool cannot be installed.
set -u
bin=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v tshark >/dev/null || ! command -v text2pcap >/dev/null || ! command -v mergecap >/dev/null; then
  echo "interop: installing tshark"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tshark >/dev/null 2>&1 ||
    { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tshark >/dev/null; } ||
    { echo "interop: cannot install tshark"; echo "0 passed, 1 failed"; exit 1; }
fi
if ! command -v node >/dev/null; then
  echo "interop: installing nodejs"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null 2>&1 ||
    { echo "interop: cannot install node"; echo "0 passed, 1 failed"; exit 1; }
fi

amf3ts_version=1.1.0
if [ ! -f "$work/npm/node_modules/amf3-ts/package.json" ] ||
   ! grep -q "\"version\": \"$amf3ts_version\"" "$work/npm/node_modules/amf3-ts/package.json"; then
  echo "interop: installing amf3-ts@$amf3ts_version"
  mkdir -p "$work/npm"
  (cd "$work/npm" && npm install --no-save --no-audit --no-fund --ignore-scripts --loglevel=error \
     "amf3-ts@$amf3ts_version" >/dev/null) ||
    { echo "interop: cannot install amf3-ts"; echo "0 passed, 1 failed"; exit 1; }
fi

exec node "$here/interop.js" "$bin" "$work"
