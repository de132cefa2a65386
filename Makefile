# Two commands do all set-up on a fresh machine: `make chat` (talk to the skill) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: chat run test lint validate clean system-packages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

chat run: $(STAMP)
	$(BIN)/trust-coach chat

validate: $(STAMP)
	$(BIN)/trust-coach validate

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/cfn-lint template.yaml

# espeak-ng for the spoken console's tests; installs only what is missing.
system-packages:
	./scripts/install-system-packages.sh

test: $(STAMP) lint system-packages
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
