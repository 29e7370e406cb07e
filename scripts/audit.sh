#!/usr/bin/env bash
# Security checks: bandit (medium severity and above) must be clean; pip-audit checks the installed
# dependencies (exactly those of requirements.lock) against its advisory service.
#
# Exit status: 0 when clean; 1 when bandit finds an issue or a package has a known vulnerability;
# 3 when pip-audit could not check every package (its service did not answer). AUDIT_UNCHECKED_OK=1
# turns that last case into a warning, for machines that cannot reach the service.
set -uo pipefail
BIN=${1:-.venv/bin}
HERE=$(dirname "$0")

echo "bandit: medium severity and above"
"$BIN/bandit" -q -r webapp reports questionnaires -ll || exit 1

echo "pip-audit: known vulnerabilities in installed packages"
timeout 300 "$BIN/pip-audit" --progress-spinner off --skip-editable -f json 2>/dev/null | "$BIN/python" "$HERE/audit_summary.py"
status=$?
if [ "$status" = 3 ] && [ "${AUDIT_UNCHECKED_OK:-}" = 1 ]; then
  echo "AUDIT_UNCHECKED_OK=1: the packages above were not checked; not failing for that."
  exit 0
fi
exit "$status"
