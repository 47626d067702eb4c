# Two commands: `make run` (the bot, or the console without a token) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench bench-quick sqlite3-cli postgresql-server clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/movesbot load
	$(BIN)/movesbot run

test: $(STAMP) postgresql-server
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

# Speed and memory, each figure against a reference measured in the same run (see README, "Benchmarks"):
# a table on stdout and bench/results.json; bench-quick runs the same at a tenth of the sizes.
bench: $(STAMP) sqlite3-cli postgresql-server
	$(BIN)/python -m bench.run

bench-quick: $(STAMP) sqlite3-cli postgresql-server
	$(BIN)/python -m bench.run --quick

# The load benchmark's reference is the sqlite3 command-line tool's .import (Debian package sqlite3).
sqlite3-cli:
	@command -v sqlite3 >/dev/null || { apt-get update -q && apt-get install -y -q sqlite3; }

# The suite starts its own PostgreSQL server (tests/pg_server.py: own port, folder and socket, on 127.0.0.1) from
# Debian's binaries. Installing the package may create and start a default cluster on port 5432: nothing here uses
# it, so it is stopped again rather than left running. MOVESBOT_TEST_BACKENDS=sqlite (no PostgreSQL tests) skips this.
postgresql-server:
	@printf %s "$${MOVESBOT_TEST_BACKENDS:-postgres}" | grep -qi postgres || exit 0; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || { \
	  export DEBIAN_FRONTEND=noninteractive; apt-get update -q && \
	  { apt-get install -y -q --no-install-recommends postgresql-15 || \
	    apt-get install -y -q --no-install-recommends postgresql; } && \
	  pg_lsclusters -h | awk '$$4 == "online" { print $$1, $$2 }' | \
	  while read -r version cluster; do pg_ctlcluster "$$version" "$$cluster" stop; done; }

clean:
	rm -rf $(VENV) .pytest_cache var
