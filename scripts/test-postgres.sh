#!/usr/bin/env bash
# Second pass of the test suite on PostgreSQL. Uses TEST_DATABASE_URL when set; otherwise starts
# the local PostgreSQL 15 cluster (as root) and creates a throw-away role and database.
# When PostgreSQL is not available, says so plainly and skips.
set -euo pipefail
PYTHON=${1:-.venv/bin/python}
PARALLEL=()

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  said=$(mktemp)
  if ! url=$("$(dirname "$0")/local-postgres.sh" tna_test tna_test_gw0 tna_test_gw1 2>"$said"); then
    cat "$said"; rm -f "$said"; exit 1
  fi
  if [ -z "$url" ]; then
    echo "PostgreSQL pass skipped: $(cat "$said")"; rm -f "$said"; exit 0
  fi
  rm -f "$said"
  export TEST_DATABASE_URL="$url"
  # Two workers, one database each (tests/conftest.py names them).
  PARALLEL=(-n 2 --dist loadfile)
fi

echo "Running the test suite again on PostgreSQL (the browser tests ran in the first pass)"
"$PYTHON" -m pytest -q --ignore=tests/browser "${PARALLEL[@]}" "${@:2}"
