#!/usr/bin/python3
"""Runs PET's server suite: `run_server_tests.py [NAME-FRAGMENT ...]` (see scripts/test-server.sh,
which also guarantees the package is purged afterwards).

Needs: make package dist, root (or sudo) for apt-get, the MariaDB test server with
PET_TEST_MARIADB_* exported, Debian's wordpress, nginx, php-fpm, lintian, chromium,
chromium-driver and python3-selenium. Prints `N passed, M failed`.
"""

import sys

import runner
import test_server

# test_server borrows helpers from the other suites' modules (importing them registers their
# tests): run only its own.
runner.TESTS[:] = [t for t in runner.TESTS if t.__module__ == test_server.__name__]

if __name__ == '__main__':
    sys.exit(runner.main(sys.argv[1:]))
