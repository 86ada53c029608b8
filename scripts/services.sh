#!/usr/bin/env bash
# Project-local services for development and tests: a PostgreSQL 15 cluster
# and a Redis server, both listening on 127.0.0.1 only, with their data under
# .local/ in the repo.
#
# Usage: scripts/services.sh {start|stop|status|restart}
#
#   AIGO_PG_PORT     PostgreSQL port (default 54320)
#   AIGO_REDIS_PORT  Redis port      (default 63790)
#
# `status` exits 0 when every service is running, 3 otherwise.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
LOCAL_DIR="$REPO_ROOT/.local"

PG_BIN=/usr/lib/postgresql/15/bin
PG_PORT=${AIGO_PG_PORT:-54320}
PG_DB=aigo
REDIS_PORT=${AIGO_REDIS_PORT:-63790}

die() { echo "services: $*" >&2; exit 1; }
# shellcheck source=scripts/lib.sh
source "$REPO_ROOT/scripts/lib.sh"

# ---------------------------------------------------------------- PostgreSQL

# pg_write FILE: write stdin to FILE as the data dir owner.
pg_write() { as_pg tee "$1" >/dev/null; }

# pg_init DATADIR: create the cluster once, then (every time) write our
# settings, so edits to this script apply on the next start.
pg_init() {
  local data=$1
  if [[ ! -f "$data/PG_VERSION" ]]; then
    as_pg "$PG_BIN/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth=trust >"$data.initdb.log" 2>&1 ||
      { cat "$data.initdb.log" >&2; die "initdb failed for $data"; }
    rm -f "$data.initdb.log"
  fi

  # Only TCP on loopback; the unix socket is disabled below, so no "local" line.
  pg_write "$data/pg_hba.conf" <<'EOF'
# Managed by scripts/services.sh: loopback only, no passwords (local dev).
# TYPE  DATABASE     USER  ADDRESS        METHOD
host    all          all   127.0.0.1/32   trust
host    replication  all   127.0.0.1/32   trust
EOF

  pg_write "$data/aigo.conf" <<'EOF'
# Managed by scripts/services.sh (included from postgresql.conf).
listen_addresses = '127.0.0.1'
# No unix socket: its default dir may not exist or be writable here, and the
# repo may sit where the postgres user cannot create one. Connect via TCP.
unix_socket_directories = ''
max_connections = 200
shared_preload_libraries = 'pg_stat_statements'
# Logical decoding and streaming replicas need these.
wal_level = logical
max_wal_senders = 10
max_replication_slots = 10
# Local dev/test cluster: durability is not needed, speed is.
fsync = off
synchronous_commit = off
full_page_writes = off
EOF

  # The port is passed to pg_ctl (-o -p) so one config serves any cluster.
  if ! grep -q "^include_if_exists = 'aigo.conf'" "$data/postgresql.conf"; then
    printf "\ninclude_if_exists = 'aigo.conf'\n" | as_pg tee -a "$data/postgresql.conf" >/dev/null
  fi
}

pg_running() { as_pg "$PG_BIN/pg_ctl" status -D "$1" >/dev/null 2>&1; }
pg_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$1"; }

# pg_start NAME LINK PORT
pg_start() {
  local name=$1 link=$2 port=$3 data
  data=$(postgres_dir "$link")
  if pg_running "$data"; then
    log "$name: already running on 127.0.0.1:$port (data $(where "$link"))"
    return 0
  fi
  if pg_ready "$port"; then
    die "$name: another server already answers on 127.0.0.1:$port"
  fi
  pg_init "$data"
  if ! as_pg "$PG_BIN/pg_ctl" start -D "$data" -w -t 60 -o "-p $port" \
      -l "$data/postgres.log" >/dev/null; then
    tail -n 20 "$data/postgres.log" >&2 || true
    die "$name: failed to start (log $(rel "$link")/postgres.log)"
  fi
  local i
  for ((i = 0; i < 60; i++)); do
    pg_ready "$port" && break
    sleep 0.5
  done
  pg_ready "$port" || die "$name: not accepting connections on 127.0.0.1:$port"
  log "$name: started on 127.0.0.1:$port (data $(where "$link"))"
}

# pg_ensure_db PORT DBNAME
pg_ensure_db() {
  local port=$1 db=$2
  local exists
  exists=$("$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
    "select 1 from pg_database where datname='$db'")
  if [[ "$exists" != 1 ]]; then
    "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres "$db"
    log "postgres: created database $db"
  fi
}

# pg_stop NAME LINK PORT
pg_stop() {
  local name=$1 link=$2 port=$3 data
  if [[ ! -e "$link" ]]; then
    log "$name: not running (no data dir)"
    return 0
  fi
  data=$(readlink -m "$link")
  if ! pg_running "$data"; then
    log "$name: not running"
    return 0
  fi
  as_pg "$PG_BIN/pg_ctl" stop -D "$data" -m fast -w >/dev/null
  log "$name: stopped (port $port)"
}

# pg_status NAME LINK PORT; returns 0 when running.
pg_status() {
  local name=$1 link=$2 port=$3
  if [[ -e "$link" ]] && pg_running "$(readlink -m "$link")"; then
    log "$name: running on 127.0.0.1:$port (data $(where "$link"))"
  else
    log "$name: stopped (port $port)"
    return 3
  fi
}

# --------------------------------------------------------------------- Redis

redis_ping() { [[ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" == PONG ]]; }

# redis_start NAME DIR PORT [extra redis-server args...]
redis_start() {
  local name=$1 dir=$2 port=$3
  shift 3
  if redis_ping "$port"; then
    log "$name: already running on 127.0.0.1:$port"
    return 0
  fi
  mkdir -p "$dir"
  # In-memory only: a cache/broker for dev and tests, nothing to persist.
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" \
    --save '' --appendonly no \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" "$@"
  local i
  for ((i = 0; i < 50; i++)); do
    redis_ping "$port" && break
    sleep 0.2
  done
  if ! redis_ping "$port"; then
    tail -n 20 "$dir/redis.log" >&2 || true
    die "$name: failed to start (log $(rel "$dir")/redis.log)"
  fi
  log "$name: started on 127.0.0.1:$port (data $(rel "$dir"))"
}

# redis_stop NAME PORT
redis_stop() {
  local name=$1 port=$2
  if ! redis_ping "$port"; then
    log "$name: not running"
    return 0
  fi
  redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
  local i
  for ((i = 0; i < 50; i++)); do
    redis_ping "$port" || break
    sleep 0.2
  done
  redis_ping "$port" && die "$name: still answering on port $port"
  log "$name: stopped (port $port)"
}

# redis_status NAME PORT; returns 0 when running.
redis_status() {
  local name=$1 port=$2
  if redis_ping "$port"; then
    log "$name: running on 127.0.0.1:$port"
  else
    log "$name: stopped (port $port)"
    return 3
  fi
}

# ------------------------------------------------------------------ commands

do_start() {
  "$REPO_ROOT/scripts/ensure_system.sh"
  pg_start postgres "$LOCAL_DIR/pg" "$PG_PORT"
  pg_ensure_db "$PG_PORT" "$PG_DB"
  redis_start redis "$LOCAL_DIR/redis" "$REDIS_PORT"
}

do_stop() {
  pg_stop postgres "$LOCAL_DIR/pg" "$PG_PORT"
  redis_stop redis "$REDIS_PORT"
}

do_status() {
  local rc=0
  pg_status postgres "$LOCAL_DIR/pg" "$PG_PORT" || rc=3
  redis_status redis "$REDIS_PORT" || rc=3
  return "$rc"
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
