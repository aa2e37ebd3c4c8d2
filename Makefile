# The one place where commands live. The README quotes these targets.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-unit test-integration lint bench clean

# Set up everything: Python venv from the lock file (and the emulator tooling once present).
install: $(STAMP)

$(STAMP): requirements.lock requirements-tasks.lock pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=24"
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	# the Cloud Tasks emulator needs protobuf<5: it lives in its own venv, never in the app's
	test -x .venv-tasks/bin/python || $(PY) -m venv .venv-tasks
	.venv-tasks/bin/python -m pip install -q -r requirements-tasks.lock
	@if [ -x scripts/install.sh ]; then scripts/install.sh; fi
	touch $(STAMP)

# The main job: install, then run BakeTracker on the demo bakery.
demo: install
	@scripts/demo.sh

# Everything CI checks: lint, types, unit and integration tests.
test: install lint
	$(BIN)/python -m pytest tests

test-unit: install
	$(BIN)/python -m pytest tests/unit

lint: install
	$(BIN)/ruff check core cli functions adapters devstack tests benchmarks scripts
	$(BIN)/mypy --strict core

bench: install
	$(BIN)/python benchmarks/plan.py

clean:
	rm -rf $(VENV) .venv-tasks .pytest_cache .mypy_cache .ruff_cache .hypothesis
