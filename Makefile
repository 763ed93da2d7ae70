# Kneadwell store. `make run` serves the demo store; `make test` runs the whole suite (SQLite, then PostgreSQL).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 5000
export PORT
# wsgi.py runs production settings unless STORE_ENV says otherwise: the demo store is development.
export STORE_ENV ?= development
export FLASK_APP := wsgi.py
# PostgreSQL server used by the second test pass (a throwaway database is created and dropped on it).
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres

.PHONY: run worker test test-sqlite test-postgres install install-test bench bench-lighthouse migrate seed clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install -q ".[test]"
	touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --silent
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test node_modules/.installed

migrate: install
	$(VENV)/bin/flask db upgrade

seed: migrate
	$(VENV)/bin/flask seed-demo --if-empty

# The web server plus the job worker (outbox delivery, retries, scheduled jobs) on the embedded SQLite job queue
# (instance/jobs.db, no Redis). Ctrl-C stops both; if either stops on its own, the other is stopped too.
run: seed
	@echo "Serving $$($(PY) -c 'from config import Config; print(Config.STORE_NAME)') on http://127.0.0.1:$(PORT) (web server + job worker; Ctrl-C stops both)"
	@trap 'trap - INT TERM EXIT; kill -INT $$worker 2>/dev/null; kill -TERM $$web 2>/dev/null; wait' INT TERM EXIT; \
	$(VENV)/bin/flask worker & worker=$$!; \
	$(VENV)/bin/flask run --host 127.0.0.1 --port $(PORT) & web=$$!; \
	wait -n

worker: migrate
	$(VENV)/bin/flask worker

test: install-test
	bash scripts/ensure-services.sh
	$(PY) -m pytest -q -p no:cacheprovider
	STORE_TEST_DB=postgres TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) $(PY) -m pytest -q -p no:cacheprovider

test-sqlite: install-test
	$(PY) -m pytest -q $(ARGS)

test-postgres: install-test
	STORE_TEST_DB=postgres TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) $(PY) -m pytest -q $(ARGS)

# In-process page timings, then the HTTP benchmark against the floor (gunicorn; SQLite and PostgreSQL, 1k and 100k
# products, PAGE_CACHE on and off). `make bench-lighthouse` needs Lighthouse installed apart (see bench/lighthouse.py).
bench: install-test
	$(PY) bench/run.py
	$(PY) bench/pages.py $(BENCH_ARGS)

bench-lighthouse: install-test
	$(PY) bench/lighthouse.py

clean:
	rm -rf $(VENV) node_modules instance/store.db
