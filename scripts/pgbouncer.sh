#!/usr/bin/env bash
# A project-local PgBouncer in transaction pooling mode in front of the
# PostgreSQL of scripts/services.sh, listening on 127.0.0.1 only, with its
# config, log and pid file under .local/pgbouncer/. `make test-pgbouncer` runs
# the tests marked pgbouncer through it.
#
# Usage: scripts/pgbouncer.sh {start|stop|status|restart}
#
#   AIGO_PGBOUNCER_PORT  PgBouncer port                    (default 64320)
#   AIGO_PG_PORT         the PostgreSQL it pools for       (default 54320)
#
# Only the app role (aigo_app) may log in: the pooled connections then run as
# that role from the start and never need SET ROLE, a session setting that
# transaction pooling would hand on to the next client.
#
# `status` exits 0 when PgBouncer is running, 3 otherwise.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
LINK="$REPO_ROOT/.local/pgbouncer"

PGBOUNCER=/usr/sbin/pgbouncer
PG_BIN=/usr/lib/postgresql/15/bin
PORT=${AIGO_PGBOUNCER_PORT:-64320}
PG_PORT=${AIGO_PG_PORT:-54320}
APP_ROLE=aigo_app

die() { echo "pgbouncer: $*" >&2; exit 1; }
# shellcheck source=scripts/lib.sh
source "$REPO_ROOT/scripts/lib.sh"

# write_config DIR: (re)written on every start, so edits here apply on the next start.
write_config() {
  local dir=$1
  # trust: PostgreSQL itself trusts loopback (services.sh); the list only says who may log in.
  printf '"%s" ""\n' "$APP_ROLE" | as_pg tee "$dir/userlist.txt" >/dev/null
  as_pg tee "$dir/pgbouncer.ini" >/dev/null <<EOF
; Managed by scripts/pgbouncer.sh.
[databases]
; Every database of the local cluster under its own name (the tests use test_aigo_pgbouncer).
* = host=127.0.0.1 port=$PG_PORT
; One server connection shared by all its clients: tests/aigo/db/test_pgbouncer.py shows on it
; what a pooled connection carries from one client to the next.
aigo_pinned = host=127.0.0.1 port=$PG_PORT dbname=postgres pool_size=1 max_db_connections=1

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PORT
; TCP only, as for PostgreSQL: the default socket dir may not exist or be writable.
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid

; The seed's settings, scaled down for one machine (seed: 1000, 50, 10, 5, 3, 200).
pool_mode = transaction
max_client_conn = 100
default_pool_size = 5
; Not the seed's 10: idle server connections kept open to a test database would block
; dropping it at the end of the run.
min_pool_size = 0
reserve_pool_size = 1
reserve_pool_timeout = 3
max_db_connections = 20
EOF
}

# PgBouncer removes its pid file on exit, possibly between a test and a read.
pid_of() { cat "$1/pgbouncer.pid" 2>/dev/null; }

# running DIR: our PgBouncer (the pid in its pid file) is alive.
running() {
  local pid
  pid=$(pid_of "$1") || return 1
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == pgbouncer ]]
}

# Anything (ours or not) listening on the port.
answering() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

do_start() {
  [[ -x "$PGBOUNCER" ]] || "$REPO_ROOT/scripts/ensure_system.sh" "pgbouncer:$PGBOUNCER"
  local dir
  dir=$(postgres_dir "$LINK")
  if running "$dir"; then
    log "pgbouncer: already running on 127.0.0.1:$PORT (pid $(pid_of "$dir"))"
    return 0
  fi
  answering && die "another server already answers on 127.0.0.1:$PORT"
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" ||
    die "no PostgreSQL on 127.0.0.1:$PG_PORT (scripts/services.sh start)"
  write_config "$dir"
  if ! as_pg "$PGBOUNCER" -d -q "$dir/pgbouncer.ini"; then
    tail -n 20 "$dir/pgbouncer.log" >&2 || true
    die "failed to start (log $(rel "$LINK")/pgbouncer.log)"
  fi
  local i
  for ((i = 0; i < 50; i++)); do
    answering && break
    sleep 0.2
  done
  answering || die "not accepting connections on 127.0.0.1:$PORT (log $(rel "$LINK")/pgbouncer.log)"
  log "pgbouncer: started on 127.0.0.1:$PORT, pooling for 127.0.0.1:$PG_PORT (dir $(rel "$LINK"))"
}

do_stop() {
  if [[ ! -e "$LINK" ]] || ! running "$(readlink -m "$LINK")"; then
    log "pgbouncer: not running"
    return 0
  fi
  local dir pid i
  dir=$(readlink -m "$LINK")
  pid=$(pid_of "$dir")
  # SIGTERM: immediate shutdown (SIGINT would wait for every client to finish).
  kill -TERM "$pid"
  for ((i = 0; i < 50; i++)); do
    running "$dir" || break
    sleep 0.2
  done
  running "$dir" && die "pid $pid still running"
  log "pgbouncer: stopped (port $PORT)"
}

do_status() {
  if [[ -e "$LINK" ]] && running "$(readlink -m "$LINK")"; then
    log "pgbouncer: running on 127.0.0.1:$PORT (pid $(pid_of "$(readlink -m "$LINK")"))"
  else
    log "pgbouncer: stopped (port $PORT)"
    return 3
  fi
}

case "${1:-}" in
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
  restart) do_stop && do_start ;;
  *)
    echo "usage: $0 {start|stop|status|restart}" >&2
    exit 2
    ;;
esac
