#!/usr/bin/env bash
# Regenerates php/languages/pet.pot, the translation template of the PET plugin (text domain
# "pet"), from the plugin's PHP sources with xgettext (Debian package gettext).
set -euo pipefail
cd "$(dirname "$0")/../php"
mkdir -p languages
find . -name '*.php' -not -path './languages/*' | LC_ALL=C sort | xargs xgettext \
  --language=PHP --from-code=UTF-8 --no-wrap --add-comments=translators: --sort-by-file \
  --package-name=PET --package-version="$(sed -n "s/^define( 'PET_VERSION', '\(.*\)' );/\1/p" pet.php)" \
  --msgid-bugs-address=https://example.org/pet \
  --keyword=__:1,2t --keyword=_e:1,2t --keyword=esc_html__:1,2t --keyword=esc_html_e:1,2t \
  --keyword=esc_attr__:1,2t --keyword=esc_attr_e:1,2t --keyword=_x:1,2c,3t --keyword=_n:1,2,4t \
  --output=languages/pet.pot
# Keep the file stable between runs: the creation date is not content.
sed -i '/^"POT-Creation-Date:/d' languages/pet.pot
echo "php/languages/pet.pot: $(grep -c '^msgid ' languages/pet.pot) strings"
