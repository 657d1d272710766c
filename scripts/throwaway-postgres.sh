#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the team-store tests and benchmarks (Debian's postgresql
# package): reachable only through a Unix socket in DIR, so the tests' network namespace (dev.sh's
# `offline`) still reaches it, with password (SCRAM) authentication so a wrong password is refused.
#   scripts/throwaway-postgres.sh start DIR   prints the superuser's URL (database `postgres`)
#   scripts/throwaway-postgres.sh stop DIR    stops it; DIR can then be removed
set -euo pipefail

bin_dir() {
  local initdb
  initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n1)
  [ -n "$initdb" ] || { echo "PostgreSQL is not installed (apt install postgresql)" >&2; exit 1; }
  dirname "$initdb"
}

# initdb and the server refuse to run as root: as root they run as Debian's `postgres` user.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cmd=${1:-}; dir=${2:-}
[ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
bin=$(bin_dir)
case "$cmd" in
  start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
    password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
    as_owner sh -c "umask 077; printf '%s\n' '$password' > '$dir/pw'"
    as_owner "$bin/initdb" -D "$dir/data" -U qualkit --pwfile="$dir/pw" -A scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    # fsync off: a throwaway cluster need not survive a power cut, and the tests run faster.
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses='' -k $dir -p 5432 -c fsync=off -c synchronous_commit=off -c max_connections=200" \
      start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    encoded=$(printf '%s' "$dir" | sed 's|/|%2F|g')
    echo "postgres://qualkit:$password@$encoded:5432/postgres"
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    fi
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2; exit 2
    ;;
esac
