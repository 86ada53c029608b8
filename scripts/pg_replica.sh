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

configure() {
  local data=$1
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
}

case "$COMMAND" in
  start) cluster_start ;;
  stop) cluster_stop ;;
  status) cluster_status ;;
  remove) cluster_remove ;;
  *) die "unknown command $COMMAND (start, stop, status or remove)" ;;
esac
