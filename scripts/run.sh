#!/usr/bin/env bash
# `make run`: the web server, a Celery worker and Celery beat, stopped together on Ctrl-C.
# Expects migrations to have run (the Makefile does it first).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=.venv/bin
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-aigo.settings.dev}

"$bin/python" manage.py periodic sync
"$bin/python" manage.py import_catalog --if-empty
"$bin/python" manage.py seed_demo --if-empty

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo "run: stopping web, worker and beat"
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop_all INT TERM EXIT

"$bin/celery" -A aigo worker --loglevel INFO --concurrency 2 --hostname "aigo@%h" &
pids+=($!)
"$bin/celery" -A aigo beat --loglevel INFO --pidfile .local/celerybeat.pid &
pids+=($!)
"$bin/python" manage.py runserver 127.0.0.1:8000 &
pids+=($!)

sleep 2
echo
echo "  AI-GO is running at http://127.0.0.1:8000/"
"$bin/python" manage.py ensure_admin
echo "  Press Ctrl-C to stop web, worker and beat."
echo

# Any of the three dying ends the session, so a broken worker is never silently missing.
wait -n "${pids[@]}"
