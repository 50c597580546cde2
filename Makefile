# The two commands a newcomer needs: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.9.30
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test install browser lint types test-sandbox test-province test-e2e test-postgres lock bench clean staging backup-test

run: install
	$(PY) bin/run.py

test: install browser lint types test-sandbox test-province test-postgres test-e2e

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(VENV)/bin/uv pip sync --quiet --python $(PY) requirements.lock
	@touch $@

# Debian's Chromium for the browser tests (Playwright's own download does not work here).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	fi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: install
	$(VENV)/bin/mypy --config-file mypy-sandbox.ini envconf sandbox bin bench
	$(VENV)/bin/mypy province

test-sandbox: install
	$(VENV)/bin/pytest tests/sandbox --ds=sandbox.settings.test -p no:cacheprovider

test-province: install
	$(VENV)/bin/pytest tests/province --ds=province.settings.test -p no:cacheprovider

# The same suites against PostgreSQL and Redis, when they answer (CI has them).
test-postgres: install
	@if $(PY) bin/services_up.py "$(PG_URL)" "$(REDIS_TEST_URL)"; then \
	  echo "PostgreSQL and Redis answer: running the suites against them"; \
	  SANDBOX_DATABASE_URL="$(PG_URL)" SANDBOX_REDIS_URL="$(REDIS_TEST_URL)" $(VENV)/bin/pytest tests/sandbox --ds=sandbox.settings.test -p no:cacheprovider && \
	  DATABASE_URL="$(PG_URL)" REDIS_URL="$(REDIS_TEST_URL)" $(VENV)/bin/pytest tests/province --ds=province.settings.test -p no:cacheprovider; \
	else echo "PostgreSQL/Redis not reachable: skipping the PostgreSQL/Redis run"; fi

test-e2e: install browser
	$(VENV)/bin/pytest tests/e2e -p no:django -p no:cacheprovider

lock:
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements.lock

bench: install
	$(PY) bench/run_all.py

# The production mode on one machine: PostgreSQL, Redis, nginx (TLS) over several gunicorn
# instances, Celery worker and beat, the sandbox (docs/deployment.md). Needs Debian's nginx.
staging: install
	@command -v nginx >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nginx >/dev/null; }
	$(PY) bin/staging.py

# Back up the staging database and files, restore into a scratch database, verify (docs/operations.md).
backup-test:
	deploy/backup_test.sh

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
