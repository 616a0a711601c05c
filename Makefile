# Mentoring Hub. `make run` to try it, `make test` to test it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/mentoring_hub
REDIS_TEST_URL ?= redis://127.0.0.1:6379/0
TEST_ENV := DJANGO_SETTINGS_MODULE=mentoring_hub.settings_test
PYTEST := $(TEST_ENV) $(VENV)/bin/pytest -n 2 -m "not e2e"

.PHONY: run serve test test-sqlite test-postgres test-e2e chromium lint format bench bench-load bench-soak bench-faults clean

# Installs happen only when a requirements file changed (the stamp is older).
$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

var:
	mkdir -p var/static var/media

## run: install, migrate, load the launch schedule and demo content, serve http://127.0.0.1:$(PORT) (SQLite, DEBUG on)
# Tasks (email) run inside the web process, so one process is all a newcomer needs.
RUN_ENV := DEBUG=1 TASKS_BACKEND=immediate
run: $(VENV)/.installed | var
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py load_schedule --demo
	$(RUN_ENV) $(PY) manage.py load_demo
	$(RUN_ENV) $(PY) manage.py load_demo_mentors
	$(RUN_ENV) $(PY) manage.py load_demo_mentoring
	@$(RUN_ENV) $(PY) manage.py feed_url demo@example.org | sed 's/^/demo member calendar feed: /'
	$(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

## serve: production-like: gunicorn with 2 workers, WhiteNoise, DEBUG off (export SECRET_KEY, ALLOWED_HOSTS)
serve: $(VENV)/.installed | var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/gunicorn -c gunicorn.conf.py mentoring_hub.wsgi

## test: the whole suite on SQLite and, when it answers, PostgreSQL (with Redis); then the browser journeys
test: test-sqlite test-postgres test-e2e

test-sqlite: $(VENV)/.installed-dev
	env -u DATABASE_URL -u REDIS_URL $(PYTEST)

# On CI PostgreSQL must answer (.ci/run starts it); elsewhere it is skipped with a note.
test-postgres: $(VENV)/.installed-dev
	@if $(PY) bench/services.py postgres "$(PG_URL)"; then \
		redis=""; \
		if $(PY) bench/services.py redis "$(REDIS_TEST_URL)"; then redis="$(REDIS_TEST_URL)"; fi; \
		echo "== PostgreSQL run ($(PG_URL)) with REDIS_URL=$${redis:-unset}"; \
		DATABASE_URL="$(PG_URL)" REDIS_URL="$$redis" $(PYTEST); \
	elif [ -n "$$CI" ]; then \
		echo "PostgreSQL does not answer at $(PG_URL), and CI needs it."; exit 1; \
	else \
		echo "PostgreSQL does not answer at $(PG_URL): skipping the PostgreSQL run."; \
	fi

# Browser journeys (tests/e2e), once, after the rest: on PostgreSQL when it answers.
# Playwright drives Debian's chromium, installed here when missing; never a download.
test-e2e: $(VENV)/.installed-dev chromium
	@unset REDIS_URL DATABASE_URL; \
		if $(PY) bench/services.py postgres "$(PG_URL)"; then export DATABASE_URL="$(PG_URL)"; fi; \
		echo "== Browser journeys on $${DATABASE_URL:-SQLite}"; \
		$(TEST_ENV) $(VENV)/bin/pytest -m e2e tests/e2e

chromium:
	@command -v chromium >/dev/null || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get install -y -qq chromium >/dev/null 2>&1 || \
		{ apt-get update -qq && apt-get install -y -qq chromium; }; }

## lint: ruff check, ruff format --check, migrations in step with models
lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	mkdir -p var
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## bench: pages against a trivial view, gunicorn (2 workers) on PostgreSQL and Redis, wrk
bench: $(VENV)/.installed-dev
	$(PY) bench/run.py $(BENCH_ARGS)

## bench-load: a busy campaign day: every page and registration POSTs beside the trivial view
bench-load: $(VENV)/.installed-dev
	$(PY) bench/load.py load $(BENCH_ARGS)

## bench-soak: ten minutes at a fixed rate; fails if a request fails or worker memory grows
bench-soak: $(VENV)/.installed-dev
	$(PY) bench/load.py soak $(BENCH_ARGS)

## bench-faults: the fault drill: Redis stopped and paused, PostgreSQL restarted, mail down, a worker killed
bench-faults: $(VENV)/.installed-dev
	$(PY) bench/faults.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var/static
