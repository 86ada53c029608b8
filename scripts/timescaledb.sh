#!/usr/bin/env bash
# A project-local PostgreSQL 15 cluster with TimescaleDB, for `make test-timescaledb`: the same
# migrations then take the TimescaleDB engine (hypertables, continuous aggregates, policies).
# No registry reachable here ships TimescaleDB, so it is built from its source archive, once,
# into a copy of the system PostgreSQL tree under .local/timescaledb/ (PostgreSQL is
# relocatable: the copied postgres finds the extension beside itself). The system PostgreSQL
# is never written to. Data lives under .local/pg-timescaledb/, like the primary's under .local/pg/.
#
# Usage: scripts/timescaledb.sh {available|build|start|stop|status|remove}
#
#   TIMESCALEDB_SOURCE       the source archive (default ../shared/vendor/timescaledb-2.28.3.tar.gz,
#                            beside the repo)
#   AIGO_TIMESCALEDB_PORT    the cluster's port (default 54322)
#
# `available` exits 0 when the source archive is there, 3 otherwise. `start` builds first when
# needed. `status` exits 0 when the cluster is running, 3 otherwise. `remove` stops the cluster
# and deletes its data (the build stays cached).
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
SOURCE=${TIMESCALEDB_SOURCE:-$REPO_ROOT/../shared/vendor/timescaledb-2.28.3.tar.gz}
PORT=${AIGO_TIMESCALEDB_PORT:-54322}
SYSTEM_PG=/usr/lib/postgresql/15
CACHE="$REPO_ROOT/.local/timescaledb"
PREFIX="$CACHE/root"
PG_BIN="$PREFIX$SYSTEM_PG/bin"
LINK="$REPO_ROOT/.local/pg-timescaledb"
LABEL=timescaledb

die() { echo "timescaledb: $*" >&2; exit 1; }
# shellcheck source=scripts/lib.sh
source "$REPO_ROOT/scripts/lib.sh"

[[ "$PORT" =~ ^[0-9]+$ ]] || die "AIGO_TIMESCALEDB_PORT must be a number"

available() { [[ -f "$SOURCE" ]]; }

# What the cached build was made from: rebuilt when the archive or the system PostgreSQL changes.
fingerprint() {
  printf '%s %s\n' "$(sha256sum <"$SOURCE" | cut -c1-64)" "$("$SYSTEM_PG/bin/pg_config" --version)"
}

# The build needs the server headers. The dev package is pinned to the installed server's
# version: the newest one would upgrade postgresql-15 too, and every cluster still running the
# old binaries then fails on each new connection that loads plpgsql ("undefined symbol").
ensure_build_tools() {
  "$REPO_ROOT/scripts/ensure_system.sh"
  local version
  version=$(dpkg-query -W -f='${Version}' postgresql-15)
  "$REPO_ROOT/scripts/ensure_system.sh" \
    "postgresql-server-dev-15=$version:/usr/include/postgresql/15/server/postgres.h" \
    cmake libssl-dev:/usr/include/openssl/ssl.h build-essential:gcc ||
    die "could not install postgresql-server-dev-15 $version (the version of the installed server);" \
      "install postgresql-server-dev-15, restart every running PostgreSQL cluster (make stop services)" \
      "and run this again"
}

build() {
  available || die "no source archive at $SOURCE (set TIMESCALEDB_SOURCE)"
  if [[ -f "$CACHE/built" && "$(cat "$CACHE/built")" == "$(fingerprint)" ]]; then
    return 0
  fi
  ensure_build_tools
  # A cluster still running from the old build would lose its binaries under it.
  if cluster_running; then cluster_stop; fi
  local started=$SECONDS work="$CACHE/work"
  echo "$LABEL: building $(basename "$SOURCE") (about a minute on two cores)"
  rm -rf "$work" "$PREFIX" "$CACHE/built"
  mkdir -p "$work" "$PREFIX/usr/lib/postgresql" "$PREFIX/usr/share/postgresql"
  tar -xzf "$SOURCE" -C "$work"
  cp -a "$SYSTEM_PG" "$PREFIX/usr/lib/postgresql/"
  cp -a /usr/share/postgresql/15 "$PREFIX/usr/share/postgresql/"
  (
    cd "$work"
    ./bootstrap -DREGRESS_CHECKS=OFF -DTAP_CHECKS=OFF -DWARNINGS_AS_ERRORS=OFF -DLINTER=OFF \
      -DPG_CONFIG="$SYSTEM_PG/bin/pg_config" >"$CACHE/build.log" 2>&1 &&
      make -C build -j"$(nproc)" >>"$CACHE/build.log" 2>&1 &&
      make -C build install DESTDIR="$PREFIX" >>"$CACHE/build.log" 2>&1
  ) || { tail -n 30 "$CACHE/build.log" >&2; die "build failed (log $(rel "$CACHE")/build.log)"; }
  rm -rf "$work"
  # The postgres user runs the copied binaries when we are root.
  chmod -R a+rX "$CACHE"
  fingerprint >"$CACHE/built"
  echo "$LABEL: built in $((SECONDS - started))s into $(rel "$PREFIX")"
}

configure() {
  local data=$1
  as_pg tee "$data/pg_hba.conf" >/dev/null <<'EOF'
# Managed by scripts/timescaledb.sh: loopback only, no passwords (local dev).
host    all          all   127.0.0.1/32   trust
host    replication  all   127.0.0.1/32   trust
EOF
  as_pg tee "$data/aigo.conf" >/dev/null <<'EOF'
# Managed by scripts/timescaledb.sh (included from postgresql.conf).
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 200
shared_preload_libraries = 'timescaledb,pg_stat_statements'
timescaledb.telemetry_level = off
# No scheduled jobs: the tests and bench/rollup.py --check run the policies' jobs themselves
# (run_job, refresh_continuous_aggregate), and a scheduled run at the same moment would make
# theirs fail ("due to a concurrent refresh").
timescaledb.max_background_workers = 0
wal_level = logical
max_wal_senders = 10
max_replication_slots = 10
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
}

start() {
  build
  cluster_start
  # The project's database, as on the primary, for manage.py with DATABASE_URL pointing here.
  if [[ "$("$PG_BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'aigo'")" != 1 ]]; then
    "$PG_BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres aigo
  fi
}

case "${1:-}" in
  available) available || { echo "$LABEL: no source archive at $SOURCE" >&2; exit 3; } ;;
  build) build ;;
  start) start ;;
  stop) cluster_stop ;;
  status) cluster_status ;;
  remove) cluster_remove ;;
  *)
    echo "usage: $0 {available|build|start|stop|status|remove}" >&2
    exit 2
    ;;
esac
