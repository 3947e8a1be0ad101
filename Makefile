# One target per habit. `make run` and `make test` are all a fresh machine needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.PHONY: install services services-stop run test check lint format migrate seed messages compilemessages worker \
	worker-notifications worker-batch beat bench bench-smoke load demo clean
# Catalogue commands never connect to the database, but the settings require a URL.
NO_DB := DATABASE_URL=$${DATABASE_URL:-postgres://catalogues-only@127.0.0.1/unused}

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

compilemessages: $(STAMP)
	$(NO_DB) $(PY) manage.py compilemessages --ignore=.venv -v0

# The embedded PostgreSQL and Valkey (var/), unless DATABASE_URL or REDIS_URL is set. Idempotent.
services: $(STAMP)
	@if [ -z "$$DATABASE_URL$$REDIS_URL" ]; then $(PY) -m mttq_portal.embedded start >/dev/null; fi

services-stop: $(STAMP)
	$(PY) -m mttq_portal.embedded stop

migrate: services
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_reference_data

# The portal as in production: embedded PostgreSQL + Valkey (unless DATABASE_URL / REDIS_URL are set), then
# migrate, seed, first administrator, catalogues, and web + Celery worker + Celery beat (Procfile) under
# honcho in the foreground. Ctrl-C stops the processes and the embedded servers this started.
run: $(STAMP)
	$(PY) -m mttq_portal.embedded run

# With DATABASE_URL / REDIS_URL (CI): those servers. Without: the test settings start a throw-away embedded
# PostgreSQL and Valkey for the run.
test: compilemessages
	DJANGO_SETTINGS_MODULE=mttq_portal.settings.test $(VENV)/bin/pytest $(PYTEST_ARGS)

# ruff (with the DTZ, PT, T20 and C901 rule sets), the formatter, the template linter, the strict type check of
# the services and selectors (pyproject.toml [tool.mypy], docs/adr/0154) and the migrations.
check: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --lint
	$(NO_DB) DJANGO_SETTINGS_MODULE=mttq_portal.settings.test $(VENV)/bin/mypy
	$(NO_DB) DJANGO_SETTINGS_MODULE=mttq_portal.settings.test $(PY) manage.py makemigrations --check --dry-run

lint: check

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Update the catalogues after changing user-facing strings, then translate the new vi entries.
messages: $(STAMP)
	$(NO_DB) $(PY) manage.py makemessages -l vi -l en --no-location --ignore=.venv --ignore=staticfiles --ignore=bench
	for po in locale/en/LC_MESSAGES/*.po; do msgen "$$po" -o "$$po"; done

# One worker for every queue; in production run workers per queue (docker-compose.yml, docs/adr/0164).
CELERY_QUEUES ?= celery,notifications,chase,reports
worker: services
	$(VENV)/bin/celery -A mttq_portal worker --loglevel=INFO -Q $(CELERY_QUEUES)

worker-notifications: services
	$(VENV)/bin/celery -A mttq_portal worker --loglevel=INFO -Q celery,notifications -n notifications@%h

worker-batch: services
	$(VENV)/bin/celery -A mttq_portal worker --loglevel=INFO -Q chase,reports -n batch@%h

beat: services
	$(VENV)/bin/celery -A mttq_portal beat --loglevel=INFO

# Demo data in the stack of `make run` (or of DATABASE_URL): DEMO_ITEMS=1000000 takes a few minutes.
DEMO_ITEMS ?= 100000
demo: seed
	$(PY) manage.py generate_demo_data --items $(DEMO_ITEMS) --seed 1

# Every benchmark at full size; with BENCH_SMOKE=1 (what `make bench-smoke` and CI run), tiny sizes, seconds each.
bench: $(STAMP)
	@for script in bench/*.py; do echo "== $$script"; DJANGO_SETTINGS_MODULE=mttq_portal.settings.test $(PY) $$script || exit 1; done
	@echo "== bench/load/run.py"; $(PY) bench/load/run.py

bench-smoke:
	BENCH_SMOKE=1 $(MAKE) bench

# The mixed load test (Locust against gunicorn + worker + beat, 3 minutes); writes bench/load/REPORT.md.
load: services
	$(PY) bench/load/run.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
