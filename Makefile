# Two entry points for a fresh machine: `make run` and `make test`. `make check` is the fast
# inner loop: lint, types and every test that needs no browser, on SQLite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
CATALOG ?= catalog/catalog.yaml
# Lighthouse's site runs on a SQLite file of its own whatever DATABASE_URL says: LIGHTHOUSE=0
# leaves it out of a second pass that would measure the same thing (CI's PostgreSQL pass).
LIGHTHOUSE ?= 1

.PHONY: run test check install install-dev migrate catalog lint bench vendor clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --noinput

# Loads the catalog file over the database: admin edits to what the file lists are overwritten.
catalog: migrate
	$(PY) manage.py load_catalog $(CATALOG)

# Loads the catalog into an empty database only, so that admin edits survive a restart.
run: migrate
	$(PY) manage.py load_catalog --if-empty $(CATALOG)
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Tests run in two processes (pytest-xdist), one per core; Lighthouse runs alone afterwards,
# so that its timings are not shared with another test (exit status 5: nothing selected).
test: install-dev
	scripts/ensure-test-tools
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) -m pytest -n 2 -m "not lighthouse" $(PYTEST_ARGS)
	if [ "$(LIGHTHOUSE)" != 0 ]; then $(PY) -m pytest -m lighthouse $(PYTEST_ARGS) || [ $$? -eq 5 ]; fi

check: lint
	scripts/ensure-test-tools
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) -m pytest -n 2 -q -m "not browser" $(PYTEST_ARGS)

lint: install-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy .

bench: install-dev
	scripts/ensure-bench-tools
	DJANGO_SETTINGS_MODULE=benchmarks.settings $(PY) manage.py bench $(BENCH_ARGS)

# Refresh the vendored htmx from the locked npm package.
vendor:
	npm ci --no-audit --no-fund --loglevel=error
	cp node_modules/htmx.org/dist/htmx.min.js static/js/htmx.min.js

clean:
	rm -rf $(VENV) staticfiles
