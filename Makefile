# Two commands: `make run` (the bot, or the console without a token) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench bench-quick sqlite3-cli clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/movesbot load
	$(BIN)/movesbot run

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

# Speed and memory, each figure against a reference measured in the same run (see README, "Benchmarks"):
# a table on stdout and bench/results.json; bench-quick runs the same at a tenth of the sizes.
bench: $(STAMP) sqlite3-cli
	$(BIN)/python -m bench.run

bench-quick: $(STAMP) sqlite3-cli
	$(BIN)/python -m bench.run --quick

# The load benchmark's reference is the sqlite3 command-line tool's .import (Debian package sqlite3).
sqlite3-cli:
	@command -v sqlite3 >/dev/null || { apt-get update -q && apt-get install -y -q sqlite3; }

clean:
	rm -rf $(VENV) .pytest_cache var
