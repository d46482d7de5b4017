#!/usr/bin/env bash
# Installs the Debian packages PET Migrate needs to build and test, if any is missing.
#   scripts/install-deps.sh          build and run (engine, CLI, PHP extension)
#   scripts/install-deps.sh --test   also what the test suites need (MariaDB server,
#                                    PHPUnit, WordPress, headless Chromium, nginx, php-fpm, lintian)
# The Swift toolchain itself is expected at /opt/swift or on PATH.
set -euo pipefail

# The sqlite3 and mariadb command-line clients and Debian's python3 also run the benchmark
# (scripts/benchmark.sh), whose floor is the stock client doing the same work.
packages=(pkg-config libsqlite3-dev sqlite3 libmariadb-dev mariadb-client python3 php-cli php-dev php-sqlite3 php-mysql)
if [ "${1:-}" = "--test" ]; then
  packages+=(mariadb-server mariadb-client valgrind phpunit)
  # The distributed-setup tests: a Galera cluster (rsync carries a joining node's snapshot).
  packages+=(galera-4 rsync bc)
  # The server suite (scripts/test-server.sh): make package (dpkg-dev), make dist (zip), lintian,
  # and WordPress served by Debian's nginx and php-fpm.
  packages+=(dpkg-dev zip unzip lintian man-db nginx php-fpm)
  # The WordPress suite's own list (WordPress, headless Chromium, selenium, gettext).
  mapfile -t wordpress < <(grep -v '^#' "$(dirname "$0")/install-deps-wordpress.txt" | grep .)
  packages+=("${wordpress[@]}")
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null && [ -x /opt/swift/usr/bin/swift ]; then
  echo "install-deps: add /opt/swift/usr/bin to PATH" >&2
fi
command -v swift >/dev/null || { echo "install-deps: the Swift toolchain (swift) is not on PATH" >&2; exit 1; }
