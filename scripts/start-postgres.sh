#!/usr/bin/env bash
# Install (Debian package) and start a local PostgreSQL server for the test suite, then print
# the URL to export as EVENTWIRE_TEST_PG_URL. Needs root (as CI and the dev machines run).
set -euo pipefail
if [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PGV=$(ls /usr/lib/postgresql | sort -n | tail -1)
pg_lsclusters -h | awk '{print $1, $2}' | grep -qx "$PGV main" || pg_createcluster "$PGV" main >/dev/null
pg_ctlcluster "$PGV" main start >/dev/null 2>&1 || pg_ctlcluster "$PGV" main status >/dev/null
su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'eventwire'\"" >/dev/null
echo "postgresql://postgres:eventwire@127.0.0.1:5432/postgres"
