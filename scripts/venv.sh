#!/usr/bin/env bash
# Creates the virtualenv (installing Debian's python3-venv if this Python lacks it) and
# installs the project with its dev extra. Re-running only updates what changed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
venv=${1:-.venv}
python=${PYTHON:-python3}

if ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
  scripts/ensure_system.sh python3-venv:/usr/lib/python3/dist-packages/ensurepip
fi
[[ -x "$venv/bin/python" ]] || "$python" -m venv "$venv"
echo "venv: installing the project into $venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[dev]'
