#!/usr/bin/env bash
# Starts (or stops) a private 3-node MariaDB Galera cluster and a private primary with one
# replica, all on loopback in data directories of their own, for the distributed-setup tests.
#   scripts/galera-test-cluster.sh start   -> idempotent; prints how long start-up took
#   scripts/galera-test-cluster.sh stop
#   scripts/galera-test-cluster.sh env     -> the PET_TEST_GALERA_* / PET_TEST_REPLICA_* variables
# The nodes run as the mysql user: rsync SST (the snapshot a joining node receives) refuses
# to run as root. Joiners start one at a time. Buffer pools are 64 MB.
set -euo pipefail

DIR=${PET_GALERA_DIR:-/tmp/pet-galera}
BASE=${PET_GALERA_BASE_PORT:-23400}  # below the ephemeral range (32768+), which outgoing connections use
USER_NAME=pet
USER_PASS=pet-test-secret
DB=pet_test
NODES=(1 2 3)

mysql_port() { echo $((BASE + $1)); }            # 23401..23403 (nodes), 23411 primary, 23412 replica
gcomm_port() { echo $((BASE + 100 + $1)); }
ist_port()   { echo $((BASE + 110 + $1)); }
sst_port()   { echo $((BASE + 120 + $1)); }
sock() { echo "$DIR/$1/mysqld.sock"; }

env_lines() {
  local ports=()
  for n in "${NODES[@]}"; do ports+=("$(mysql_port "$n")"); done
  cat <<ENV
export PET_TEST_GALERA_PORTS=$(IFS=,; echo "${ports[*]}")
export PET_TEST_GALERA_SOCKETS=$(sock node1),$(sock node2),$(sock node3)
export PET_TEST_REPLICA_PRIMARY_PORT=$(mysql_port 11)
export PET_TEST_REPLICA_PORT=$(mysql_port 12)
export PET_TEST_DISTRIBUTED_USER=$USER_NAME
export PET_TEST_DISTRIBUTED_PASSWORD=$USER_PASS
export PET_TEST_DISTRIBUTED_DATABASE=$DB
ENV
}

running() { [ -S "$(sock "$1")" ] && mariadb-admin --socket="$(sock "$1")" -uroot ping >/dev/null 2>&1; }

wait_until() {
  local what=$1; shift
  for _ in $(seq 1 300); do "$@" && return 0; sleep 0.2; done
  echo "galera-test-cluster: $what did not happen in time" >&2
  return 1
}

init_datadir() {
  local name=$1
  mkdir -p "$DIR/$name"
  chown mysql:mysql "$DIR" "$DIR/$name"
  if [ ! -d "$DIR/$name/data/mysql" ]; then
    mariadb-install-db --no-defaults --user=mysql --datadir="$DIR/$name/data" \
      --auth-root-authentication-method=socket >"$DIR/$name/install.log" 2>&1 \
      || { cat "$DIR/$name/install.log" >&2; exit 1; }
  fi
}

common_options() {
  local name=$1 port=$2
  echo --no-defaults --user=mysql --datadir="$DIR/$name/data" --socket="$(sock "$name")" \
    --bind-address=127.0.0.1 --port="$port" --pid-file="$DIR/$name/mysqld.pid" \
    --log-error="$DIR/$name/error.log" --innodb-buffer-pool-size=64M \
    --innodb-flush-log-at-trx-commit=2 --skip-name-resolve --max-connections=200 \
    --innodb-log-file-size=16M
}

start_node() {
  local n=$1 bootstrap=$2 name="node$1"
  init_datadir "$name"
  local members="127.0.0.1:$(gcomm_port 1),127.0.0.1:$(gcomm_port 2),127.0.0.1:$(gcomm_port 3)"
  local extra=()
  [ "$bootstrap" = yes ] && extra+=(--wsrep-new-cluster)
  # shellcheck disable=SC2046
  mariadbd $(common_options "$name" "$(mysql_port "$n")") \
    --binlog-format=ROW --default-storage-engine=InnoDB --innodb-autoinc-lock-mode=2 \
    --wsrep-on=ON --wsrep-provider=/usr/lib/galera/libgalera_smm.so --wsrep-cluster-name=pet_test \
    --wsrep-cluster-address="gcomm://$members" --wsrep-node-name="$name" \
    --wsrep-node-address="127.0.0.1:$(gcomm_port "$n")" \
    --wsrep-node-incoming-address="127.0.0.1:$(mysql_port "$n")" \
    --wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:$(gcomm_port "$n");ist.recv_addr=127.0.0.1:$(ist_port "$n");gcache.size=16M;pc.wait_prim_timeout=PT30S" \
    --wsrep-sst-method=rsync --wsrep-sst-receive-address="127.0.0.1:$(sst_port "$n")" \
    "${extra[@]}" >"$DIR/$name/server.out" 2>&1 &
  wait_until "$name start-up" running "$name"
  wait_until "$name joining the cluster" synced "$name"
}

synced() {
  [ "$(mariadb --socket="$(sock "$1")" -uroot -N -e "SHOW STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | cut -f2)" = Synced ]
}

create_user() {
  mariadb --socket="$(sock "$1")" -uroot <<SQL
CREATE DATABASE IF NOT EXISTS $DB;
CREATE USER IF NOT EXISTS '$USER_NAME'@'127.0.0.1' IDENTIFIED BY '$USER_PASS';
CREATE USER IF NOT EXISTS '$USER_NAME'@'localhost' IDENTIFIED BY '$USER_PASS';
GRANT ALL ON *.* TO '$USER_NAME'@'127.0.0.1';
GRANT ALL ON *.* TO '$USER_NAME'@'localhost';
SQL
}

start_plain() {
  local name=$1 port=$2 server_id=$3
  init_datadir "$name"
  # shellcheck disable=SC2046
  mariadbd $(common_options "$name" "$port") --server-id="$server_id" --log-bin="$DIR/$name/binlog" \
    --binlog-format=ROW >"$DIR/$name/server.out" 2>&1 &
  wait_until "$name start-up" running "$name"
}

case "${1:-start}" in
  env) env_lines ;;
  stop)
    for name in replica primary node3 node2 node1; do
      if running "$name"; then mariadb-admin --socket="$(sock "$name")" -uroot shutdown || true; fi
    done ;;
  start)
    started=$(date +%s.%N)
    if ! running node1; then
      # A cluster that was stopped as a whole bootstraps again from node 1.
      [ -f "$DIR/node1/data/grastate.dat" ] && sed -i 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' "$DIR/node1/data/grastate.dat"
      start_node 1 yes
      create_user node1
    fi
    for n in 2 3; do running "node$n" || start_node "$n" no; done
    if ! running primary; then start_plain primary "$(mysql_port 11)" 11; create_user primary; fi
    if ! running replica; then
      start_plain replica "$(mysql_port 12)" 12
      mariadb --socket="$(sock replica)" -uroot <<SQL
STOP REPLICA;
CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$(mysql_port 11), MASTER_USER='$USER_NAME',
  MASTER_PASSWORD='$USER_PASS', MASTER_USE_GTID=slave_pos;
START REPLICA;
SET GLOBAL read_only = ON;
SQL
      wait_until "the replica catching up" bash -c \
        "mariadb --socket='$(sock replica)' -uroot -N -e 'SHOW DATABASES' | grep -qx $DB"
    fi
    printf 'galera-test-cluster: 3 Galera nodes and a primary with a replica up in %.1f s\n' \
      "$(echo "$(date +%s.%N) - $started" | bc)" ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
