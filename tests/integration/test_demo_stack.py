"""`make demo`'s stack comes up offline, seeds the demo bakery and plans through the API."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.emulator
REPO = Path(__file__).resolve().parents[2]


def test_the_demo_stack_starts_seeds_and_plans() -> None:
    result = subprocess.run([sys.executable, "-m", "devstack.run", "--exit-after-seed", "--port", "0"], cwd=REPO,
                            capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "sign in as demo@baketracker.test" in result.stdout
    assert re.search(r"Open the app: http://127\.0\.0\.1:\d+/   sign in as demo@baketracker\.test / \S+", result.stdout)
    assert "Gingerbread Chai Cookies               4 batches" in result.stdout
    assert "export BAKETRACKER_ID_TOKEN=" in result.stdout
    assert "Storage emulator: http://127.0.0.1:" in result.stdout
