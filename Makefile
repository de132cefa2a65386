# Two commands do all set-up on a fresh machine: `make chat` (talk to the skill) and `make test`.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# .venv's interpreter: PYTHON if given, else python3 when it is 3.12 or later, else python3.13,
# else python3.12 (scripts/find-python.sh says what is missing when there is none).
export PYTHON
FIND_PYTHON := ./scripts/find-python.sh
# The Lambda runtime's version (template.yaml, Runtime): `sam build` needs it on the PATH, and
# the artefact's bytecode is compiled with it. RUNTIME_PYTHON names one that is not found.
RUNTIME_VERSION := 3.13
export RUNTIME_PYTHON

.PHONY: chat run test check lint validate clean sam-check skill-package model locale-models \
	system-packages bench build load apl-checks

# aws-sam-cli pins its own boto3, so it lives in a virtualenv of its own.
SAM_VENV := .venv-sam
SAM_STAMP := $(SAM_VENV)/.installed
SAM_CLI_VERSION := 1.170.0
SAM := SAM_CLI_TELEMETRY=0 $(SAM_VENV)/bin/sam

# A .venv left by an older Python (before 3.12) is made again.
$(STAMP): pyproject.toml
	@$(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null || { \
		python="$$($(FIND_PYTHON))" && echo "Making $(VENV) with $$python" && \
		rm -rf $(VENV) && "$$python" -m venv $(VENV); }
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
	$(BIN)/bandit -q -r lambda tools

# espeak-ng and sox for the voice and exercise-timing tests, Node and npm for the APL checks;
# installs only what is missing.
system-packages:
	./scripts/install-system-packages.sh

# Amazon's APL validator (apl-suggester, from npm) for the screen tests, pinned by
# tests/apl/package-lock.json into tests/apl/node_modules; Node and npm come from
# system-packages. Installed again only when the lockfile changes.
APL_CHECKS := tests/apl/node_modules/.installed
$(APL_CHECKS): tests/apl/package.json tests/apl/package-lock.json
	cd tests/apl && npm ci --no-audit --no-fund --loglevel=error
	touch $(APL_CHECKS)

apl-checks: system-packages $(APL_CHECKS)

# Everything, as CI runs it (.ci/run): lint, the SAM build, and every test.
test: $(STAMP) lint sam-check system-packages apl-checks
	$(BIN)/python -m pytest

# The quick loop while working (under a minute): ruff and every test not marked slow, on two
# workers (pytest-xdist). The slow ones (fuzzing, load, the bench smoke run, audio rendering,
# building the artefact, the evaluation sets in every locale) run in `make test`.
check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -m "not slow" -n 2

$(SAM_STAMP):
	@python="$$($(FIND_PYTHON))" && "$$python" -m venv $(SAM_VENV)
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
# cold start (docs/benchmarks.md). Compiled here with the runtime's Python; checked-hash: a .pyc
# is used only while its source is unchanged. (ask-sdk-model's docstrings hold escapes that
# Python 3.12+ warns about while compiling; the warnings are silenced, the bytecode is the same.)
SAM_ARTEFACT := .aws-sam/build/TrustCoachFunction
build: $(SAM_STAMP)
	@runtime="$$($(FIND_PYTHON) $(RUNTIME_VERSION))" && \
		echo "sam build with $$runtime" && \
		PATH="$$(dirname "$$runtime"):$$PATH" $(SAM) build && \
		PYTHONWARNINGS=ignore::SyntaxWarning \
		"$$runtime" -m compileall -q -j 0 --invalidation-mode checked-hash $(SAM_ARTEFACT)

# The ASK CLI v2 skill package, with the stack's function (or alias) ARN as the endpoint.
skill-package: $(STAMP)
	$(BIN)/trust-coach package --function-arn "$(FUNCTION_ARN)" $(if $(SKILL_ID),--skill-id "$(SKILL_ID)")

# Expand interaction_model/grammar/en-US.yaml into en-US.json, then the other locales from it.
model: $(STAMP)
	$(BIN)/python -m trust_coach_tools.grammar
	$(BIN)/trust-coach locale-models

# Regenerate interaction_model/<locale>.json for the other English locales from en-US.json.
locale-models: $(STAMP)
	$(BIN)/trust-coach locale-models

# 50 simulated users for 60 s against `trust-coach serve` on moto's DynamoDB, on 127.0.0.1;
# LOAD_ARGS adds options, e.g. LOAD_ARGS="--outage down --outage-for 10".
load: $(STAMP)
	$(BIN)/python scripts/load.py --users 50 --seconds 60 $(LOAD_ARGS)

clean:
	rm -rf $(VENV) $(SAM_VENV) .aws-sam build .pytest_cache .ruff_cache tests/apl/node_modules
