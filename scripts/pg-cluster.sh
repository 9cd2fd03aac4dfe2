#!/usr/bin/env bash
# A private PostgreSQL 15 cluster on loopback for development and tests (never the distro service).
#   scripts/pg-cluster.sh start [dir]   -> prints the DATABASE_URL of database "weft"
#   scripts/pg-cluster.sh stop  [dir]
set -euo pipefail
cmd=${1:-}; dir=${2:-${WEFT_PG_DIR:-/tmp/weft-pg}}; port=${WEFT_PG_PORT:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "PostgreSQL is not installed: apt-get install -y postgresql" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$cmd" in
  start)
    mkdir -p "$dir"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    [ -f "$dir/data/PG_VERSION" ] || as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >/dev/null
    as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1 ||
      as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -o "-c listen_addresses=127.0.0.1 -p $port -k $dir" -w start >/dev/null
    psql -h 127.0.0.1 -p "$port" -U postgres -tAc "select 1 from pg_database where datname='weft'" | grep -q 1 ||
      psql -h 127.0.0.1 -p "$port" -U postgres -qc 'create database weft'
    echo "postgresql://postgres@127.0.0.1:$port/weft"
    ;;
  stop) as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true ;;
  *) echo "usage: $0 start|stop [dir]" >&2; exit 1 ;;
esac
