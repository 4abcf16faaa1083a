# Two commands set everything up on a fresh machine: `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
DEV_ENV := DJANGO_DEBUG=1
# Tests run with production settings (debug off) over plain HTTP.
TEST_ENV := DJANGO_SECRET_KEY=test-only-secret-key DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_ALLOWED_HOSTS=testserver,localhost,127.0.0.1
PYTEST_ARGS ?=
PORT ?= 8000

.PHONY: install lock audit run test lint lint-js typecheck migrations-check pytest test-browser bench bench-proxy soak load outage clean

install: $(VENV)/.installed

# The exact, hash-checked versions in requirements-dev.lock, then the project itself (its code, no dependencies).
$(VENV)/.installed: pyproject.toml requirements-dev.lock
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip setuptools
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements-dev.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

# After changing dependencies in pyproject.toml: write both lock files again (pip-tools, hashes included).
lock: install
	$(PY) -m piptools compile --quiet --generate-hashes --strip-extras --allow-unsafe -o requirements.lock pyproject.toml
	$(PY) -m piptools compile --quiet --generate-hashes --strip-extras --allow-unsafe --extra dev -o requirements-dev.lock pyproject.toml

# Known vulnerabilities in the locked versions (pip-audit); says plainly when its data cannot be reached.
audit: install
	$(PY) scripts/audit_lock.py requirements.lock

run: install
	$(DEV_ENV) $(PY) manage.py migrate --no-input
	$(DEV_ENV) $(PY) manage.py load_content
	@# The background worker (email, scheduled jobs) runs beside the server and stops with it.
	$(DEV_ENV) $(PY) manage.py worker & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install lint typecheck migrations-check pytest

lint: install lint-js
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

# ESLint (from npm, versions pinned in package-lock.json) over the browser scripts in static/js.
lint-js: node_modules/.installed
	npx --no-install eslint static/js

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

typecheck: install
	$(TEST_ENV) $(VENV)/bin/mypy .

migrations-check: install
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

pytest: install
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

test-browser: install
	$(TEST_ENV) $(PY) -m pytest -m browser tests/browser $(PYTEST_ARGS)

bench: install
	$(PY) -m bench.run

# Mixed reader load at 256 connections for SOAK_SECONDS (600): 0 errors and under 10% worker memory growth.
soak: install
	$(PY) -m bench.soak

# nginx (deploy/nginx.conf) in front of gunicorn as shipped, against nginx serving a same-size static file.
bench-proxy: install
	$(PY) -m bench.proxy

# Mixed load with wrk on a throwaway PostgreSQL (LOAD_SECONDS=10 for a quick run); see bench/load.py.
load: install
	$(PY) -m bench.load

# The same load with PostgreSQL stopped for OUTAGE_SECONDS (20) in the middle, then with Redis stopped.
outage: install
	$(PY) -m bench.load --outage
	$(PY) -m bench.load --redis-outage

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 .pytest_cache .mypy_cache .ruff_cache
