# Partnering — the two commands of the README are `make run` and `make test`.
# Both build on `make install`, which creates .venv with runtime and dev dependencies.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test bench lint format check-compose clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

## Run the application: services, database, migrations, demo data, gunicorn + Celery worker.
run: install
	@scripts/run.sh

## Run every check and the whole test suite (unit, integration with a real worker, browser).
test: install
	@scripts/test.sh

## Serve the app with gunicorn on loopback and print latency and queries per request.
bench: install
	@scripts/prepare_db.sh
	$(PY) bench/bench_home.py
	$(PY) bench/bench_partnering.py
	@scripts/bench_dashboards.sh
	@scripts/bench_projects.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) var artifacts .mypy_cache .ruff_cache
