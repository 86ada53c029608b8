# Shared by scripts/services.sh, pgbouncer.sh, pg_replica.sh and timescaledb.sh (sourced, not run).
# The caller sets REPO_ROOT and defines die().

# When run as root, dirs that the postgres user cannot reach inside the repo live here instead
# (one subdir per repo path).
EXTERNAL_ROOT=/var/lib/aigo-local

log() { echo "$*"; }

is_root() { ((EUID == 0)); }

# Run a command as the user that owns the PostgreSQL and PgBouncer dirs: postgres when we are
# root (initdb, postgres and pgbouncer refuse to run as root), else ourselves. `cd /` because
# the repo may be a directory the postgres user cannot enter.
as_pg() {
  if is_root; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# Path relative to the repo root, for messages.
rel() { echo "${1#"$REPO_ROOT"/}"; }

# A dir for messages, showing where a symlinked one really lives.
where() {
  if [[ -L "$1" ]]; then echo "$(rel "$1") -> $(readlink "$1")"; else rel "$1"; fi
}

# postgres_dir LINK: print the real dir behind LINK (e.g. .local/pg), creating it mode 0700
# and owned by postgres when root; if postgres cannot reach the repo, it lives under
# $EXTERNAL_ROOT and LINK becomes a symlink to it.
postgres_dir() {
  local link=$1 real
  if [[ -L "$link" ]]; then
    real=$(readlink -m "$link")
  elif [[ -d "$link" ]]; then
    real=$(cd "$link" && pwd -P)
  else
    mkdir -p "$(dirname "$link")"
    if is_root && ! runuser -u postgres -- test -x "$(dirname "$link")" 2>/dev/null; then
      local hash
      hash=$(printf '%s' "$REPO_ROOT" | sha256sum | cut -c1-12)
      real="$EXTERNAL_ROOT/$hash/$(basename "$link")"
      ln -s "$real" "$link"
    else
      real=$link
    fi
  fi
  if [[ ! -d "$real" ]]; then
    mkdir -p "$real"
    chmod 700 "$real"  # initdb/postgres insist on 0700 (or 0750)
  fi
  if is_root; then
    [[ "$(stat -c %U "$real")" == postgres ]] || chown -R postgres:postgres "$real"
    runuser -u postgres -- test -x "$real" 2>/dev/null ||
      die "the postgres user cannot reach $real; remove $(rel "$link") and retry"
  fi
  echo "$real"
}

# ---------------------------------------------- a cluster beside the primary
# For pg_replica.sh and timescaledb.sh: the caller sets PG_BIN (the cluster's binaries), LINK (its
# data dir under .local/), PORT and LABEL, and defines `configure DATA`, which writes the data
# dir's pg_hba.conf and aigo.conf (included from postgresql.conf).

cluster_running() { [[ -e "$LINK" ]] && as_pg "$PG_BIN/pg_ctl" status -D "$(readlink -m "$LINK")" >/dev/null 2>&1; }
cluster_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; }

cluster_start() {
  if cluster_running; then
    echo "$LABEL: already running on 127.0.0.1:$PORT"
    return 0
  fi
  cluster_ready && die "$LABEL: another server already answers on 127.0.0.1:$PORT"
  local data
  data=$(postgres_dir "$LINK")
  if [[ ! -f "$data/PG_VERSION" ]]; then
    as_pg "$PG_BIN/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 --auth=trust >"$data.initdb.log" 2>&1 ||
      { cat "$data.initdb.log" >&2; die "initdb failed for $data"; }
    rm -f "$data.initdb.log"
  fi
  configure "$data"
  if ! grep -q "^include_if_exists = 'aigo.conf'" "$data/postgresql.conf"; then
    printf "\ninclude_if_exists = 'aigo.conf'\n" | as_pg tee -a "$data/postgresql.conf" >/dev/null
  fi
  if ! as_pg "$PG_BIN/pg_ctl" start -D "$data" -w -t 60 -o "-p $PORT" -l "$data/postgres.log" >/dev/null; then
    tail -n 20 "$data/postgres.log" >&2 || true
    die "$LABEL: failed to start (log $(where "$LINK")/postgres.log)"
  fi
  local i
  for ((i = 0; i < 60; i++)); do
    cluster_ready && break
    sleep 0.5
  done
  cluster_ready || die "$LABEL: not accepting connections on 127.0.0.1:$PORT"
  echo "$LABEL: started on 127.0.0.1:$PORT (data $(where "$LINK"))"
}

cluster_stop() {
  if ! cluster_running; then
    echo "$LABEL: not running"
    return 0
  fi
  as_pg "$PG_BIN/pg_ctl" stop -D "$(readlink -m "$LINK")" -m fast -w >/dev/null
  echo "$LABEL: stopped (port $PORT)"
}

cluster_status() {
  if cluster_running; then
    echo "$LABEL: running on 127.0.0.1:$PORT"
  else
    echo "$LABEL: stopped (port $PORT)"
    return 3
  fi
}

cluster_remove() {
  cluster_stop
  [[ -e "$LINK" ]] || return 0
  rm -rf "$(readlink -m "$LINK")" "$LINK"
  echo "$LABEL: removed"
}
