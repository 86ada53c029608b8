# The two commands: `make run` (serve the site) and `make test` (the whole suite).
# Both work on a fresh machine: they build .venv, install Debian packages that are missing
# and start project-local PostgreSQL and Redis (scripts/services.sh).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint services stop status migrate venv

$(STAMP): pyproject.toml
	scripts/venv.sh $(VENV)
	@touch $(STAMP)

venv: $(STAMP)

services:
	scripts/services.sh start

stop:
	scripts/services.sh stop

status:
	scripts/services.sh status

migrate: venv services
	$(PY) manage.py migrate --noinput

run: migrate
	scripts/run.sh

test: venv services
	$(VENV)/bin/pytest

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
