#!/usr/bin/env bash
# Installs what the build needs on a Debian 12 machine, idempotently:
#  - Debian packages: libuv, xxhash, doctest, llhttp 8.1 sources (node-llhttp);
#  - mbedTLS 3.6 LTS from Debian 13 (trixie), unpacked into vendor/mbedtls.
# Debian 12's own mbedTLS is 2.28 (out of support, no TLS 1.3), so the newer
# packages are fetched through a private package list for suite trixie built
# from this machine's own configured Debian mirror; nothing is installed
# system-wide from trixie.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dest="$here/mbedtls"
pkgs=(libuv1-dev libxxhash-dev doctest-dev node-llhttp pkg-config)
mbed_pkgs=(libmbedtls-dev libmbedcrypto16 libmbedtls21 libmbedx509-7)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

[ -f "$dest/.complete" ] && exit 0

# The mirror this machine already uses for Debian's main archive.
mirror=""
if compgen -G "/etc/apt/sources.list.d/*.sources" >/dev/null; then
  mirror=$(awk '/^URIs:/{u=$2} /^Suites:/{ if ($0 !~ /security/ && u != "") { print u; exit } }' \
           /etc/apt/sources.list.d/*.sources)
fi
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
  mirror=$(awk '$1=="deb" && $0 !~ /security/ { for (i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' \
           /etc/apt/sources.list)
fi
[ -n "$mirror" ] || { echo "setup: no Debian mirror found in /etc/apt" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" >"$work/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
          -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache"
          -o Dir::State::status=/dev/null -o APT::Sandbox::User=root)
echo "setup: fetching mbedTLS 3.6 (trixie) from $mirror"
apt-get "${apt_opts[@]}" update -qq
(cd "$work/debs" && apt-get "${apt_opts[@]}" download "${mbed_pkgs[@]}" >/dev/null)
rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
for deb in "$work"/debs/*.deb; do dpkg -x "$deb" "$dest.tmp"; done
libdir=$(dirname "$(find "$dest.tmp" -name libmbedtls.a | head -n 1)")
[ -f "$libdir/libmbedcrypto.a" ] || { echo "setup: mbedTLS static libraries missing" >&2; exit 1; }
mkdir -p "$dest.tmp/lib" && mv "$libdir"/libmbed*.a "$dest.tmp/lib/"
mv "$dest.tmp/usr/include" "$dest.tmp/include"
rm -rf "$dest.tmp/usr" "$dest" && mv "$dest.tmp" "$dest"
touch "$dest/.complete"
echo "setup: mbedTLS $(grep -o '"3\.[0-9.]*"' "$dest/include/mbedtls/build_info.h" | head -n1) in vendor/mbedtls"
