#!/usr/bin/env bash
# Installs what the demo client and the browser tests need, idempotently:
#   packages  Debian's haxe (builds client/ into a SWF) and chromium (the
#             browser the tests drive), plus node and npm if the machine lacks
#             them;
#   demo      the same without chromium: what `make run` needs to serve the
#             demo SWF through Ruffle;
#   npm       e2e/node_modules from e2e/package-lock.json (playwright-core and
#             @ruffle-rs/ruffle, pinned), only when the lock file changed;
#   ruffle    Ruffle's player files copied from there into the document root
#             (conf/docroot/ruffle/, git-ignored), without the source maps.
# Arguments name the steps to run, in order; none runs all three. Everything comes from Debian's and npm's
# registries through their own clients; nothing else is downloaded.
set -euo pipefail
cd "$(dirname "$0")/.."

DOCROOT=${DOCROOT:-conf/docroot}

install_packages() {
  local with_browser=$1 missing=()
  command -v haxe >/dev/null || missing+=(haxe)
  [ "$with_browser" = no ] || [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
  if [ ${#missing[@]} -eq 0 ]; then
    return
  fi
  local sudo=
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "e2e setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

install_npm() {
  # npm writes node_modules/.package-lock.json after a complete install, so
  # a copy newer than the lock file means there is nothing to do.
  if [ e2e/node_modules/.package-lock.json -nt e2e/package-lock.json ]; then
    return
  fi
  echo "e2e setup: npm ci in e2e/"
  (cd e2e && npm ci --no-audit --no-fund --loglevel=error)
}

install_ruffle() {
  local from=e2e/node_modules/@ruffle-rs/ruffle
  install_npm
  rm -rf "$DOCROOT/ruffle"
  mkdir -p "$DOCROOT/ruffle"
  find "$from" -maxdepth 1 -type f ! -name '*.map' -exec cp {} "$DOCROOT/ruffle/" \;
  echo "e2e setup: Ruffle $(node -p "require('./$from/package.json').version") in $DOCROOT/ruffle/"
}

[ $# -gt 0 ] || set -- packages npm ruffle
for step in "$@"; do
  case "$step" in
    packages) install_packages yes ;;
    demo) install_packages no ;;
    npm) install_npm ;;
    ruffle) install_ruffle ;;
    *) echo "usage: $0 [packages|demo] [npm] [ruffle]" >&2; exit 2 ;;
  esac
done
