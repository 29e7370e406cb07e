#!/usr/bin/env bash
# Starts the local PostgreSQL cluster (as root on Debian) and creates the role tna_test and the
# throw-away databases named as arguments (dropped first). Prints the URL of the first one.
# When PostgreSQL cannot be used, says why on stderr, prints nothing and exits 0.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 DATABASE..." >&2; exit 2; }

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "PostgreSQL is not installed (apt-get install postgresql, or give a database URL)." >&2
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "Starting the local PostgreSQL cluster needs root; give a database URL instead." >&2
  exit 0
fi
version=$(pg_lsclusters -h 2>/dev/null | awk 'NR==1 {print $1}')
cluster=$(pg_lsclusters -h 2>/dev/null | awk 'NR==1 {print $2}')
if [ -z "$version" ]; then
  echo "No PostgreSQL cluster found (pg_lsclusters is empty)." >&2
  exit 0
fi
pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start >&2 2>/dev/null || true
port=$(pg_lsclusters -h | awk 'NR==1 {print $3}')
for _ in $(seq 1 30); do
  su postgres -c "psql -p $port -tAc 'select 1'" >/dev/null 2>&1 && break
  sleep 1
done
{
  echo "SELECT 'CREATE ROLE tna_test LOGIN PASSWORD ''tna_test''' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tna_test')\\gexec"
  for name in "$@"; do
    echo "DROP DATABASE IF EXISTS $name;"
    echo "CREATE DATABASE $name OWNER tna_test;"
  done
} | su postgres -c "psql -p $port -v ON_ERROR_STOP=1 -q" >&2
echo "postgresql+psycopg://tna_test:tna_test@127.0.0.1:$port/$1"
