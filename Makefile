# The two commands: `make run` (serve the site) and `make test` (the whole suite).
# Both work on a fresh machine: they build .venv, install Debian packages that are missing
# and start project-local PostgreSQL and Redis (scripts/services.sh).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-faults test-fuzz test-pgbouncer test-redis-cluster test-replication test-timescaledb lint services stop status migrate venv translations backup

$(STAMP): pyproject.toml
	scripts/venv.sh $(VENV)
	@touch $(STAMP)

venv: $(STAMP)

# The site's UI string catalogs: .po files are the source, .mo files are built here.
MO := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	@command -v msgfmt >/dev/null || scripts/ensure_system.sh
	msgfmt --check -o $@ $<

translations: $(MO)

services:
	scripts/services.sh start

stop:
	scripts/services.sh stop

status:
	scripts/services.sh status

migrate: venv services
	$(PY) manage.py migrate --noinput

run: migrate translations
	scripts/run.sh

test: venv services translations
	@# The browser tests drive Debian's Chromium (never a downloaded browser); CJK fonts for their screenshots.
	scripts/ensure_system.sh chromium:/usr/bin/chromium fonts-noto-cjk:/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
	@# The whole suite but the fault suite, the API fuzzing (tests/fuzz, marked fuzz) included.
	$(VENV)/bin/pytest -m "not faults"
	@# The fault suite; the same code once more behind PgBouncer (transaction pooling), on a Redis Cluster and on
	@# TimescaleDB.
	$(MAKE) --no-print-directory test-faults test-pgbouncer test-redis-cluster test-timescaledb

# The fault suite (tests/faults): gunicorn with the production settings, a Celery worker and beat, on
# a PostgreSQL cluster and a Redis server of its own, killed, restarted and flushed on purpose.
test-faults: venv services translations
	$(VENV)/bin/pytest -m faults tests/faults

# Schemathesis over every API operation, alone (`make test` runs it with the rest): a server on its own
# database with the real catalog, a key with every scope and anonymous clients (tests/fuzz).
# AIGO_FUZZ_EXAMPLES=100 AIGO_FUZZ_SEED=7 search wider or elsewhere.
test-fuzz: venv services
	$(VENV)/bin/pytest -m fuzz tests/fuzz

# The tests marked pgbouncer once more, through a project-local PgBouncer in transaction pooling mode
# (scripts/pgbouncer.sh, tests/pooling.py). PgBouncer is stopped afterwards, pass or fail.
PGBOUNCER_PORT := $(or $(AIGO_PGBOUNCER_PORT),64320)
test-pgbouncer: venv services translations
	AIGO_PGBOUNCER_PORT=$(PGBOUNCER_PORT) scripts/pgbouncer.sh start
	AIGO_TEST_PGBOUNCER_URL=postgres://aigo_app@127.0.0.1:$(PGBOUNCER_PORT) DB_DISABLE_SERVER_SIDE_CURSORS=true \
		$(VENV)/bin/pytest -m pgbouncer; rc=$$?; AIGO_PGBOUNCER_PORT=$(PGBOUNCER_PORT) scripts/pgbouncer.sh stop; exit $$rc

# The Redis-dependent tests once more, on a local 3-master Redis Cluster (scripts/redis_cluster.sh,
# aigo/redis/cluster.py). The cluster is stopped afterwards, pass or fail. The deselected test
# stops a single Redis server of its own, which a cluster client cannot talk to.
REDIS_CLUSTER_TESTS := tests/redis_cluster tests/status tests/analytics tests/news tests/accounts tests/catalog \
	tests/site tests/aigo/api tests/aigo/ops/test_health.py \
	--deselect tests/aigo/ops/test_health.py::test_readyz_reports_a_stopped_redis
test-redis-cluster: venv services translations
	scripts/redis_cluster.sh start
	REDIS_CLUSTER_URLS=$$(scripts/redis_cluster.sh urls) $(VENV)/bin/pytest $(REDIS_CLUSTER_TESTS); \
		rc=$$?; scripts/redis_cluster.sh stop; exit $$rc

# The time-series tests and the rollup bench's correctness check once more on the TimescaleDB engine,
# on a cluster of its own (scripts/timescaledb.sh: built from the source archive beside the repo
# once, cached under .local/timescaledb). The cluster is stopped afterwards, pass or fail. Without
# the archive (TIMESCALEDB_SOURCE) this is skipped.
TIMESCALEDB_PORT := $(or $(AIGO_TIMESCALEDB_PORT),54322)
TIMESCALEDB_SERVER := postgres://postgres@127.0.0.1:$(TIMESCALEDB_PORT)
TIMESCALEDB_APP_URL := postgres://aigo_app@127.0.0.1:$(TIMESCALEDB_PORT)/aigo
test-timescaledb: venv services translations
	@if ! scripts/timescaledb.sh available; then echo "test-timescaledb: skipped"; exit 0; fi; \
	export AIGO_TIMESCALEDB_PORT=$(TIMESCALEDB_PORT); \
	scripts/timescaledb.sh start && \
	DATABASE_URL=$(TIMESCALEDB_APP_URL) $(VENV)/bin/pytest tests/status tests/analytics && \
	BENCH_PG=$(TIMESCALEDB_SERVER) $(PY) bench/rollup.py --check --models 3 --regions 2 --days 2; \
	rc=$$?; scripts/timescaledb.sh stop; exit $$rc

# Logical replication to a second local PostgreSQL cluster and reads routed to it
# (tests/aigo/db/test_replication.py starts and removes that cluster itself: scripts/pg_replica.sh).
test-replication: venv services
	$(VENV)/bin/pytest tests/aigo/db/test_replication.py tests/aigo/db/test_replicas.py

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

# A backup of the database into AIGO_BACKUP_DIR (default .local/backups/): docs/operations.md.
backup: venv services
	$(PY) manage.py backup
