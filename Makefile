# Lantern's two commands live here: `make demo` and `make check`. Both set up what they need first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo check lint typecheck imports test browser-deps bench docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,browser,fuzz]"
	touch $(STAMP)

setup: $(STAMP)

## The main job on a fresh machine: SQLite database, demo data, the licence book and its review, then the web
## application served on the demo (its address is printed; Ctrl+C stops it).
demo: setup
	$(BIN)/lantern db upgrade
	$(BIN)/lantern demo --serve

## Everything CI runs: linters, type checker, import contracts, the whole test suite on SQLite and PostgreSQL.
check: setup browser-deps lint typecheck imports test

lint:
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck:
	$(BIN)/mypy

imports:
	$(BIN)/lint-imports

test:
	$(BIN)/pytest -n 2 --cov --cov-report=term:skip-covered

browser-deps:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || echo "chromium could not be installed; browser tests will say why they skip"

## Regenerate the reference pages that tests keep in step with the code.
docs: setup
	$(BIN)/python -c "from lantern.settings import settings_reference; print(settings_reference(), end='')" > docs/settings.md
	$(BIN)/typer lantern.cli.main utils docs --name lantern --title "Command reference" --output docs/cli.md

bench: setup
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage
