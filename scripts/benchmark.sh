#!/usr/bin/env bash
# PET Migrate against the floor (issues 12 and 10): apply N migrations and the no-op check, on
# MariaDB and SQLite, the stock clients next to PET's CLI and PET through the PHP extension, and
# a 1,000,000-row background backfill by `pet-migrate resume` next to the stock clients' UPDATE
# and keyset loop, in one run.
#   scripts/benchmark.sh            the full run (500 migrations, medians of several runs);
#                                   prints the tables and rewrites BENCHMARKS.md's figures
#   scripts/benchmark.sh --section backfill   the backfill alone (replaces only its block)
#   scripts/benchmark.sh --smoke    20 migrations, a 2,000-row backfill, one run, prints only (CI)
#   scripts/benchmark.sh --help     every option (--count, --runs, --no-write, ...)
# Needs the release build (make lib cli extension); starts the private MariaDB test server
# (scripts/mariadb-test-server.sh, PET_MARIADB_DIR / PET_MARIADB_PORT choose which one).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d /opt/swift/usr/bin ] && PATH="$PATH:/opt/swift/usr/bin"
scripts/mariadb-test-server.sh start
eval "$(scripts/mariadb-test-server.sh env)"
# The extension under test is the one just built, even where the pet-migrate package is installed.
eval "$(scripts/php-ini-isolate.sh)"
exec /usr/bin/python3 -B Tests/Benchmarks/benchmark.py "$@"
