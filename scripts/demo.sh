#!/usr/bin/env bash
# The main job on this machine: plan the demo bakery's events with the desktop's own data.
set -euo pipefail
cd "$(dirname "$0")/.."
BT=.venv/bin/baketracker
SHARED=${BAKETRACKER_SHARED:-../shared}
DATA="$SHARED/fixtures/desktop-plans/winter_events.json"
if [ ! -f "$DATA" ]; then
  echo "demo data not found at $DATA (set BAKETRACKER_SHARED to the shared/ folder)" >&2
  exit 1
fi
for event in "Winter Market 2026" "Office Party 2026"; do
  echo
  "$BT" plan --data "$DATA" --event "$event"
  echo
  "$BT" shopping-list --data "$DATA" --event "$event"
done
