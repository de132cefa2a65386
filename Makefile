# Two commands do all set-up on a fresh machine: `make chat` (talk to the skill) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: chat run test lint validate clean sam-check skill-package model locale-models system-packages bench build load

# aws-sam-cli pins its own boto3, so it lives in a virtualenv of its own.
SAM_VENV := .venv-sam
SAM_STAMP := $(SAM_VENV)/.installed
SAM_CLI_VERSION := 1.170.0
SAM := SAM_CLI_TELEMETRY=0 $(SAM_VENV)/bin/sam

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

chat run: $(STAMP)
	$(BIN)/trust-coach chat

validate: $(STAMP)
	$(BIN)/trust-coach validate

# Trust Coach against the floor and the usual way, on a local moto server: prints the table,
# writes bench/results.json. The bench extra (ask-sdk, for the usual way) is in dev as well.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/cfn-lint template.yaml
	$(BIN)/bandit -q -r lambda

# espeak-ng and sox for the voice and exercise-timing tests; installs only what is missing.
system-packages:
	./scripts/install-system-packages.sh

test: $(STAMP) lint sam-check system-packages
	$(BIN)/python -m pytest

$(SAM_STAMP):
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(SAM_VENV)/bin/python -m pip install --quiet "aws-sam-cli==$(SAM_CLI_VERSION)"
	touch $(SAM_STAMP)

# What `sam build && sam deploy` starts with, minus the AWS account: lint and an arm64 build
# (pure-Python wheels and aarch64 binary wheels from PyPI; no Docker needed).
sam-check: $(SAM_STAMP)
	$(SAM) validate --lint
	$(MAKE) build

# sam build ships no bytecode (it skips __pycache__) and /var/task is read-only, so every cold
# start would compile every imported module from source: that roughly tripled Trust Coach's
# cold start on this machine (see README, Benchmarks). Compiled here with Python 3.11, the
# runtime's version; checked-hash: a .pyc is used only while its source is unchanged.
SAM_ARTEFACT := .aws-sam/build/TrustCoachFunction
build: $(SAM_STAMP) $(STAMP)
	$(SAM) build
	$(BIN)/python -m compileall -q -j 0 --invalidation-mode checked-hash $(SAM_ARTEFACT)

# The ASK CLI v2 skill package, with the stack's function ARN as the endpoint.
skill-package: $(STAMP)
	$(BIN)/trust-coach package --function-arn "$(FUNCTION_ARN)" $(if $(SKILL_ID),--skill-id "$(SKILL_ID)")

# Expand interaction_model/grammar/en-US.yaml into en-US.json, then the other locales from it.
model: $(STAMP)
	PYTHONPATH=lambda:tools $(BIN)/python -m trust_coach_tools.grammar
	$(BIN)/trust-coach locale-models

# Regenerate interaction_model/<locale>.json for the other English locales from en-US.json.
locale-models: $(STAMP)
	$(BIN)/trust-coach locale-models

# 50 simulated users for 60 s against `trust-coach serve` on moto's DynamoDB, on 127.0.0.1;
# LOAD_ARGS adds options, e.g. LOAD_ARGS="--outage down --outage-for 10".
load: $(STAMP)
	$(BIN)/python scripts/load.py --users 50 --seconds 60 $(LOAD_ARGS)

clean:
	rm -rf $(VENV) $(SAM_VENV) .aws-sam build .pytest_cache .ruff_cache
