#!/usr/bin/env bash
# Builds the Debian package of PET Migrate with dpkg-deb: dist/pet-migrate_VERSION_ARCH.deb.
#
#   /usr/lib/<multiarch>/pet-migrate/libpet_migrate.so   the engine (a private directory: the
#                                                         extension's RUNPATH names it)
#   /usr/lib/php/<phpapi>/pet_migrate.so                  the PHP extension
#   /etc/php/<php>/mods-available/pet_migrate.ini         conffile; enabled for fpm and cli by
#                                                         postinst (phpenmod), disabled by prerm
#   /usr/bin/pet-migrate, /usr/include/pet_migrate.h, the pkg-config file, man page, docs
#
# The version is the engine's own (`pet-migrate --version`), which must equal the extension's
# (bridge/php_pet_migrate.h). Depends: dpkg-shlibdeps for the C libraries, plus the PHP API
# version the extension was built for (phpapi-NNNNNNNN) and php-common (phpenmod).
# Expects the release build (make lib cli). Prints the package's control data and file list.
set -euo pipefail
umask 022

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
BUILD=.build/release
OUT=${PET_DIST_DIR:-$REPO/dist}

[ -x "$BUILD/pet-migrate" ] || { echo "build-package: $BUILD/pet-migrate is missing; run: make lib cli" >&2; exit 1; }
for tool in dpkg-deb dpkg-shlibdeps dpkg-architecture php-config; do
  command -v "$tool" >/dev/null || { echo "build-package: $tool not found (apt-get install dpkg-dev php-dev)" >&2; exit 1; }
done

version=$("$BUILD/pet-migrate" --version)
extension_version=$(sed -n 's/^# define PHP_PET_MIGRATE_VERSION "\(.*\)"/\1/p' bridge/php_pet_migrate.h)
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "build-package: the engine reports version '$version', not MAJOR.MINOR.PATCH" >&2; exit 1
fi
if [ "$version" != "$extension_version" ]; then
  echo "build-package: engine $version but extension $extension_version (bridge/php_pet_migrate.h): make them agree" >&2
  exit 1
fi
arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null)
php_version=$(php-config --version | cut -d. -f1,2)
phpapi=$(php-config --phpapi)
extension_dir=$(php-config --extension-dir)
name=pet-migrate_${version}_${arch}
stage=$REPO/.build/package/$name
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}

rm -rf "$stage"
mkdir -p "$stage/DEBIAN"
DESTDIR=$stage PREFIX=/usr LIBDIR=/usr/lib/$multiarch/pet-migrate PKGCONFIGDIR=/usr/lib/$multiarch/pkgconfig \
  PHP_EXTENSION_DIR=$extension_dir PHP_INI_FILE=/etc/php/$php_version/mods-available/pet_migrate.ini \
  STRIP=1 scripts/install-tree.sh >/dev/null

doc=$stage/usr/share/doc/pet-migrate
install -m 0644 packaging/debian/copyright "$doc/copyright"
{
  printf 'pet-migrate (%s) unstable; urgency=medium\n\n' "$version"
  printf '  * PET Migrate %s: see README.md for what it does and how to install it.\n\n' "$version"
  printf ' -- PET developers <pet-developers@example.org>  %s\n' "$(LC_ALL=C date -u -R -d "@$epoch")"
} | gzip -9n >"$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"

# C libraries the binaries need (the PHP extension's PHP symbols come from the PHP binary).
shlibs_dir=$REPO/.build/package/shlibdeps
rm -rf "$shlibs_dir"
mkdir -p "$shlibs_dir/debian"
printf 'Source: pet-migrate\n\nPackage: pet-migrate\nArchitecture: any\n' >"$shlibs_dir/debian/control"
shlibs=$(cd "$shlibs_dir" && dpkg-shlibdeps -O --warnings=0 -S"$stage" \
  -e"$stage/usr/bin/pet-migrate" -e"$stage/usr/lib/$multiarch/pet-migrate/libpet_migrate.so" \
  -e"$stage$extension_dir/pet_migrate.so" 2>"$shlibs_dir/stderr" | sed -n 's/^shlibs:Depends=//p') || {
  cat "$shlibs_dir/stderr" >&2; exit 1; }
[ -n "$shlibs" ] || { echo "build-package: dpkg-shlibdeps found no dependencies" >&2; cat "$shlibs_dir/stderr" >&2; exit 1; }
depends="$shlibs, phpapi-$phpapi, php-common"

subst() {
  sed -e "s/@VERSION@/$version/g" -e "s/@ARCH@/$arch/g" -e "s/@PHP_VERSION@/$php_version/g" \
    -e "s/@DEPENDS@/$depends/g" -e "s/@INSTALLED_SIZE@/$installed_size/g" "$1"
}
installed_size=$(du -s -k --apparent-size "$stage" | cut -f1)
subst packaging/debian/control.in >"$stage/DEBIAN/control"
for script in postinst prerm postrm; do
  subst "packaging/debian/$script" >"$stage/DEBIAN/$script"
  chmod 0755 "$stage/DEBIAN/$script"
done
echo "/etc/php/$php_version/mods-available/pet_migrate.ini" >"$stage/DEBIAN/conffiles"
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\n' | LC_ALL=C sort | xargs md5sum) >"$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/conffiles" "$stage/DEBIAN/md5sums"
find "$stage" -type d -exec chmod 0755 {} +
find "$stage" -exec touch -h -d "@$epoch" {} +

mkdir -p "$OUT"
deb=$OUT/$name.deb
rm -f "$deb"
SOURCE_DATE_EPOCH=$epoch dpkg-deb --root-owner-group -Zxz -z1 --build "$stage" "$deb" >/dev/null
echo "build-package: $deb ($(du -k "$deb" | cut -f1) KB)"
dpkg-deb --field "$deb" Package Version Architecture Installed-Size Depends | sed 's/^/  /'
dpkg-deb --contents "$deb" | awk '{ printf "  %s %8s %s%s%s\n", $1, $3, $6, ($7 ? " " $7 : ""), ($8 ? " " $8 : "") }'
