"""examples/agent_session.py against the running demo stack: an agent works through MCP only."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.emulator
REPO = Path(__file__).resolve().parents[2]


def test_an_agent_plans_proposes_confirms_and_shops_through_mcp_on_the_demo_stack() -> None:
    stack = subprocess.Popen([sys.executable, "-m", "devstack.run", "--port", "0"], cwd=REPO, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        seen = ""
        deadline = time.monotonic() + 240
        assert stack.stdout is not None
        while "(ID tokens last an hour" not in seen and time.monotonic() < deadline and stack.poll() is None:
            seen += stack.stdout.readline()
        url = re.search(r"MCP service for AI agents \(streamable HTTP\): (\S+)", seen)
        token = re.search(r"export BAKETRACKER_ID_TOKEN=(\S+)", seen)
        assert url and token, seen[-2000:]
        run = subprocess.run([sys.executable, "examples/agent_session.py", "--url", url.group(1), "--token",
                              token.group(1)], cwd=REPO, capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
        out = run.stdout
        assert "created Agent Bake Sale" in out and "batches" in out
        assert "proposed 2 purchases from" in out
        assert "Shopping list for Agent Bake Sale" in out
    finally:
        stack.send_signal(signal.SIGTERM)
        stack.wait(timeout=60)
