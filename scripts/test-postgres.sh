#!/usr/bin/env bash
# Second pass of the test suite on PostgreSQL. Uses TEST_DATABASE_URL when set; otherwise starts
# the local PostgreSQL 15 cluster (as root) and creates a throw-away role and database.
# When PostgreSQL is not available, says so plainly and skips.
set -euo pipefail
PYTHON=${1:-.venv/bin/python}
PARALLEL=()

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "PostgreSQL pass skipped: PostgreSQL is not installed (apt-get install postgresql, or set TEST_DATABASE_URL)."
    exit 0
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "PostgreSQL pass skipped: starting the local cluster needs root; set TEST_DATABASE_URL to use a running server."
    exit 0
  fi
  version=$(pg_lsclusters -h 2>/dev/null | awk 'NR==1 {print $1}')
  cluster=$(pg_lsclusters -h 2>/dev/null | awk 'NR==1 {print $2}')
  if [ -z "$version" ]; then
    echo "PostgreSQL pass skipped: no PostgreSQL cluster found (pg_lsclusters is empty)."
    exit 0
  fi
  pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start 2>/dev/null || true
  port=$(pg_lsclusters -h | awk 'NR==1 {print $3}')
  for _ in $(seq 1 30); do
    su postgres -c "psql -p $port -tAc 'select 1'" >/dev/null 2>&1 && break
    sleep 1
  done
  su postgres -c "psql -p $port -v ON_ERROR_STOP=1 -q" <<SQL
SELECT 'CREATE ROLE tna_test LOGIN PASSWORD ''tna_test''' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tna_test')\gexec
DROP DATABASE IF EXISTS tna_test;
CREATE DATABASE tna_test OWNER tna_test;
DROP DATABASE IF EXISTS tna_test_gw0;
CREATE DATABASE tna_test_gw0 OWNER tna_test;
DROP DATABASE IF EXISTS tna_test_gw1;
CREATE DATABASE tna_test_gw1 OWNER tna_test;
SQL
  export TEST_DATABASE_URL="postgresql+psycopg://tna_test:tna_test@127.0.0.1:$port/tna_test"
  # Two workers, one database each (tests/conftest.py names them).
  PARALLEL=(-n 2 --dist loadfile)
fi

echo "Running the test suite again on PostgreSQL (the browser tests ran in the first pass)"
"$PYTHON" -m pytest -q --ignore=tests/browser "${PARALLEL[@]}" "${@:2}"
