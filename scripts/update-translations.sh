#!/usr/bin/env bash
# Extract the interface strings into translations/messages.pot and merge them into each
# language's .po file. Translators then fill in the new entries; `make` compiles the .mo files.
set -euo pipefail
BIN=${1:-.venv/bin}
"$BIN/pybabel" extract -F babel.cfg -k _l -k t -k N_ -k lazy_gettext -k lazy_pgettext:1c,2 --no-location --omit-header \
  -o translations/messages.pot .
for lang in $("$BIN/python" -c "from questionnaires.text import LANGUAGES; print(*LANGUAGES[1:])"); do
  if [ -f "translations/$lang/LC_MESSAGES/messages.po" ]; then
    "$BIN/pybabel" update -i translations/messages.pot -d translations -l "$lang" --no-fuzzy-matching --no-wrap
  else
    "$BIN/pybabel" init -i translations/messages.pot -d translations -l "$lang"
  fi
done
