"""storage.rules evaluated by Google's Firebase rules engine, offline.

The engine is the one inside the gcloud SDK's Firestore emulator jar (found where devstack finds the emulator):
its rules compiler, its evaluator and its Cloud Storage service definition (`firebase.storage`: request.auth,
request.path, request.time, request.resource, resource, firestore.get/exists). StorageRulesHarness.java drives it;
it is compiled here with javac against the jar, once per directory, and run as one process that answers a JSON
line per request. The rules' firestore.get()/exists() read the Firestore emulator over REST when one is named,
else the documents the request carries.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devstack.firestore import JAR_PATHS

HARNESS = Path(__file__).with_name("StorageRulesHarness.java")
BUCKET = "demo-baketracker.appspot.com"
METHODS = ("get", "list", "create", "update", "delete")


def emulator_jar() -> Path | None:
    return next((p for p in JAR_PATHS if p.exists()), None)


def unavailable() -> str | None:
    """Why the engine cannot run here, or None."""
    if emulator_jar() is None:
        return ("no cloud-firestore-emulator.jar (gcloud SDK component cloud-firestore-emulator) in "
                + ", ".join(str(p) for p in JAR_PATHS))
    missing = [tool for tool in ("java", "javac") if shutil.which(tool) is None]
    if missing:
        return f"no {' and '.join(missing)} on PATH (a JDK 17+ is needed to compile the harness)"
    return None


class RulesCompileError(RuntimeError):
    def __init__(self, rules: Path, issues: list[str]) -> None:
        super().__init__(f"{rules} does not compile: " + "; ".join(issues))
        self.issues = issues


@dataclass(frozen=True)
class Decision:
    permit: bool
    firestore: list[str] = field(default_factory=list)  # the rules' firestore calls, in order ("get /databases/…")
    errors: list[str] = field(default_factory=list)  # evaluation errors (each one denies its allow expression)


def compile_harness(classes: Path) -> Path:
    """javac StorageRulesHarness.java against the emulator jar into `classes` (skipped when already there)."""
    jar = emulator_jar()
    assert jar is not None, unavailable()
    target = classes / "StorageRulesHarness.class"
    if target.exists() and target.stat().st_mtime >= HARNESS.stat().st_mtime:
        return classes
    classes.mkdir(parents=True, exist_ok=True)
    # -proc:none: the jar lists annotation processors it does not ship
    subprocess.run(["javac", "-proc:none", "-nowarn", "-encoding", "UTF-8", "-cp", str(jar), "-d", str(classes),
                    str(HARNESS)], check=True, capture_output=True, text=True, timeout=300)
    return classes


def token(uid: str, claims: dict[str, Any]) -> dict[str, Any]:
    """request.auth for a signed-in user: uid, and the ID token's claims (custom claims at the top level)."""
    return {"uid": uid, "token": {"sub": uid, "user_id": uid, "firebase": {"sign_in_provider": "password"},
                                  **claims}}


def object_path(name: str, bucket: str = BUCKET) -> str:
    """The rules path of an object (or, for list, of a folder) named `name` in `bucket`."""
    return f"/b/{bucket}/o/{name.strip('/')}"


class StorageRulesEngine:
    """One harness process evaluating one rules file."""

    def __init__(self, rules: Path, classes: Path, *, firestore_host: str | None = None,
                 project: str | None = None) -> None:
        jar = emulator_jar()
        assert jar is not None, unavailable()
        self.rules = rules
        self._stderr = (classes / f"{rules.name}.stderr").open("w")
        command = ["java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx256m", "-Duser.language=en",
                   "-cp", f"{jar}:{compile_harness(classes)}", "StorageRulesHarness", str(rules)]
        if firestore_host:
            command += ["--firestore", firestore_host]
        if project:
            command += ["--project", project]
        self._process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=self._stderr, text=True, encoding="utf-8")
        banner = self._line()
        self.issues: list[str] = banner["issues"]
        if not banner["compiled"]:
            self.close()
            raise RulesCompileError(rules, self.issues)
        self._next = 0

    def _line(self) -> dict[str, Any]:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            self._process.wait(timeout=10)
            raise RuntimeError(f"the rules harness stopped (exit {self._process.returncode}); see {self._stderr.name}")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def decide(self, method: str, path: str, auth: dict[str, Any] | None = None, *,
               resource: dict[str, Any] | None = None, request_resource: dict[str, Any] | None = None,
               documents: dict[str, dict[str, Any] | None] | None = None) -> Decision:
        """Whether the rules allow `method` on `path` (as object_path gives it) for `auth` (as token gives it)."""
        assert method in METHODS, method
        self._next += 1
        request: dict[str, Any] = {"id": self._next, "method": method, "path": path, "auth": auth,
                                   "resource": resource, "request_resource": request_resource}
        if documents is not None:
            request["documents"] = documents
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps(request) + "\n")
        self._process.stdin.flush()
        answer = self._line()
        if "harness_error" in answer:
            raise RuntimeError(f"the rules harness failed on {request}: {answer['harness_error']}")
        assert answer["id"] == self._next, answer
        return Decision(answer["permit"], answer["firestore"], answer["errors"])

    def close(self) -> None:
        if self._process.stdin is not None and not self._process.stdin.closed:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._stderr.close()
