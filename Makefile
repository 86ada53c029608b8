# The two commands: `make run` (serve the site) and `make test` (the whole suite).
# Both work on a fresh machine: they build .venv, install Debian packages that are missing
# and start project-local PostgreSQL and Redis (scripts/services.sh).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint services stop status migrate venv translations

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
	$(VENV)/bin/pytest

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
