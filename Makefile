# The two commands of the README are `make run` and `make test`; the rest serve them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Serving needs the package alone; testing adds the test tools, lint and type checks.
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run demo-reset test lint bench schema clean

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

# The demo needs no phone and no https: debug (GraphiQL) on, cookies over plain http.
run: $(RUN_STAMP)
	GATEHOUSE_DEBUG=$${GATEHOUSE_DEBUG:-1} GATEHOUSE_COOKIE_SECURE=$${GATEHOUSE_COOKIE_SECURE:-0} \
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

schema: $(RUN_STAMP)
	$(BIN)/gatehouse export-schema > schema.graphql

clean:
	rm -rf $(VENV) gatehouse.sqlite3 gatehouse.sqlite3-* .pytest_cache .mypy_cache .ruff_cache
