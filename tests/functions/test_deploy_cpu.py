"""The deploy's CPU choice: request-based CPU (throttled between requests) everywhere, said in the dry run and
on the MCP service's command; the activity writer does not need CPU always allocated (docs/metrics.md)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import deploy  # noqa: E402

from functions.gateway import OPERATIONS  # noqa: E402


def _planned(tmp_path: Path) -> list[list[str]]:
    config = deploy.Config({"BAKETRACKER_PROJECT": "bakes-prod"})
    return deploy.commands(config, tmp_path, deploy.defined_entry_points() | set(OPERATIONS),
                           mcp_source=tmp_path / "mcp")


def test_the_mcp_service_says_cpu_throttling_and_nothing_asks_for_cpu_always_allocated(tmp_path: Path) -> None:
    planned = _planned(tmp_path)
    [run] = [c for c in planned if c[:3] == ["gcloud", "run", "deploy"]]
    assert "--cpu-throttling" in run
    functions = [c for c in planned if c[:3] == ["gcloud", "functions", "deploy"]]
    assert len(functions) >= len(OPERATIONS)
    assert not any("--no-cpu-throttling" in c for c in planned)
    assert not any(a.startswith("--cpu") for c in functions for a in c)  # gen2 functions: request-based CPU


def test_the_dry_run_prints_the_cpu_choice_and_the_mcp_flag(monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("BAKETRACKER_PROJECT", "bakes-prod")
    assert deploy.main(["--dry-run"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert deploy.CPU_NOTE in printed
    [run] = [line for line in printed if line.startswith("+ gcloud run deploy baketracker-mcp ")]
    assert " --cpu-throttling " in f"{run} " and "--no-cpu-throttling" not in "\n".join(printed)


@pytest.mark.skipif(shutil.which("gcloud") is None, reason="no gcloud SDK here")
def test_the_installed_gcloud_knows_the_mcp_flag_and_functions_deploy_has_none(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "CLOUDSDK_CORE_DISABLE_PROMPTS": "1"}

    def help_of(*verb: str) -> str:
        done = subprocess.run(["gcloud", *verb, "--help"], capture_output=True, text=True, timeout=120, env=env)
        assert done.returncode == 0, done.stderr[-300:]
        return re.sub(r"\x1b\[[0-9;]*m", "", done.stdout)

    assert re.search(r"^\s+--\[no-\]cpu-throttling$", help_of("run", "deploy"), re.M)
    assert "cpu-throttling" not in help_of("functions", "deploy")  # why the functions' command says nothing
