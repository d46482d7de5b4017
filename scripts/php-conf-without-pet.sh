#!/usr/bin/env bash
# Prints a directory for PHP_INI_SCAN_DIR: PHP's own conf.d (the CLI's scan directory) minus
# any ini that loads a pet_migrate extension installed system-wide (the Debian package
# pet-migrate enables one). The tests load the extension they built with -d extension=…; a
# system-wide one loaded first would win ("Module already loaded") and they would test it.
#   PHP_INI_SCAN_DIR=$(scripts/php-conf-without-pet.sh) php -d extension=bridge/modules/pet_migrate.so …
set -euo pipefail
scan=$(php -r 'echo PHP_CONFIG_FILE_SCAN_DIR;')
# A new directory each time: concurrent runs never see one another's half-built copy.
out=$(mktemp -d "${TMPDIR:-/tmp}/pet-php-conf.d-XXXXXX")
if [ -n "$scan" ] && [ -d "$scan" ]; then
  for ini in "$scan"/*.ini; do
    [ -e "$ini" ] || continue
    grep -qiE '^[[:space:]]*extension[[:space:]]*=[[:space:]]*"?([^"]*/)?pet_migrate(\.so)?"?' "$ini" && continue
    ln -s "$(readlink -f "$ini")" "$out/$(basename "$ini")"
  done
fi
echo "$out"
