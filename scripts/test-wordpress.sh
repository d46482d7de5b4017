#!/usr/bin/env bash
# Runs PET's WordPress test suite: the plugin inside real WordPress sites (Debian's wordpress
# package, copied per site) against the private MariaDB test server, with the real extension
# loaded, plus a headless Chromium test. Prints `N passed, M failed`; exits non-zero on failure.
#
# Assumes (installs nothing):
#   - the extension is built: bridge/modules/pet_migrate.so (or PET_EXTENSION=/path/to.so)
#   - the MariaDB test server is up and its variables exported:
#       scripts/mariadb-test-server.sh start && eval "$(scripts/mariadb-test-server.sh env)"
#   - the packages in scripts/install-deps-wordpress.txt are installed
#
# Usage: scripts/test-wordpress.sh [NAME-FRAGMENT ...]   (e.g. `multisite browser`)
# Environment: PET_WP_KEEP=1 keeps sites and databases; PET_WP_KEEP_FAILED=1 keeps failed ones.
# Screenshots of the browser test land in artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${PET_TEST_MARIADB_HOST:-}" ]; then
  echo "PET_TEST_MARIADB_* not set: run scripts/mariadb-test-server.sh start && eval \"\$(scripts/mariadb-test-server.sh env)\"" >&2
  exit 2
fi
# The extension under test is the one just built, even where the pet-migrate package is installed.
php_ini=$(scripts/php-ini-isolate.sh)
eval "$php_ini"
# Debian's selenium lives in the system Python, not in any other python3 on PATH.
exec /usr/bin/python3 Tests/WordPress/run_tests.py "$@"
