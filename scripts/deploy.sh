#!/usr/bin/env bash
# Deploy to a real project, configured by environment variables (see scripts/deploy.py --help).
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python scripts/deploy.py "$@"
