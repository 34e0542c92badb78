# Two commands for a newcomer: `make run` (demo on SQLite) and `make test` (whole suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast lint format typecheck bench messages system-packages setup migrate seed clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

system-packages:
	bash .ci/system-packages

migrate: setup
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# Serves the demo on http://$(HOST):$(PORT) with a background worker beside the web server.
run: seed
	$(PY) manage.py db_worker --interval 1 --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite. Browser tests need chromium: system-packages installs it when it can.
test: setup system-packages
	$(PY) -m pytest -n 2 --dist loadfile -p no:cacheprovider

test-fast: setup
	$(PY) -m pytest -x -q -p no:cacheprovider -m "not browser"

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m mypy ppp costing contracts revenue_share

format: setup
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

typecheck: setup
	$(PY) -m mypy ppp costing contracts revenue_share

bench: setup
	$(PY) -m bench

messages: setup
	$(PY) manage.py makemessages -l vi -l en --ignore=.venv --ignore=tests --ignore=bench
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 var
