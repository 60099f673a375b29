# Two commands set everything up: `make run` serves the demo site, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium
PYTEST_ARGS ?=

# The first interpreter that really runs and is Python 3.12 or newer. pyenv shims can exist yet fail
# (a shim for a version that is not selected), so every candidate is run, not just looked up.
define find_python
for candidate in python3.14 python3.13 python3.12 python3 python \
    $$(command -v pyenv >/dev/null 2>&1 && ls -d "$$(pyenv root)"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV) \
    /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do \
  if "$$candidate" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
    echo "$$candidate"; exit 0; \
  fi; \
done; exit 1
endef

.PHONY: help
help:
	@echo "make run          set up .venv, migrate, load the demo journey and serve on http://$(HOST):$(PORT)"
	@echo "                  (another port: make run PORT=8001)"
	@echo "make import FILE=README.md [CONFIRM=1]  what a reading list would change; CONFIRM=1 imports it"
	@echo "make test         run the whole test suite (browser tests need $(CHROMIUM))"
	@echo "make lint         ruff, the import-linter layer contracts and the template-direction test"
	@echo "make loadtest     mixed load, then the same while PostgreSQL restarts (see docs/performance.md)"
	@echo "make bench        pages vs two baselines (hello, signed-in hello) in one gunicorn; worker memory"
	@echo "make bench-scale  server time, queries, bytes and plans of every page on 100k reviews, 1M comments"

$(VENV)/.python-ok:
	@if [ -x "$(PY)" ] && "$(PY)" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then :; else \
	  rm -rf "$(VENV)"; \
	  python=$$($(find_python)) || { echo "No Python 3.12 or newer found. Install one (e.g. with pyenv) and retry." >&2; exit 1; }; \
	  echo "Creating $(VENV) with $$python ($$("$$python" --version))"; \
	  "$$python" -m venv "$(VENV)"; \
	fi
	@touch $@

$(VENV)/.installed: $(VENV)/.python-ok requirements.txt
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

.PHONY: install
install: $(VENV)/.installed

.PHONY: run
run: install
	DJANGO_DEBUG=1 $(PY) manage.py createcachetable
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py load_demo_journey
	DJANGO_DEBUG=1 $(PY) manage.py create_demo_accounts > $(VENV)/demo-logins.txt
	DJANGO_DEBUG=1 $(PY) manage.py search_reindex
	@# The logins and the address are printed once the server answers, below its own start-up lines.
	@export DJANGO_DEBUG=1 SITE_URL=http://$(HOST):$(PORT); \
	$(PY) manage.py db_worker --interval 1 & worker=$$!; \
	$(PY) manage.py send_due_notifications --every 300 & schedule=$$!; \
	$(PY) manage.py runserver $(HOST):$(PORT) & server=$$!; \
	trap 'exit 130' INT TERM; \
	trap 'pkill -P $$server 2>/dev/null; kill $$server $$worker $$schedule 2>/dev/null; wait 2>/dev/null' EXIT; \
	if $(PY) -m core.wait_for_port $(HOST) $(PORT); then \
	  echo; echo "================================================================================"; \
	  echo "Serving on http://$(HOST):$(PORT)/  (organisers: http://$(HOST):$(PORT)/admin/)"; \
	  cat $(VENV)/demo-logins.txt; \
	  echo "Beside it: the task worker (sends mail, printed here in development) and the notification"; \
	  echo "schedule (reminders, digests) every 5 minutes. Ctrl-C stops all three."; \
	  echo "================================================================================"; \
	fi; \
	wait $$server

# A reading list in the group's README style: `make import FILE=path/to/README.md` shows what would
# change; add `CONFIRM=1` to import it (and `PUBLISH=1` to publish the new weeks at once).
.PHONY: import
import: install
	@test -n "$(FILE)" || { echo "Usage: make import FILE=path/to/README.md [CONFIRM=1] [PUBLISH=1]" >&2; exit 2; }
	DJANGO_DEBUG=1 $(PY) manage.py import_journey "$(FILE)" $(if $(CONFIRM),,--dry-run) $(if $(PUBLISH),--publish,)

.PHONY: test
test: install
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	  echo "!! Chromium not found at $(CHROMIUM): browser tests are SKIPPED on this machine.     !!"; \
	  echo "!! Install it with: apt-get update && apt-get install -y chromium                   !!"; \
	  echo "!! With CI=true a missing browser fails the run.                                    !!"; \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	fi
	$(PY) -m pytest $(PYTEST_ARGS)

# Not part of `make test`: each starts its own PostgreSQL cluster (and Redis) on free local ports.
.PHONY: loadtest
loadtest: install
	$(PY) -m tools.perf loadtest

.PHONY: bench
bench: install
	$(PY) -m tools.perf bench

.PHONY: bench-scale
bench-scale: install
	$(PY) -m tools.perf bench --scale

.PHONY: lint
lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q -p no:cacheprovider tests/test_layering.py

.PHONY: clean
clean:
	rm -rf $(VENV) .pytest_cache staticfiles
