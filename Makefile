# Two commands (see README): `make run` and `make test`. Both set everything up themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite spread over the machine's cores (pytest-xdist); PYTEST_ARGS="-n 0 tests/test_x.py" for one file.
PYTEST_ARGS ?= -n auto
# Debian packages: a TrueType CJK font and Pango for the PDFs (HarfBuzz's subsetter lets WeasyPrint
# embed the font several times faster than fontTools), chromium for the browser tests,
# poppler-utils (pdftotext) to read PDFs back in tests, wrk for the load benchmark, postgresql-client
# (pg_dump, pg_restore) for `manage.py backup` and `restore` on PostgreSQL.
APT_PACKAGES := fonts-arphic-uming libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 chromium poppler-utils wrk postgresql-client

.PHONY: run test bench bench-race bench-deadline bench-pages system-deps venv lint clean

# The web server and the background worker that renders the heavy PDFs (README, "Background
# worker"); Ctrl-C stops both (the worker finishes the render under way first).
run: system-deps venv
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py seed_demo
	@trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	DEBUG=1 $(BIN)/python manage.py render_worker & worker=$$!; \
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: system-deps venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Figures, not tests (see README, "Proof"): throughput against a trivial view; the quota race.
bench: system-deps venv
	$(BIN)/python bench/load.py $(BENCH_ARGS)

bench-race: venv
	$(BIN)/python bench/quota_race.py $(BENCH_ARGS)

# Deadline day under locust (63 and 315 users) against gunicorn on PostgreSQL: drops and recreates
# the scratch database gdsm_deadline_bench (BENCH_ARGS="--database …" for another name).
bench-deadline: system-deps venv
	$(BIN)/python bench/deadline.py $(BENCH_ARGS)

# Queries and CPU ms of the busiest pages, in-process (a throwaway SQLite file unless DATABASE_URL).
bench-pages: venv
	$(BIN)/python bench/pages.py $(BENCH_ARGS)

lint: venv
	$(BIN)/ruff check .

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# Installs what is missing with apt-get when we may (root, or sudo without a password);
# otherwise says what to install and carries on.
system-deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else \
		echo "Missing Debian packages (install them with apt-get): $$missing"; exit 0; fi; \
	echo "Installing: $$missing"; \
	$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null

clean:
	rm -rf $(VENV) staticfiles *.egg-info .pytest_cache test-artifacts
