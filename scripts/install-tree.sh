#!/usr/bin/env bash
# Installs PET Migrate (engine library, PHP extension, pet-migrate command, C header, man page,
# documentation, the extension's ini) into a file-system tree. `make install` and
# `make package` (scripts/build-package.sh) both use it.
#
# The PHP extension is rebuilt for the destination (in .build/install-bridge/, never in
# bridge/): its RUNPATH names LIBDIR, where libpet_migrate.so is installed, so PHP finds the
# engine there with no LD_LIBRARY_PATH. Expects the release build (make lib cli).
#
# Settings (environment; defaults in brackets):
#   DESTDIR            staging root, prefixed to every path below [empty]
#   PREFIX             [/usr/local]
#   LIBDIR             libpet_migrate.so [$PREFIX/lib]
#   BINDIR             pet-migrate [$PREFIX/bin]
#   INCLUDEDIR         pet_migrate.h [$PREFIX/include]
#   MANDIR             [$PREFIX/share/man]
#   DOCDIR             [$PREFIX/share/doc/pet-migrate]
#   PKGCONFIGDIR       pet-migrate.pc [$LIBDIR/pkgconfig]
#   PHP_CONFIG         the php-config of the PHP to build for [php-config]
#   PHP_EXTENSION_DIR  pet_migrate.so [`$PHP_CONFIG --extension-dir`]
#   PHP_INI_FILE       the ini that loads the extension [$PREFIX/share/pet-migrate/pet_migrate.ini]
#   STRIP              1: strip the installed binaries as Debian packages do [0]
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$REPO/.build/release
DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX:-/usr/local}
LIBDIR=${LIBDIR:-$PREFIX/lib}
BINDIR=${BINDIR:-$PREFIX/bin}
INCLUDEDIR=${INCLUDEDIR:-$PREFIX/include}
MANDIR=${MANDIR:-$PREFIX/share/man}
DOCDIR=${DOCDIR:-$PREFIX/share/doc/pet-migrate}
PKGCONFIGDIR=${PKGCONFIGDIR:-$LIBDIR/pkgconfig}
PHP_CONFIG=${PHP_CONFIG:-php-config}
PHP_EXTENSION_DIR=${PHP_EXTENSION_DIR:-$("$PHP_CONFIG" --extension-dir)}
PHP_INI_FILE=${PHP_INI_FILE:-$PREFIX/share/pet-migrate/pet_migrate.ini}
STRIP=${STRIP:-0}

for path in "$PREFIX" "$LIBDIR" "$BINDIR" "$PHP_EXTENSION_DIR" "$PHP_INI_FILE"; do
  case "$path" in
    /*) ;;
    *) echo "install-tree: $path is not an absolute path" >&2; exit 2 ;;
  esac
done
for artifact in "$BUILD/libpet_migrate.so" "$BUILD/pet-migrate"; do
  [ -f "$artifact" ] || { echo "install-tree: $artifact is missing; run: make lib cli" >&2; exit 1; }
done
command -v phpize >/dev/null || { echo "install-tree: phpize not found (apt-get install php-dev)" >&2; exit 1; }

# The extension, built against the release library (-L) but pointing at LIBDIR (RUNPATH).
PHPIZE=$(dirname "$(command -v "$PHP_CONFIG")")/phpize
[ -x "$PHPIZE" ] || PHPIZE=phpize
work=$REPO/.build/install-bridge
rm -rf "$work"
mkdir -p "$work"
cp "$REPO"/bridge/config.m4 "$REPO"/bridge/Makefile.frag "$REPO"/bridge/*.c "$REPO"/bridge/*.h "$work"/
log=$work/build.log
run() { "$@" >>"$log" 2>&1 || { echo "install-tree: '$*' failed; its output:" >&2; cat "$log" >&2; exit 1; }; }
echo "install-tree: building the PHP extension for $LIBDIR"
(
  cd "$work"
  run "$PHPIZE"
  # Debian's hardening flags where dpkg-buildflags exists (fortify, stack protector, RELRO, BIND_NOW).
  export DEB_BUILD_MAINT_OPTIONS=hardening=+all
  cflags=$(dpkg-buildflags --get CFLAGS 2>/dev/null || echo "-O2 -g")
  cppflags=$(dpkg-buildflags --get CPPFLAGS 2>/dev/null || true)
  ldflags=$(dpkg-buildflags --get LDFLAGS 2>/dev/null || true)
  run ./configure --with-php-config="$(command -v "$PHP_CONFIG")" --with-pet-migrate="$REPO" \
    PET_MIGRATE_LIBDIR="$LIBDIR" CFLAGS="$cflags" CPPFLAGS="$cppflags" LDFLAGS="$ldflags -L$BUILD"
  run make -j"$(nproc)"
)
module=$work/modules/pet_migrate.so
runpath=$(readelf -d "$module" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')
if [ "$runpath" != "$LIBDIR" ]; then
  echo "install-tree: the extension's RUNPATH is '$runpath', expected '$LIBDIR'" >&2
  exit 1
fi

install -d "$DESTDIR$LIBDIR" "$DESTDIR$BINDIR" "$DESTDIR$INCLUDEDIR" "$DESTDIR$MANDIR/man1" "$DESTDIR$DOCDIR" \
  "$DESTDIR$PKGCONFIGDIR" "$DESTDIR$PHP_EXTENSION_DIR" "$DESTDIR$(dirname "$PHP_INI_FILE")"
install -m 0644 "$BUILD/libpet_migrate.so" "$DESTDIR$LIBDIR/libpet_migrate.so"
install -m 0644 "$module" "$DESTDIR$PHP_EXTENSION_DIR/pet_migrate.so"
install -m 0755 "$BUILD/pet-migrate" "$DESTDIR$BINDIR/pet-migrate"
install -m 0644 "$REPO/include/pet_migrate.h" "$DESTDIR$INCLUDEDIR/pet_migrate.h"
gzip -9n <"$REPO/packaging/pet-migrate.1" >"$DESTDIR$MANDIR/man1/pet-migrate.1.gz"
chmod 0644 "$DESTDIR$MANDIR/man1/pet-migrate.1.gz"
install -m 0644 "$REPO/README.md" "$DESTDIR$DOCDIR/README.md"
install -m 0644 "$REPO/php/MIGRATIONS.md" "$DESTDIR$DOCDIR/MIGRATIONS.md"
for note in "$REPO"/docs/*.md; do
  if [ -e "$note" ]; then install -m 0644 "$note" "$DESTDIR$DOCDIR/$(basename "$note")"; fi
done
# `extension=pet_migrate.so` finds the module in PHP's extension directory; anywhere else the ini
# names it by its absolute path.
if [ "$PHP_EXTENSION_DIR" = "$("$PHP_CONFIG" --extension-dir)" ]; then
  install -m 0644 "$REPO/packaging/pet_migrate.ini" "$DESTDIR$PHP_INI_FILE"
else
  sed "s|^extension=pet_migrate.so$|extension=$PHP_EXTENSION_DIR/pet_migrate.so|" "$REPO/packaging/pet_migrate.ini" >"$DESTDIR$PHP_INI_FILE"
  chmod 0644 "$DESTDIR$PHP_INI_FILE"
fi
version=$("$BUILD/pet-migrate" --version)
cat >"$DESTDIR$PKGCONFIGDIR/pet-migrate.pc" <<EOF
libdir=$LIBDIR
includedir=$INCLUDEDIR

Name: pet-migrate
Description: PET Migrate, the migration engine of the PET WordPress plugin (C ABI)
Version: $version
Libs: -L\${libdir} -Wl,-rpath,\${libdir} -lpet_migrate
Cflags: -I\${includedir}
EOF
chmod 0644 "$DESTDIR$PKGCONFIGDIR/pet-migrate.pc"

if [ "$STRIP" = 1 ]; then
  strip --strip-unneeded --remove-section=.comment --remove-section=.note \
    "$DESTDIR$LIBDIR/libpet_migrate.so" "$DESTDIR$PHP_EXTENSION_DIR/pet_migrate.so"
  strip --remove-section=.comment --remove-section=.note "$DESTDIR$BINDIR/pet-migrate"
fi

echo "install-tree: installed PET Migrate $version into ${DESTDIR:-/}"
echo "  $LIBDIR/libpet_migrate.so, $BINDIR/pet-migrate, $INCLUDEDIR/pet_migrate.h"
echo "  PHP extension $PHP_EXTENSION_DIR/pet_migrate.so, loaded by $PHP_INI_FILE"
