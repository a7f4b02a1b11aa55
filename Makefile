# Cofinancia — the README's commands. `make run` and `make test` do all the set-up.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
STAMP := $(VENV)/.installed
MO := portal/translations/es/LC_MESSAGES/messages.mo
# Static files with content-hashed names and gzip copies (portal/core/assets.py), rebuilt when
# any file under static/ changes.
ASSETS := build/static-manifest.json
PYTEST_ARGS ?=
# Two workers (the machine has two cores); each gets its own SQLite file or PostgreSQL database.
PYTEST_WORKERS ?= 2

.PHONY: run test test-browser test-cluster test-postgres lint format translations assets extract-messages seed migrate bench bench-pages clean

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(STAMP)

$(MO): portal/translations/es/LC_MESSAGES/messages.po | $(STAMP)
	$(BIN)/pybabel -q compile -d portal/translations -D messages

$(ASSETS): $(shell find static -type f) | $(STAMP)
	$(BIN)/python -m portal.core.assets static build/static

assets: $(ASSETS)

translations: $(STAMP)
	$(BIN)/pybabel -q compile -d portal/translations -D messages

## Extract messages and merge them into the catalogues (then translate the new entries).
extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F config/babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -o portal/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i portal/translations/messages.pot -d portal/translations -D messages --no-fuzzy-matching

migrate: $(STAMP) $(MO)
	$(BIN)/flask --app wsgi db upgrade

seed: migrate
	$(BIN)/flask --app wsgi seed

## Serve the portal on the embedded defaults (SQLite under instance/, local storage).
run: seed $(ASSETS)
	@echo "Cofinancia on http://127.0.0.1:$(PORT)  (demo accounts: see README.md)"
	$(BIN)/flask --app wsgi run --host 127.0.0.1 --port $(PORT)

## The whole suite (SQLite by default; TEST_DATABASE_URL=postgresql+psycopg://... for PostgreSQL).
## A full run also fails if any route was never checked by an access-matrix test.
test: $(STAMP) $(MO) $(ASSETS)
	cd tests && HYPOTHESIS_STORAGE_DIRECTORY=../test-artifacts/hypothesis ROUTE_COVERAGE=$(if $(PYTEST_ARGS),report,enforce) \
		../$(BIN)/python -m pytest -m "not browser" -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

## Browser walk-throughs in headless Chromium (Debian's package) driven by Playwright.
test-browser: $(STAMP) $(MO) $(ASSETS)
	@command -v chromium >/dev/null || { echo "chromium is missing: apt-get install chromium"; exit 1; }
	cd tests && ../$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

## Two web instances behind HAProxy, an RQ worker and the scheduler on a scratch PostgreSQL
## database, Redis (CLUSTER_REDIS_URL, default db 14) and moto's S3; checks through the proxy.
test-cluster: $(STAMP) $(MO) $(ASSETS)
	@command -v haproxy >/dev/null || { echo "haproxy is missing: apt-get install haproxy"; exit 1; }
	$(BIN)/python -m cluster

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP) $(MO)
	$(BIN)/python -m bench

# Every page next to a hello world at issue 18's scale (PostgreSQL on 127.0.0.1:5432; ~8 min).
bench-pages: $(STAMP) $(MO) assets
	$(BIN)/python -m bench pages $(ARGS)

clean:
	rm -rf instance/cofinancia.sqlite3* $(MO) build/
