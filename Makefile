# The two commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench schema clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Gatehouse needs Python 3.11 or newer (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	GATEHOUSE_DEBUG=$${GATEHOUSE_DEBUG:-1} GATEHOUSE_COOKIE_SECURE=$${GATEHOUSE_COOKIE_SECURE:-0} \
		$(BIN)/gatehouse serve --demo

test: $(STAMP)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m bench

schema: $(STAMP)
	$(BIN)/gatehouse export-schema > schema.graphql

clean:
	rm -rf $(VENV) gatehouse.sqlite3 .pytest_cache
