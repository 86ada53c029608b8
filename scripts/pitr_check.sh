#!/usr/bin/env bash
# Point-in-time recovery as docs/operations.md describes it, on a throwaway cluster: WAL archived
# with the runbook's archive_command, a pg_basebackup, then recovery to a time between two commits.
# Prints "archived N failed M" and "recovered ROWS"; removes everything it made.
#
# Usage: scripts/pitr_check.sh PORT
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
PG_BIN=/usr/lib/postgresql/15/bin
PORT=${1:?usage: $0 PORT}

die() { echo "pitr_check: $*" >&2; exit 1; }
# shellcheck source=scripts/lib.sh
source "$REPO_ROOT/scripts/lib.sh"

DIR=$(mktemp -d)
is_root && chown postgres "$DIR"
as_pg mkdir "$DIR/archive" "$DIR/restored"
as_pg chmod 700 "$DIR/restored"

cleanup() {
  for data in "$DIR/data" "$DIR/restored"; do
    as_pg "$PG_BIN/pg_ctl" status -D "$data" >/dev/null 2>&1 && as_pg "$PG_BIN/pg_ctl" stop -D "$data" -m immediate -w >/dev/null
  done
  rm -rf "$DIR"
}
trap cleanup EXIT

sql() { "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -tAc "$1"; }
start() { as_pg "$PG_BIN/pg_ctl" start -D "$1" -w -t 60 -l "$1.log" >/dev/null || { tail -n 20 "$1.log" >&2; die "start failed"; }; }

as_pg "$PG_BIN/initdb" -D "$DIR/data" -U postgres -E UTF8 --auth=trust >/dev/null
as_pg tee -a "$DIR/data/postgresql.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
port = $PORT
wal_level = logical
archive_mode = on
archive_command = 'test ! -f $DIR/archive/%f && cp %p $DIR/archive/%f'
archive_timeout = 60
EOF
echo "host replication all 127.0.0.1/32 trust" | as_pg tee -a "$DIR/data/pg_hba.conf" >/dev/null
start "$DIR/data"

sql "CREATE TABLE t (v int); INSERT INTO t VALUES (1)"
as_pg "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PORT" -U postgres -D "$DIR/base" -Ft -z -Xs
sql "INSERT INTO t VALUES (2)"
target=$(sql "SELECT clock_timestamp()")
sql "INSERT INTO t VALUES (3)"
last=$(sql "SELECT pg_walfile_name(pg_switch_wal())")
for ((i = 0; i < 100; i++)); do
  [[ -f "$DIR/archive/$last" ]] && break
  sleep 0.1
done
echo "archived $(sql "SELECT archived_count || ' failed ' || failed_count FROM pg_stat_archiver")"
as_pg "$PG_BIN/pg_ctl" stop -D "$DIR/data" -m fast -w >/dev/null

as_pg tar -xzf "$DIR/base/base.tar.gz" -C "$DIR/restored"
as_pg tar -xzf "$DIR/base/pg_wal.tar.gz" -C "$DIR/restored/pg_wal"
as_pg tee -a "$DIR/restored/postgresql.conf" >/dev/null <<EOF
archive_mode = off
restore_command = 'cp $DIR/archive/%f %p'
recovery_target_time = '$target'
recovery_target_action = 'promote'
EOF
as_pg touch "$DIR/restored/recovery.signal"
start "$DIR/restored"
for ((i = 0; i < 100; i++)); do
  [[ "$(sql "SELECT pg_is_in_recovery()")" == f ]] && break
  sleep 0.1
done
echo "recovered $(sql "SELECT string_agg(v::text, ',' ORDER BY v) FROM t")"
