#!/usr/bin/env bash
# A second, project-local PostgreSQL 15 cluster on loopback, to act as a regional read replica
# (a logical-replication subscriber of the primary that scripts/services.sh runs). Data lives
# under .local/pg-replica-NAME/, like the primary's under .local/pg/.
#
# Usage: scripts/pg_replica.sh {start|stop|status|remove} NAME PORT
#
#   scripts/pg_replica.sh start eu-west 54321
#
# `status` exits 0 when the cluster is running, 3 otherwise. `remove` stops the cluster and
# deletes its data (tests make a cluster of their own per run).
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
PG_BIN=/usr/lib/postgresql/15/bin

die() { echo "pg_replica: $*" >&2; exit 1; }
# shellcheck source=scripts/lib.sh
source "$REPO_ROOT/scripts/lib.sh"

[[ $# == 3 ]] || { echo "usage: $0 {start|stop|status|remove} NAME PORT" >&2; exit 2; }
COMMAND=$1 NAME=$2 PORT=$3
[[ "$NAME" =~ ^[a-z0-9_-]+$ ]] || die "NAME must be lower-case letters, digits, - or _"
[[ "$PORT" =~ ^[0-9]+$ ]] || die "PORT must be a number"
LINK="$REPO_ROOT/.local/pg-replica-$NAME"
LABEL="replica $NAME"

init() {
  local data=$1
  if [[ ! -f "$data/PG_VERSION" ]]; then
    as_pg "$PG_BIN/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 --auth=trust >"$data.initdb.log" 2>&1 ||
      { cat "$data.initdb.log" >&2; die "initdb failed for $data"; }
    rm -f "$data.initdb.log"
  fi
  as_pg tee "$data/pg_hba.conf" >/dev/null <<'EOF'
# Managed by scripts/pg_replica.sh: loopback only, no passwords (local dev).
host    all          all   127.0.0.1/32   trust
host    replication  all   127.0.0.1/32   trust
EOF
  as_pg tee "$data/aigo.conf" >/dev/null <<'EOF'
# Managed by scripts/pg_replica.sh (included from postgresql.conf).
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 100
# Same extensions as the primary, so its schema (pg_dump --schema-only) restores here.
shared_preload_libraries = 'pg_stat_statements'
# A subscriber: one apply worker per subscription plus table-sync workers for the first copy.
max_logical_replication_workers = 4
max_worker_processes = 8
# An idle subscriber asks the primary for a keepalive after half of this, so "seconds since
# the primary was last heard" (aigo.db.replicas' lag) stays small when nothing is written.
wal_receiver_timeout = '10s'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  if ! grep -q "^include_if_exists = 'aigo.conf'" "$data/postgresql.conf"; then
    printf "\ninclude_if_exists = 'aigo.conf'\n" | as_pg tee -a "$data/postgresql.conf" >/dev/null
  fi
}

running() { [[ -e "$LINK" ]] && as_pg "$PG_BIN/pg_ctl" status -D "$(readlink -m "$LINK")" >/dev/null 2>&1; }
ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; }

start() {
  local data
  data=$(postgres_dir "$LINK")
  if running; then
    echo "$LABEL: already running on 127.0.0.1:$PORT"
    return 0
  fi
  ready && die "$LABEL: another server already answers on 127.0.0.1:$PORT"
  init "$data"
  if ! as_pg "$PG_BIN/pg_ctl" start -D "$data" -w -t 60 -o "-p $PORT" -l "$data/postgres.log" >/dev/null; then
    tail -n 20 "$data/postgres.log" >&2 || true
    die "$LABEL: failed to start (log $data/postgres.log)"
  fi
  local i
  for ((i = 0; i < 60; i++)); do
    ready && break
    sleep 0.5
  done
  ready || die "$LABEL: not accepting connections on 127.0.0.1:$PORT"
  echo "$LABEL: started on 127.0.0.1:$PORT"
}

stop() {
  if ! running; then
    echo "$LABEL: not running"
    return 0
  fi
  as_pg "$PG_BIN/pg_ctl" stop -D "$(readlink -m "$LINK")" -m fast -w >/dev/null
  echo "$LABEL: stopped (port $PORT)"
}

status() {
  if running; then
    echo "$LABEL: running on 127.0.0.1:$PORT"
  else
    echo "$LABEL: stopped (port $PORT)"
    return 3
  fi
}

remove() {
  stop
  [[ -e "$LINK" ]] || return 0
  rm -rf "$(readlink -m "$LINK")"
  rm -rf "$LINK"
  echo "$LABEL: removed"
}

case "$COMMAND" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  remove) remove ;;
  *) die "unknown command $COMMAND (start, stop, status or remove)" ;;
esac
