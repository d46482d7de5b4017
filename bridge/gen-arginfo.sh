#!/bin/sh
# Regenerates pet_migrate_arginfo.h from pet_migrate.stub.php with PHP's gen_stub.php,
# offline: it uses Debian's php-parser package instead of downloading nikic/PHP-Parser.
# The generated header is committed, so a build never needs this.
set -eu
cd "$(dirname "$0")"
GEN_STUB=$(php-config --extension-dir | sed 's|$|/build/gen_stub.php|')
[ -r "$GEN_STUB" ] || { echo "gen_stub.php not found (install php-dev)" >&2; exit 1; }
[ -d /usr/share/php/PhpParser ] || { echo "/usr/share/php/PhpParser missing (apt-get install php-parser)" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cp "$GEN_STUB" "$TMP/gen_stub.php"
VERSION=$(sed -n 's/^ *\$version = "\([0-9.]*\)";/\1/p' "$TMP/gen_stub.php" | head -1)
mkdir -p "$TMP/PHP-Parser-$VERSION/lib"
ln -s /usr/share/php/PhpParser "$TMP/PHP-Parser-$VERSION/lib/PhpParser"
php "$TMP/gen_stub.php" --force-regeneration pet_migrate.stub.php
