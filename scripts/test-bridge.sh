#!/usr/bin/env bash
# Runs the bridge's tests: the C ABI test (Tests/CABI) and the extension's .phpt tests
# (make test in bridge/). Builds the extension first if needed (scripts/build-bridge.sh).
# Exits non-zero if any test fails. With PET_TEST_MARIADB_* set (scripts/mariadb-test-server.sh
# env) the MariaDB tests run too; without them they are skipped, and say so.
#   PET_CABI_VALGRIND=1   also run the C ABI test under valgrind
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PET_MIGRATE_LIBDIR=${PET_MIGRATE_LIBDIR:-$REPO/.build/release}
status=0

echo "== C ABI test (Tests/CABI)"
make -s -C "$REPO/Tests/CABI" test REPO="$REPO" || status=1
if [ "${PET_CABI_VALGRIND:-0}" = 1 ]; then
  echo "== C ABI test under valgrind"
  make -s -C "$REPO/Tests/CABI" valgrind REPO="$REPO" || status=1
fi

echo "== PHP extension (.phpt)"
"$REPO/scripts/build-bridge.sh"
# Test the extension built here, not one installed system-wide (it would be loaded first).
export PHP_INI_SCAN_DIR=$("$REPO/scripts/php-conf-without-pet.sh")
out=$(mktemp)
trap 'rm -f "$out"' EXIT
phpt_status=0
# run-tests.php exits 1 when a test fails (REPORT_EXIT_STATUS is on unless set to 0/no).
(cd "$REPO/bridge" && NO_INTERACTION=1 NO_COLOR=1 REPORT_EXIT_STATUS=1 \
  make -s test TESTS="--show-diff tests") >"$out" 2>&1 || phpt_status=1
# run-tests.php rewrites each progress line with \r: keep the final "PASS name [file]" lines.
results=$(tr '\r' '\n' <"$out" | grep -aE '^(PASS|FAIL|SKIP|BORK|LEAK|WARN|XFAIL|XLEAK) ' || true)
printf '%s\n' "$results"
grep -aE '^Tests (skipped|failed|passed|warned)' "$out" || true
# Only the MariaDB tests may be skipped, and only when no MariaDB is configured: a skipped
# SQLite test (e.g. PHP's sqlite3 extension missing) would hide a broken bridge.
for t in $(printf '%s\n' "$results" | grep '^SKIP ' | grep -o 'tests/[^]]*\.phpt' || true); do
  case "$t" in
    tests/*mariadb*.phpt)
      if [ -n "${PET_TEST_MARIADB_HOST:-}" ]; then
        echo "test-bridge: $t was skipped although PET_TEST_MARIADB_* is set" >&2; phpt_status=1
      fi ;;
    *) echo "test-bridge: $t was skipped" >&2; phpt_status=1 ;;
  esac
done
if ! printf '%s\n' "$results" | grep -q '^PASS ' || grep -qaE '^Tests failed *: *[1-9]' "$out"; then
  phpt_status=1
fi
if [ $phpt_status -ne 0 ]; then
  echo "---- full output of make test in bridge/" >&2
  cat "$out" >&2
  status=1
fi
if [ $status -ne 0 ]; then echo "test-bridge: FAILED" >&2; else echo "test-bridge: all passed"; fi
exit $status
