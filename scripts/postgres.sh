#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and benchmarks.
#
#   scripts/postgres.sh start DIR   initdb a new cluster in DIR (created; must
#                                   be empty), start it on 127.0.0.1 at a free
#                                   port, wait until it accepts connections
#                                   and print its URL on stdout:
#                                   postgres://postgres@127.0.0.1:PORT/postgres
#   scripts/postgres.sh stop DIR    stop it and delete DIR.
#
# Trust authentication on loopback only: never a center's database. PostgreSQL
# refuses to run as root, so as root the cluster runs as the `postgres` user
# (from the postgresql package). Extra server settings can be given in
# PG_OPTS (e.g. PG_OPTS="-c fsync=off" where durability does not matter).
# Binaries: PG_BIN, else the newest /usr/lib/postgresql/*/bin, else PATH.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
CMD=$1
DIR=$2

if [ -z "${PG_BIN:-}" ]; then
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$PG_BIN" ]; then
    PG_BIN=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
  fi
fi
[ -x "$PG_BIN/initdb" ] || { echo "PostgreSQL not found (install postgresql: scripts/setup.sh)" >&2; exit 1; }

# Runs a command as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "$CMD" in
  start)
    mkdir -p "$DIR"
    [ -z "$(ls -A "$DIR")" ] || { echo "$DIR is not empty" >&2; exit 1; }
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$DIR"; fi
    chmod 700 "$DIR"
    as_owner "$PG_BIN/initdb" -D "$DIR/data" -U postgres --auth=trust \
      --encoding=UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
      || { cat "$DIR/initdb.log" >&2; exit 1; }
    # A free port: bound by the kernel, released, then taken by the server
    # (which fails to start, and is reported, if another process took it).
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    # shellcheck disable=SC2086
    as_owner "$PG_BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -s \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$DIR -c max_connections=300 ${PG_OPTS:-}" \
      start -W
    for _ in $(seq 300); do
      if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
        echo "postgres://postgres@127.0.0.1:$PORT/postgres"
        exit 0
      fi
      if ! as_owner "$PG_BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
        echo "PostgreSQL did not start:" >&2; cat "$DIR/server.log" >&2; exit 1
      fi
      sleep 0.1
    done
    echo "PostgreSQL did not accept connections in 30 s:" >&2; cat "$DIR/server.log" >&2
    exit 1
    ;;
  stop)
    if [ -f "$DIR/data/postmaster.pid" ]; then
      as_owner "$PG_BIN/pg_ctl" -D "$DIR/data" -s -m fast stop -w || true
    fi
    rm -rf "$DIR"
    ;;
  *) usage ;;
esac
