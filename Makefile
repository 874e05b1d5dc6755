# The two commands of the README:   make demo   and   make test
# Both create the virtual environment (.venv) from the locked requirements on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test test-fast lint messages lock clean tools

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

## make test-fast: the everyday inner loop (under a minute): lint, the layer contracts and the tests of
## the pure cores, the questionnaire instrument, the architecture, the docs and the catalogues
FAST_TESTS := tests/stats tests/analysis tests/instrument tests/test_architecture.py \
  tests/test_docs.py tests/test_i18n.py tests/test_region.py tests/test_classification.py \
  tests/test_config.py
test-fast: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	env -u DATABASE_URL INNOMON_HOME=$$(mktemp -d) $(BIN)/python -m pytest -q $(FAST_TESTS)

## tools: Debian's Chromium, poppler-utils and gettext for the browser, PDF and catalogue tests (installed when missing)
tools:
	bash scripts/ensure-test-tools.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

## make messages: refresh the message catalogues from the source (needs GNU gettext's xgettext and
## msgmerge) and compile them with polib. The .po files are the translations' only source.
messages: $(STAMP)
	cd src/innomon && INNOMON_HOME=$$(mktemp -d) ../../$(BIN)/python -m django makemessages -l nl -l en --no-obsolete \
	  --settings innomon.project.settings --ignore "migrations/*"
	$(BIN)/python -c 'import pathlib, polib; [polib.pofile(str(p)).save_as_mofile(str(p.with_suffix(".mo"))) \
	  for p in pathlib.Path("src/innomon/locale").glob("*/LC_MESSAGES/django.po")]'

## make lock: re-resolve requirements.lock from pyproject.toml
lock:
	rm -rf /tmp/innomon-lock && $(PYTHON) -m venv /tmp/innomon-lock
	/tmp/innomon-lock/bin/pip install --quiet -e ".[dev]"
	/tmp/innomon-lock/bin/pip freeze --exclude-editable | grep -v '^innomon' > requirements.lock

clean:
	rm -rf $(VENV) innomon-data .pytest_cache .ruff_cache
