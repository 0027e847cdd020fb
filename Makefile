# quizapp: the README's commands. `make run` to try it, `make test` to check it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app quizapp
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432
PYTEST_ARGS ?=

.PHONY: run install test test-pg lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

## Create .venv, install, migrate instance/quizapp.sqlite, load the curated bank, store its HTML, serve on :5000.
run: install
	$(FLASK) db upgrade
	$(FLASK) bank load
	$(FLASK) bank rerender
	@echo
	@echo "  quizapp is starting on http://127.0.0.1:5000"
	@echo "  The first account you sign up is offered the admin role. Or make one from a shell:"
	@echo "    $(FLASK) users create --email you@example.org --role admin"
	@echo
	$(FLASK) run --host 127.0.0.1 --port 5000

## The whole suite on SQLite (browser tests included when Chromium is installed).
test: install
	$(BIN)/python -m pytest -q --durations=15 $(PYTEST_ARGS)

## The suite on PostgreSQL at 127.0.0.1:5432, in a database made for the run and dropped after.
test-pg: install
	@db=quizapp_test_$$$$_$$(date +%s); \
	$(BIN)/python -c "import sqlalchemy as sa; e = sa.create_engine('$(PG_URL)/postgres', isolation_level='AUTOCOMMIT'); e.connect().exec_driver_sql('CREATE DATABASE $$db')" || exit 1; \
	TEST_DATABASE_URL=$(PG_URL)/$$db $(BIN)/python -m pytest -q --durations=15 --ignore=tests/e2e $(PYTEST_ARGS); status=$$?; \
	$(BIN)/python -c "import sqlalchemy as sa; e = sa.create_engine('$(PG_URL)/postgres', isolation_level='AUTOCOMMIT'); e.connect().exec_driver_sql('DROP DATABASE IF EXISTS $$db WITH (FORCE)')"; \
	exit $$status

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -r quizapp --severity-level high
	$(BIN)/lint-imports

## Each hot page in process against a one-SELECT route, throughput and latency under gunicorn (2 workers)
## with wrk, then the home page while sign-in and
## sign-up are hammered (bench/hashing.py); never part of `make test`.
bench: install
	@command -v wrk >/dev/null || (apt-get install -y -qq wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk))
	$(BIN)/python bench/inprocess.py
	$(BIN)/python bench/run.py
	$(BIN)/python bench/hashing.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
