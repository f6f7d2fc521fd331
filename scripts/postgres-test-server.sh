#!/usr/bin/env bash
# Starts (or stops) a throwaway PostgreSQL server for the tests, as Debian ships it.
#   scripts/postgres-test-server.sh start   -> prints HOLDFAST_TEST_PG=<connection string>
#   scripts/postgres-test-server.sh stop
# Port from HOLDFAST_TEST_PG_PORT (default 55432); data under /tmp/holdfast-pg. Durability is off:
# it is for tests only.
set -euo pipefail
port="${HOLDFAST_TEST_PG_PORT:-55432}"
root="/tmp/holdfast-pg-$port"
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2
  exit 1
fi
as_pg() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "${1:-start}" in
  start)
    if [ ! -f "$root/data/PG_VERSION" ]; then
      rm -rf "$root"
      mkdir -p "$root/data" "$root/socket"
      [ "$(id -u)" = "0" ] && chown -R postgres:postgres "$root"
      as_pg "$bin/initdb" -D "$root/data" -U postgres --auth=trust -E UTF8 >/dev/null
    fi
    if ! as_pg "$bin/pg_ctl" -D "$root/data" status >/dev/null 2>&1; then
      as_pg "$bin/pg_ctl" -D "$root/data" -l "$root/server.log" -w -t 60 start \
        -o "-p $port -k $root/socket -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=128MB" >/dev/null
    fi
    echo "HOLDFAST_TEST_PG=Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
    ;;
  stop)
    as_pg "$bin/pg_ctl" -D "$root/data" -m fast stop >/dev/null 2>&1 || true
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
