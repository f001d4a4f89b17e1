# The two commands of the README are `make run` and `make test`; the rest serve them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Serving needs the package alone; testing adds the test tools, lint and type checks.
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run graphiql-assets demo-reset test lint bench bench-peers bench-scale-out schema clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Gatehouse needs Python 3.11 or newer (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $(RUN_STAMP)

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(TEST_STAMP) $(RUN_STAMP)

# GraphiQL's browser files are npm packages (server/graphiql/package-lock.json), installed again
# when the lock is newer than the last install. Without npm, /graphql shows a fallback page.
GRAPHIQL_DIR := server/graphiql
GRAPHIQL_INSTALLED := $(GRAPHIQL_DIR)/node_modules/.package-lock.json

graphiql-assets:
	@if ! command -v npm >/dev/null; then \
		echo "npm not found: GraphiQL is not installed, /graphql shows a fallback page (apt-get install -y nodejs npm, then make run again)"; \
	elif [ ! -f $(GRAPHIQL_INSTALLED) ] || [ $(GRAPHIQL_DIR)/package-lock.json -nt $(GRAPHIQL_INSTALLED) ]; then \
		(cd $(GRAPHIQL_DIR) && npm ci --no-audit --no-fund --loglevel=error) || \
			echo "npm ci failed in $(GRAPHIQL_DIR): /graphql shows a fallback page until it succeeds"; \
	fi

# The key that encrypts the demo's MFA secrets, made at the first `make run` and kept (git
# ignores it) so that staff who enrolled can still sign in after a restart.
SECRET_KEY_FILE := .gatehouse-secret-key

$(SECRET_KEY_FILE): | $(RUN_STAMP)
	@umask 077 && $(BIN)/gatehouse secret-key > $@.new && mv $@.new $@

# The demo needs no phone and no https: debug (GraphiQL) on, cookies over plain http, staff
# MFA optional (and ready to try, with the key above); the environment may say otherwise.
run: $(RUN_STAMP) graphiql-assets $(SECRET_KEY_FILE)
	GATEHOUSE_DEBUG=$${GATEHOUSE_DEBUG:-1} GATEHOUSE_COOKIE_SECURE=$${GATEHOUSE_COOKIE_SECURE:-0} \
		GATEHOUSE_STAFF_MFA=$${GATEHOUSE_STAFF_MFA:-optional} \
		GATEHOUSE_SECRET_KEY="$${GATEHOUSE_SECRET_KEY:-$$(cat $(SECRET_KEY_FILE))}" \
		$(BIN)/gatehouse serve --demo

demo-reset: $(RUN_STAMP)
	$(BIN)/gatehouse demo --reset --yes

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

bench: $(TEST_STAMP)
	$(BIN)/python -m bench

# Gatehouse against Vendure 3.7 (bench/peers): installs wrk and Vendure on the first run.
bench-peers: $(TEST_STAMP)
	$(BIN)/python -m bench.peers $(BENCH_PEERS_ARGS)

# `serve --workers 2` against `--workers 1` on PostgreSQL with Redis rate limits (wrk, redis-server
# and PostgreSQL must be installed); BENCH_SCALE_OUT_ARGS=--quick for a smoke run.
bench-scale-out: $(TEST_STAMP)
	$(BIN)/python -m bench.scale_out $(BENCH_SCALE_OUT_ARGS)

schema: $(RUN_STAMP)
	$(BIN)/gatehouse export-schema > schema.graphql

clean:
	rm -rf $(VENV) gatehouse.sqlite3 gatehouse.sqlite3-* $(SECRET_KEY_FILE) .pytest_cache .mypy_cache .ruff_cache
