# Shared by scripts/services.sh, pgbouncer.sh and pg_replica.sh (sourced, not run). The caller
# sets REPO_ROOT and defines die().

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
