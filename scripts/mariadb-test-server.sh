#!/usr/bin/env bash
# Starts (or stops) a private MariaDB server for the test suites: its own data directory,
# loopback TCP only, its own socket, so it never touches a system server.
#   scripts/mariadb-test-server.sh start   -> prints nothing on success; idempotent
#   scripts/mariadb-test-server.sh stop
#   scripts/mariadb-test-server.sh env     -> the PET_TEST_MARIADB_* variables the tests read
set -euo pipefail

DIR=${PET_MARIADB_DIR:-/tmp/pet-mariadb}
PORT=${PET_MARIADB_PORT:-33306}
SOCK="$DIR/mysqld.sock"
USER_NAME=pet
USER_PASS=pet-test-secret
DB=pet_test

env_lines() {
  cat <<ENV
export PET_TEST_MARIADB_HOST=127.0.0.1
export PET_TEST_MARIADB_PORT=$PORT
export PET_TEST_MARIADB_SOCKET=$SOCK
export PET_TEST_MARIADB_USER=$USER_NAME
export PET_TEST_MARIADB_PASSWORD=$USER_PASS
export PET_TEST_MARIADB_DATABASE=$DB
ENV
}

running() { [ -S "$SOCK" ] && mariadb-admin --socket="$SOCK" -uroot ping >/dev/null 2>&1; }

case "${1:-start}" in
  env) env_lines ;;
  stop)
    if running; then mariadb-admin --socket="$SOCK" -uroot shutdown; fi ;;
  start)
    if running; then exit 0; fi
    mkdir -p "$DIR"
    if [ ! -d "$DIR/data/mysql" ]; then
      mariadb-install-db --no-defaults --user=root --datadir="$DIR/data" \
        --auth-root-authentication-method=socket >"$DIR/install.log" 2>&1 \
        || { cat "$DIR/install.log" >&2; exit 1; }
    fi
    mariadbd --no-defaults --user=root --datadir="$DIR/data" --socket="$SOCK" \
      --bind-address=127.0.0.1 --port="$PORT" --pid-file="$DIR/mysqld.pid" \
      --log-error="$DIR/error.log" --innodb-buffer-pool-size=128M \
      --innodb-flush-log-at-trx-commit=2 --skip-name-resolve --max-connections=300 \
      >"$DIR/server.out" 2>&1 &
    for _ in $(seq 1 100); do running && break; sleep 0.2; done
    running || { echo "MariaDB did not start; see $DIR/error.log" >&2; tail -20 "$DIR/error.log" >&2; exit 1; }
    mariadb --socket="$SOCK" -uroot <<SQL
CREATE DATABASE IF NOT EXISTS $DB;
CREATE USER IF NOT EXISTS '$USER_NAME'@'127.0.0.1' IDENTIFIED BY '$USER_PASS';
CREATE USER IF NOT EXISTS '$USER_NAME'@'localhost' IDENTIFIED BY '$USER_PASS';
GRANT ALL ON *.* TO '$USER_NAME'@'127.0.0.1';
GRANT ALL ON *.* TO '$USER_NAME'@'localhost';
SQL
    ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
