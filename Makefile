# The one place where commands live. The README quotes these targets.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-unit test-integration test-e2e lint bench cost clean

# Set up everything: Python venv from the lock file, the emulator tooling and the web app (hosting/dist).
install: $(STAMP) hosting/dist/index.html

# The web app: npm ci when hosting/package-lock.json changed, then the build (scripts/install.sh does both).
WEB_SOURCES := $(shell find hosting/src hosting/static -type f 2>/dev/null) hosting/package-lock.json \
	hosting/svelte.config.js hosting/vite.config.ts
hosting/dist/index.html: $(WEB_SOURCES) | $(STAMP)
	scripts/install.sh

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

# Everything CI checks: lint, types, unit and integration tests, and the end-to-end tests (Chromium on the
# whole local stack; tests/e2e/ starts and stops its own stack).
test: install lint
	cd hosting && npx --no-install vitest run
	$(BIN)/python -m pytest tests
	node --test tests/e2e/*.test.mjs

# The end-to-end tests alone (≈ 1 min): the stack, Debian's Chromium, screenshots into docs/screenshots/.
test-e2e: install
	node --test tests/e2e/*.test.mjs

test-unit: install
	$(BIN)/python -m pytest tests/unit

lint: install
	$(BIN)/ruff check core cli functions adapters devstack mcp_service tests benchmarks scripts
	$(BIN)/mypy --strict core

bench: install benchmarks/pwa/node_modules/.package-lock.json
	$(BIN)/python benchmarks/plan.py
	node benchmarks/pwa.mjs

# Firestore documents and function time per operation on the emulator, then the monthly cost per baker (docs/cost.md)
cost: install
	$(BIN)/python benchmarks/cost.py
	$(BIN)/python scripts/cost_model.py

# Lighthouse for benchmarks/pwa.mjs, pinned in its own lock (kept out of hosting/package.json):
# npm ci again only when that lock changed.
benchmarks/pwa/node_modules/.package-lock.json: benchmarks/pwa/package-lock.json
	cd benchmarks/pwa && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

clean:
	rm -rf $(VENV) .venv-tasks .pytest_cache .mypy_cache .ruff_cache .hypothesis
