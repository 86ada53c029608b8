#!/usr/bin/env bash
# Make sure the Debian packages the project needs are installed.
#
# Usage: scripts/ensure_system.sh [package[:probe] ...]
#
# Each entry is "package:probe". The probe is an absolute path (checked with
# test -e) or a command name (checked with command -v). An extra argument
# without ":probe" uses the package name as the command to look for, e.g.
# `scripts/ensure_system.sh chromium` checks `command -v chromium`.
#
# Fast path: when every probe succeeds, no apt command is run at all.
set -euo pipefail

# The project's baseline. Add more here (e.g. "pgbouncer:pgbouncer").
PACKAGES=(
  "postgresql-15:/usr/lib/postgresql/15/bin/postgres"
  "postgresql-15-postgis-3:/usr/share/postgresql/15/extension/postgis.control"
  "redis-server:redis-server"
  "redis-tools:redis-cli"  # a dependency of redis-server; listed so a lost redis-cli is noticed
  "gettext:msgfmt"  # compiles the site's translation catalogs (locale/*.po) at build time
)

for arg in "$@"; do
  if [[ "$arg" == *:* ]]; then
    PACKAGES+=("$arg")
  else
    PACKAGES+=("$arg:$arg")
  fi
done

present() {
  local probe=$1
  if [[ "$probe" == /* ]]; then
    [[ -e "$probe" ]]
  else
    command -v "$probe" >/dev/null 2>&1
  fi
}

missing=()
for entry in "${PACKAGES[@]}"; do
  pkg=${entry%%:*}
  probe=${entry#*:}
  if ! present "$probe"; then
    # Skip duplicates (e.g. the same package given twice).
    [[ " ${missing[*]-} " == *" $pkg "* ]] || missing+=("$pkg")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

if ((EUID != 0)); then
  echo "ensure_system: missing packages: ${missing[*]}" >&2
  echo "ensure_system: install them with:" >&2
  echo "  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "ensure_system: installing ${missing[*]} (this can take a minute or two)"
start=$SECONDS
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"

# Fail loudly if a package did not provide what we probe for.
for entry in "${PACKAGES[@]}"; do
  probe=${entry#*:}
  if ! present "$probe"; then
    echo "ensure_system: '$probe' still missing after installing ${entry%%:*}" >&2
    exit 1
  fi
done
echo "ensure_system: installed ${missing[*]} in $((SECONDS - start))s"
