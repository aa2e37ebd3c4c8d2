#!/usr/bin/env bash
# The main job: the whole local stack, offline, with a demo bakery (see devstack/run.py).
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m devstack.run "$@"
