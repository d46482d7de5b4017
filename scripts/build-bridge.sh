#!/usr/bin/env bash
# Builds the PHP extension in bridge/ against the engine library (phpize, configure, make).
# Expects .build/release/libpet_migrate.so (or $PET_MIGRATE_LIBDIR/libpet_migrate.so), built by
#   swift build -c release --product pet_migrate -Xswiftc -static-stdlib
# Idempotent: phpize and configure rerun only when config.m4 or the library directory
# changed; make rebuilds what is out of date. The module is bridge/modules/pet_migrate.so.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LIBDIR=${PET_MIGRATE_LIBDIR:-$REPO/.build/release}
BRIDGE=$REPO/bridge

if [ ! -f "$LIBDIR/libpet_migrate.so" ]; then
  echo "build-bridge: $LIBDIR/libpet_migrate.so is missing; build the engine first:" >&2
  echo "  swift build -c release --product pet_migrate -Xswiftc -static-stdlib" >&2
  exit 1
fi
command -v phpize >/dev/null || { echo "build-bridge: phpize not found (apt-get install php-dev)" >&2; exit 1; }

cd "$BRIDGE"
LOG=$BRIDGE/build.log
: >"$LOG"
run() { "$@" >>"$LOG" 2>&1 || { echo "build-bridge: '$*' failed; its output:" >&2; cat "$LOG" >&2; exit 1; }; }

WANT="$REPO|$LIBDIR|$(sha1sum config.m4 Makefile.frag | sha1sum | cut -c1-40)"
if [ ! -f Makefile ] || [ ! -f config.status ] || [ "$(cat .configured 2>/dev/null)" != "$WANT" ]; then
  echo "build-bridge: phpize && ./configure --with-pet-migrate=$REPO"
  [ -f Makefile ] && run make distclean
  run phpize
  run ./configure --with-pet-migrate="$REPO" PET_MIGRATE_LIBDIR="$LIBDIR"
  echo "$WANT" >.configured
fi
echo "build-bridge: make"
run make -j"$(nproc)"
echo "build-bridge: built $BRIDGE/modules/pet_migrate.so (engine $LIBDIR/libpet_migrate.so)"
