# The two commands of the README:   make demo   and   make test
# Both create the virtual environment (.venv) from the locked requirements on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test lint messages lock clean tools

$(STAMP):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "innomon needs Python 3.11 or newer (found: $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $@

## make demo: set up, load the Northern Netherlands demo, build its reports, serve on :8000
demo: $(STAMP)
	$(BIN)/innomon demo

## make test: lint, format check, layer contracts, tests on SQLite (and on PostgreSQL if DATABASE_URL is set)
test: $(STAMP) lint tools
	env -u DATABASE_URL INNOMON_HOME=$$(mktemp -d) $(BIN)/python -m pytest
	@if [ -n "$$DATABASE_URL" ]; then \
	  echo "== again on PostgreSQL ($${DATABASE_URL%%\?*})"; \
	  INNOMON_HOME=$$(mktemp -d) $(BIN)/python -m pytest; \
	fi

## tools: Debian's Chromium and poppler-utils for the browser and PDF tests (installed when missing)
tools:
	bash scripts/ensure-test-tools.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

## make messages: refresh the message catalogues and compile them (needs GNU gettext's xgettext)
messages: $(STAMP)
	cd src/innomon && INNOMON_HOME=$$(mktemp -d) ../../$(BIN)/python -m django makemessages -l nl -l en --no-obsolete \
	  --settings innomon.project.settings --ignore "migrations/*"
	$(BIN)/python scripts/nl_translations.py

## make lock: re-resolve requirements.lock from pyproject.toml
lock:
	rm -rf /tmp/innomon-lock && $(PYTHON) -m venv /tmp/innomon-lock
	/tmp/innomon-lock/bin/pip install --quiet -e ".[dev]"
	/tmp/innomon-lock/bin/pip freeze --exclude-editable | grep -v '^innomon' > requirements.lock

clean:
	rm -rf $(VENV) innomon-data .pytest_cache .ruff_cache
