#!/usr/bin/env bash
# Starts the devcontainer's PostgreSQL (on every container start) and creates the tests' database once.
set -euo pipefail
cluster="$(ls /etc/postgresql | head -1)"
pg_isready -h 127.0.0.1 -p 5432 -q || pg_ctlcluster --skip-systemctl-redirect "$cluster" main start
for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
psql -h 127.0.0.1 -U postgres -d postgres -tAc "select 1 from pg_database where datname = 'test'" | grep -q 1 ||
  psql -h 127.0.0.1 -U postgres -d postgres -c 'create database test'
