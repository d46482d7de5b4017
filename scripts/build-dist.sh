#!/usr/bin/env bash
# Builds the PET plugin as WordPress's "Upload Plugin" takes it: dist/pet-VERSION.zip with one
# folder, pet/ (pet.php, readme.txt, includes/, languages/, migrations/).
# Development files never ship: tests, test configuration, Markdown documents for developers,
# dot-files, editor and build leftovers. VERSION is the plugin header's, which must equal
# PET_VERSION in pet.php and the "Stable tag" of readme.txt.
set -euo pipefail
umask 022

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
OUT=${PET_DIST_DIR:-$REPO/dist}
command -v zip >/dev/null || { echo "build-dist: zip not found (apt-get install zip)" >&2; exit 1; }

version=$(sed -n 's/^ \* Version: *\([^ ]*\)$/\1/p' php/pet.php)
constant=$(sed -n "s/^define( 'PET_VERSION', '\(.*\)' );/\1/p" php/pet.php)
stable=$(sed -n 's/^Stable tag: *\([^ ]*\)$/\1/p' php/readme.txt)
if [ -z "$version" ] || [ "$version" != "$constant" ] || [ "$version" != "$stable" ]; then
  echo "build-dist: plugin versions disagree: header '$version', PET_VERSION '$constant', readme.txt Stable tag '$stable'" >&2
  exit 1
fi
for required in pet.php readme.txt includes languages migrations; do
  [ -e "php/$required" ] || { echo "build-dist: php/$required is missing" >&2; exit 1; }
done

stage=$REPO/.build/dist
rm -rf "$stage"
mkdir -p "$stage/pet"
# Every file of php/ except development files (paths relative to php/, extended regex).
exclude='(^|/)(tests?|vendor-dev)/|(^|/)\.[^/]*$|\.md$|(^|/)(phpunit|phpcs|\.phpcs)\.xml(\.dist)?$|(^|/)composer\.(json|lock)$|(~|\.swp|\.orig|\.rej|\.bak)$'
(cd php && find . -type f -printf '%P\n' | grep -Ev "$exclude" | LC_ALL=C sort) >"$stage/files"
[ -s "$stage/files" ] || { echo "build-dist: nothing to ship" >&2; exit 1; }
(cd php && xargs -d '\n' cp --parents -t "$stage/pet") <"$stage/files"
rm "$stage/files"
find "$stage" -type d -exec chmod 0755 {} +
find "$stage" -type f -exec chmod 0644 {} +
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
find "$stage" -exec touch -h -d "@$epoch" {} +

mkdir -p "$OUT"
zipfile=$OUT/pet-$version.zip
rm -f "$zipfile"
(cd "$stage" && find pet | LC_ALL=C sort | TZ=UTC zip -q -X -9 -@ "$zipfile")
echo "build-dist: $zipfile ($(du -k "$zipfile" | cut -f1) KB, $(cd "$stage" && find pet -type f | wc -l) files)"
