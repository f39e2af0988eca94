# selstats: `make run` to try it, `make test` for the whole check (what CI runs).
# Variables: SCALE (S, M, L) and SEED for the demo database, PORT for the app, DB for its path.

SHELL := /bin/bash
.DEFAULT_GOAL := help

BIN   := .venv/bin
SCALE ?= S
SEED  ?= 1
PORT  ?= 8501
DB    ?= data/selstats.duckdb

.PHONY: help setup demo run test lint format e2e bench bench-quick bench-load clean

help:
	@echo "make setup    create .venv, install selstats + dev tools, Debian's chromium"
	@echo "make demo     build the demo database $(DB) if missing (SCALE=$(SCALE) SEED=$(SEED))"
	@echo "make run      setup + demo, then serve the app on port $(PORT)"
	@echo "make test     setup, ruff, ruff format --check, mypy, pytest (incl. browser tests)"
	@echo "make lint     ruff, ruff format --check, mypy"
	@echo "make format   ruff format + ruff check --fix"
	@echo "make e2e      only the browser tests"
	@echo "make bench    benchmarks: every figure, incl. the load test (sessions x workers)"
	@echo "             and scale XL (built once, long); on a quiet machine"
	@echo "make bench-quick   smoke run of the benchmarks (S and M, short load test)"
	@echo "make bench-load    only the load test (QUICK=1: < 2 min at scale S)"
	@echo "make clean    caches and test output (keeps .venv and data/)"

setup:
	@bash scripts/setup.sh

# Built only when missing: to change scale or seed, delete $(DB) first. The demo command
# builds a private copy and moves it into place only when it succeeded.
demo: setup
	@if [ -e "$(DB)" ]; then \
		echo "demo: $(DB) exists, kept (delete it to rebuild with SCALE=$(SCALE) SEED=$(SEED))"; \
	else \
		echo "demo: building $(DB) (scale $(SCALE), seed $(SEED))"; \
		$(BIN)/selstats demo --scale $(SCALE) --seed $(SEED) --db "$(DB)"; \
	fi

run: demo
	SELSTATS_DEMO=1 SELSTATS_DB="$(abspath $(DB))" $(BIN)/selstats serve --server.port $(PORT)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

e2e: setup
	$(BIN)/pytest -m e2e

bench: setup
	$(BIN)/python -m benchmarks

bench-quick: setup
	$(BIN)/python -m benchmarks --quick

bench-load: setup
	$(BIN)/python -m benchmarks --only load $(if $(QUICK),--quick)

clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache .hypothesis tests/output benchmarks/out
	find . -path ./.venv -prune -o -type d -name __pycache__ -exec rm -rf {} +
