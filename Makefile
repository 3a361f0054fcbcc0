# faxeif: a Wagtail site. `make help` lists the targets.
#
# Settings: HOST, PORT, WORKERS, PUBLISH_SCHEDULED_EVERY (make run; seconds, default 60);
# PYTEST_ARGS (make test); DATABASE_URL (make run uses SQLite at var/faxeif.sqlite3 unless it is
# set). Each can come from the environment or the command line: `make run PORT=8080`,
# `make test PYTEST_ARGS="-k contact -x"`.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
MANAGE := $(PY) manage.py
PYTEST := $(PY) -m pytest

HOST        ?= 127.0.0.1
PORT        ?= 8000
WORKERS     ?= 3
PYTEST_ARGS ?=
# faxeif.settings.dev reads HOST and PORT too (ALLOWED_HOSTS, the admin's base URL).
export HOST PORT

DEV_SETTINGS  := faxeif.settings.dev
TEST_SETTINGS := faxeif.settings.test

.PHONY: help venv run lint test fmt clean bench soak lighthouse stack test-stack provider

help: ## List the targets
	@echo "Targets:"
	@grep -E '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'
	@echo "Variables: HOST=$(HOST) PORT=$(PORT) WORKERS=$(WORKERS) PYTEST_ARGS=$(PYTEST_ARGS)"
	@echo "           DATABASE_URL (unset: SQLite at var/faxeif.sqlite3)"

# The virtualenv, (re)installed whenever a requirements file is newer than the stamp.
$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || { echo "Creating $(VENV)"; python3 -m venv $(VENV); }
	@echo "Installing requirements-dev.txt into $(VENV)"
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-input -r requirements-dev.txt
	@touch $@

venv: $(STAMP) ## Create .venv and install the requirements (only when they changed)

run: export DJANGO_SETTINGS_MODULE := $(DEV_SETTINGS)
# No front server here: gunicorn reads whole requests before the site sees them (slow clients
# cannot hold a worker), and publishes scheduled pages itself (gunicorn.conf.py).
run: export NO_FRONT_SERVER := 1
run: export PUBLISH_SCHEDULED_EVERY ?= 60
run: export RUN_TASK_WORKER ?= 1
run: $(STAMP) ## Migrate, seed, ensure an admin, collect static files, serve with gunicorn
	@mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_content
	$(MANAGE) ensure_admin
	$(MANAGE) collectstatic --noinput --verbosity 0
	@echo ""
	@echo "  Site:  http://$(HOST):$(PORT)/"
	@echo "  Admin: http://$(HOST):$(PORT)/admin/"
	@echo ""
	exec $(VENV)/bin/gunicorn -c gunicorn.conf.py --workers $(WORKERS) --access-logfile -

lint: export DJANGO_SETTINGS_MODULE := $(TEST_SETTINGS)
lint: $(STAMP) ## ruff, djhtml, Django system checks, no missing migrations
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djhtml --check templates
	@mkdir -p var
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

# scripts/test_passes.sh runs the passes side by side and prints their output one after another.
test: export DJANGO_SETTINGS_MODULE := $(TEST_SETTINGS)
test: export PYTEST := $(PYTEST)
test: export PYTEST_ARGS := $(PYTEST_ARGS)
test: lint ## lint, then pytest on SQLite and on a throwaway PostgreSQL, side by side
	@bash scripts/test_passes.sh

fmt: $(STAMP) ## Fix what ruff can, format Python (ruff) and templates (djhtml)
	-$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djhtml templates

# PostgreSQL when installed (a throwaway server, as in make test), else a temporary SQLite file.
# Needs wrk, nginx and Varnish (Debian: apt-get install wrk nginx-light varnish varnish-modules).
# Takes about 5 minutes.
bench: $(STAMP) ## Benchmark the production setup: throughput, latency, memory, targets
	bash scripts/bench/run.sh

# A throwaway PostgreSQL (required) and wrk. SOAK_DURATION seconds of load (default 60), about
# 2 minutes in all.
soak: $(STAMP) ## Load with a killed worker and a PostgreSQL restart: errors, and no lost saves
	bash scripts/soak/run.sh

# Lighthouse from package-lock.json (Node.js and npm from Debian), on one page of each type of the
# browser tests' site, in Debian's Chromium. About two minutes.
lighthouse: export DJANGO_SETTINGS_MODULE := $(TEST_SETTINGS)
lighthouse: $(STAMP) ## Lighthouse (mobile) on every page type: 100 in all four categories
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	$(PYTEST) -m lighthouse tests/browser/test_lighthouse.py -s $(PYTEST_ARGS)

# nginx (TLS, HTTP/2) -> Varnish -> two gunicorn app servers -> pgbouncer -> PostgreSQL, with Redis,
# an S3 server (moto), the mail worker and a mail server, on loopback in a temporary folder
# (STACK_DIR: a new or empty folder to keep it in, which the postgres user can reach when run as
# root), seeded; deploy/'s files as written. Debian: nginx-light varnish
# varnish-modules pgbouncer redis-server postgresql openssl. Ctrl-C stops all of it.
stack: $(STAMP) ## The production stack on loopback, seeded; prints its address and admin password
	exec $(PY) scripts/stack.py

# oidc-provider-mock on 127.0.0.1:PROVIDER_PORT (default 9400) with three accounts; prints the
# OIDC_* settings to give `make run` in another terminal. Ctrl-C stops it.
provider: $(STAMP) ## A sign-in provider on loopback to try "Log ind med kommunens konto"
	exec $(PY) -W ignore::DeprecationWarning scripts/oidc_provider.py

# The stack's own tests (tests/stack/, not part of make test): about 2-3 minutes on 2 cores.
test-stack: export DJANGO_SETTINGS_MODULE := $(TEST_SETTINGS)
test-stack: $(STAMP) ## Tests of the whole stack: Varnish, two app servers, outages
	$(PYTEST) tests/stack $(PYTEST_ARGS)

clean: ## Remove .venv, collected static files and caches (keeps var/ and media/)
	rm -rf $(VENV) staticfiles node_modules .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
