#!/usr/bin/env bash
# Security checks for CI: bandit (medium severity and above) must be clean; pip-audit checks the
# installed dependencies against PyPI's advisories. Where PyPI answers only for whole projects,
# not for exact versions (behind a package-index proxy), scripts/pypi_advisories.py reads the
# project pages instead, which settles it for every package at its latest release.
set -uo pipefail
BIN=${1:-.venv/bin}

echo "bandit: medium severity and above"
"$BIN/bandit" -q -r webapp reports questionnaires -ll || exit 1

echo "pip-audit: known vulnerabilities in installed packages"
out=$(timeout 300 "$BIN/pip-audit" --progress-spinner off --skip-editable 2>&1)
status=$?
if echo "$out" | grep -qE "could not be audited|ConnectionError|Max retries|Name or service not known"; then
  if echo "$out" | grep -qE "^Found [1-9][0-9]* known vulnerabilit"; then
    echo "$out"; exit 1
  fi
  echo "pip-audit could not ask PyPI about exact versions; asking about each project's latest release instead."
  exec "$BIN/python" "$(dirname "$0")/pypi_advisories.py"
fi
echo "$out"
exit $status
