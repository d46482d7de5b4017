#!/usr/bin/env bash
# Runs PET's server suite (Tests/WordPress/test_server.py): the Debian package and the plugin zip
# on the real stack. Installs dist/pet-migrate_*.deb on THIS machine with apt-get (as root, or
# through sudo), serves WordPress with Debian's nginx and php8.2-fpm started from the test's own
# configuration files on loopback, and removes (purges) the package again at the end — also
# when the suite fails or is interrupted. Prints `N passed, M failed`.
#
# Assumes (installs nothing): make package dist; the MariaDB test server up with its variables
# exported (scripts/mariadb-test-server.sh); nginx, php-fpm, lintian, chromium, chromium-driver,
# python3-selenium (scripts/install-deps.sh --test). Refuses to run when the pet-migrate package
# is already installed (it would be replaced and then removed).
#
# Usage: scripts/test-server.sh [NAME-FRAGMENT ...]
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${PET_TEST_MARIADB_HOST:-}" ]; then
  echo "PET_TEST_MARIADB_* not set: run scripts/mariadb-test-server.sh start && eval \"\$(scripts/mariadb-test-server.sh env)\"" >&2
  exit 2
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
if dpkg-query -W -f='${Status}' pet-migrate 2>/dev/null | grep -q "ok installed"; then
  echo "test-server: the pet-migrate package is already installed here; remove it first (apt-get remove pet-migrate)" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
# The suite decides where FPM finds its ini files; an inherited scan directory would hide the package's.
unset PHP_INI_SCAN_DIR

# Sites and the servers' files live here; the trap below finds the servers' PID files in it.
own_workdir=""
if [ -z "${PET_WP_WORKDIR:-}" ]; then
  PET_WP_WORKDIR=$(mktemp -d /tmp/pet-server-tests-XXXXXX)
  own_workdir=1
fi
export PET_WP_WORKDIR

cleanup() {
  # Whatever happened: no php-fpm or nginx of this run left running (only the PIDs this run
  # wrote), and the package off the machine (PHP's configuration as before).
  for pidfile in "$PET_WP_WORKDIR"/stack-*/fpm/php-fpm.pid "$PET_WP_WORKDIR"/stack-*/nginx/nginx.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      echo "test-server: stopping $(basename "$pidfile" .pid) ($pid) left running" >&2
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  if dpkg-query -W -f='${Status}' pet-migrate 2>/dev/null | grep -qv "not-installed"; then
    echo "test-server: purging the pet-migrate package left behind" >&2
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq -o DPkg::Lock::Timeout=120 pet-migrate >/dev/null || true
  fi
  if [ -n "$own_workdir" ] && [ "${PET_WP_KEEP:-0}" != 1 ] && [ "${PET_WP_KEEP_FAILED:-0}" != 1 ]; then
    rm -rf "$PET_WP_WORKDIR"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

/usr/bin/python3 Tests/WordPress/run_server_tests.py "$@"
