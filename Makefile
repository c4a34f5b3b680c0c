# Every target sets up what it needs itself: a fresh machine needs only Python >= 3.11.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint proto clean

$(STAMP): pyproject.toml scripts/ensure_system_deps.sh
	scripts/ensure_system_deps.sh
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/vouchsafe demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -m "not slow" --ignore=tests/benchmarks -p no:cacheprovider

bench: $(STAMP)
	mkdir -p out/bench
	$(BIN)/pytest tests/benchmarks --benchmark-only --benchmark-json=out/bench/benchmarks.json -p no:cacheprovider

proto: $(STAMP)
	$(BIN)/python -m protocol.build

clean:
	rm -rf $(VENV) out .mypy_cache .ruff_cache .pytest_cache .benchmarks
