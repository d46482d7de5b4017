#!/usr/bin/env bash
# For test suites that load the freshly built extension with `php -d extension=…`: when the
# machine's PHP CLI already loads pet_migrate from an ini file (the pet-migrate package is
# installed), a second load would only warn ("Module already loaded") and leave the packaged
# engine in use. Then this prints `export PHP_INI_SCAN_DIR=DIR`, DIR holding links to every ini
# of PHP's scan directories except the ones that load pet_migrate; otherwise it prints nothing.
#   eval "$(scripts/php-ini-isolate.sh)"
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PHP=${PET_PHP:-php}

if [ "$("$PHP" -r 'echo extension_loaded("pet_migrate") ? 1 : 0;' 2>/dev/null)" != 1 ]; then
  exit 0
fi
scan=$("$PHP" --ini | sed -n 's/^Scan for additional .ini files in: *//p')
isolated=$REPO/.build/php-ini-isolated
rm -rf "$isolated"
mkdir -p "$isolated"
IFS=: read -r -a dirs <<<"$scan"
for dir in "${dirs[@]}"; do
  [ -d "$dir" ] || continue
  for ini in "$dir"/*.ini; do
    [ -e "$ini" ] || continue
    if grep -Eq '^[[:space:]]*(zend_)?extension[[:space:]]*=[[:space:]]*"?([^"]*/)?pet_migrate(\.so)?"?[[:space:]]*$' "$ini"; then
      continue
    fi
    ln -sf "$(readlink -f "$ini")" "$isolated/$(basename "$ini")"
  done
done
if [ "$(PHP_INI_SCAN_DIR=$isolated "$PHP" -r 'echo extension_loaded("pet_migrate") ? 1 : 0;' 2>/dev/null)" = 1 ]; then
  echo "php-ini-isolate: pet_migrate is loaded by $("$PHP" -r 'echo php_ini_loaded_file();') itself; remove it there" >&2
  exit 1
fi
echo "php-ini-isolate: PHP's ini files load pet_migrate (the pet-migrate package?): the tests use $isolated instead" >&2
printf 'export PHP_INI_SCAN_DIR=%q\n' "$isolated"
