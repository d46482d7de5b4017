#!/usr/bin/python3
"""Runs PET's WordPress test suite: `run_tests.py [NAME-FRAGMENT ...]`.

Needs: the MariaDB test server up with PET_TEST_MARIADB_* exported, the PHP extension built
(bridge/modules/pet_migrate.so, or PET_EXTENSION), Debian's wordpress package, and for the
browser test chromium, chromium-driver and python3-selenium. Prints `N passed, M failed`.
Environment: PET_WP_KEEP=1 keeps every site and database; PET_WP_KEEP_FAILED=1 keeps those of
failed tests; PET_WP_WORKDIR chooses where sites are built (default: a new temp dir).
"""

import sys

import runner
import test_plugin  # noqa: F401  (registers tests)
import test_operators  # noqa: F401
import test_background  # noqa: F401
import test_browser  # noqa: F401

if __name__ == '__main__':
    sys.exit(runner.main(sys.argv[1:]))
