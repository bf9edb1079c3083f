#!/usr/bin/env bash
# PostgreSQL as the tests expect it (127.0.0.1:5432, trust auth, database "test") on a Debian machine where
# the `postgresql` package is installed but nothing else is set up: the devcontainer (on every start) and
# GitLab CI's test job (before .ci/run). Idempotent.
set -euo pipefail
version="$(ls /etc/postgresql | head -1)"
hba="/etc/postgresql/$version/main/pg_hba.conf"
if ! grep -q '^host all all 127.0.0.1/32 trust$' "$hba"; then
  sed -i 's/^\(host\|local\)\b/# &/' "$hba"
  printf 'local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n' >>"$hba"
  pg_ctlcluster --skip-systemctl-redirect "$version" main reload 2>/dev/null || true
fi
pg_isready -h 127.0.0.1 -p 5432 -q || pg_ctlcluster --skip-systemctl-redirect "$version" main start
for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
psql -h 127.0.0.1 -U postgres -d postgres -tAc "select 1 from pg_database where datname = 'test'" | grep -q 1 ||
  psql -h 127.0.0.1 -U postgres -d postgres -c 'create database test'
