# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test lint imports bench setup system-packages clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Fangxian needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	rm -f $(VENV)/.installed-* && touch $@

setup: $(STAMP)

## Set up, migrate, build the demo community when the database is empty, and serve on :8000
## (with the background worker that runs the roster solver and the periodic jobs).
run: setup
	$(BIN)/fangxian migrate --noinput -v0
	$(BIN)/fangxian demo --if-empty
	$(BIN)/fangxian serve --with-worker

## Set up, check the code (ruff, the import-linter contracts) and run the whole suite
## (SQLite; PostgreSQL when DATABASE_URL is set).
test: setup system-packages lint
	FANGXIAN_ENV=test $(BIN)/pytest

## Lint and import order (ruff), and the architecture's layers and no cycles (import-linter,
## contracts in pyproject.toml; docs/architecture.md explains them).
lint: setup
	$(BIN)/ruff check fangxian tests bench tools
	$(BIN)/lint-imports

## The import graph as a reader checks it: layers broken, cycles, imports inside functions.
imports:
	$(PYTHON) tools/import_graph.py

## Speed and memory figures, each beside its floor: one JSON line per figure.
bench: setup
	FANGXIAN_ENV=test $(BIN)/python -m bench

# Debian packages the tests use: Chromium for the browser tests, gettext to find
# untranslated strings, poppler for PDF checks, a Chinese font for screenshots and PDFs. Installed once, never downloaded at run time.
system-packages:
	@missing=""; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	command -v msgmerge >/dev/null || missing="$$missing gettext"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	test -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc || missing="$$missing fonts-wqy-microhei"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

clean:
	rm -rf $(VENV) var build *.egg-info
