# One target per habit. `make run` and `make test` are all a fresh machine needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.PHONY: run test check lint format migrate seed messages compilemessages worker beat bench demo clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

compilemessages: $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv -v0

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_reference_data

# The embedded default: SQLite, tasks run inline, no services needed.
run: compilemessages seed
	$(PY) manage.py ensure_admin
	$(PY) manage.py runserver 127.0.0.1:8000

# The test suite runs on PostgreSQL and Redis (DATABASE_URL / REDIS_URL override the local defaults).
test: compilemessages
	DJANGO_SETTINGS_MODULE=mttq_portal.settings.test $(VENV)/bin/pytest $(PYTEST_ARGS)

# ruff (with the DTZ, PT, T20 and C901 rule sets), the formatter, the template linter, the type check of the
# services and selectors (pyproject.toml [tool.mypy]) and the migrations.
check: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --lint
	DJANGO_SETTINGS_MODULE=mttq_portal.settings.test $(VENV)/bin/mypy
	DJANGO_SETTINGS_MODULE=mttq_portal.settings.test $(PY) manage.py makemigrations --check --dry-run

lint: check

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Update the catalogues after changing user-facing strings, then translate the new vi entries.
messages: $(STAMP)
	$(PY) manage.py makemessages -l vi -l en --no-location --ignore=.venv --ignore=staticfiles --ignore=bench
	for po in locale/en/LC_MESSAGES/*.po; do msgen "$$po" -o "$$po"; done

worker: $(STAMP)
	$(VENV)/bin/celery -A mttq_portal worker --loglevel=INFO

beat: $(STAMP)
	$(VENV)/bin/celery -A mttq_portal beat --loglevel=INFO

demo: seed
	$(PY) manage.py generate_demo_data --items 2000 --seed 1

bench: $(STAMP)
	@for script in bench/*.py; do echo "== $$script"; DJANGO_SETTINGS_MODULE=mttq_portal.settings.test $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
