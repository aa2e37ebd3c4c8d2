"""Real emulators for the integration tests: started once per session on free ports, stopped after."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from devstack.auth import AuthEmulator
from devstack.firestore import FirestoreEmulator
from devstack.storage import StorageEmulator
from devstack.tasks import TasksEmulator

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def firestore_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FirestoreEmulator]:
    rules = REPO / "firestore.rules"
    emulator = FirestoreEmulator(tmp_path_factory.mktemp("emulators"), rules=rules if rules.exists() else None)
    emulator.start()
    yield emulator
    emulator.stop()


E = TypeVar("E", AuthEmulator, StorageEmulator, TasksEmulator)


def _running(emulator: E) -> Iterator[E]:
    """Start it, point this process at it (its environment variables) for the session, stop it after."""
    emulator.start()
    patch = pytest.MonkeyPatch()
    for key, value in emulator.environ().items():
        patch.setenv(key, value)
    yield emulator
    patch.undo()
    emulator.stop()


@pytest.fixture(scope="session")
def auth_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthEmulator]:
    """The Firebase Auth emulator (firebase-tools); firebase-admin talks to it for the whole session."""
    yield from _running(AuthEmulator(tmp_path_factory.mktemp("auth")))


@pytest.fixture(scope="session")
def storage_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StorageEmulator]:
    yield from _running(StorageEmulator(tmp_path_factory.mktemp("storage")))


@pytest.fixture(scope="session")
def tasks_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TasksEmulator]:
    yield from _running(TasksEmulator(tmp_path_factory.mktemp("tasks"), max_retries=2))


@pytest.fixture
def firestore(firestore_emulator: FirestoreEmulator) -> Any:
    """A client on a wiped database."""
    firestore_emulator.wipe()
    return firestore_emulator.client()


@pytest.fixture
def gateway(firestore_emulator: FirestoreEmulator, firestore: Any) -> Iterator[Any]:
    """Every function on the emulator, with unsigned emulator-style tokens made by the test (no Auth emulator)."""
    from functions.shared.firestore_backend import FirestoreBackend
    from functions.shared.operation import RUNTIME
    from tests.functions.conftest import UnsignedTokenVerifier

    backend = FirestoreBackend(firestore)
    backend.set_claims = lambda uid, claims: None  # type: ignore[method-assign]
    previous = RUNTIME._backend, RUNTIME.verifier
    RUNTIME.use(backend, UnsignedTokenVerifier())
    yield backend
    RUNTIME._backend, RUNTIME.verifier = previous


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The isolation matrix as a table: who may read/list/write tenant A's collections."""
    from tests.integration import test_firestore_rules as matrix

    if not matrix.RESULTS:
        return
    who_list = list(matrix.PRINCIPALS)
    terminalreporter.section("isolation matrix (Firestore rules, tenant A's data)")
    header = f"{'collection':<22}" + "".join(f"{w[:18]:>20}" for w in who_list)
    terminalreporter.write_line(header)
    for collection in matrix.COLLECTIONS:
        cells = []
        for who in who_list:
            ops = [op[0] for op in matrix.OPS if matrix.RESULTS.get((collection, who, op)) == "allow"]
            cells.append(("r" if "g" in ops else "-") + ("l" if "l" in ops else "-") + ("w" if "w" in ops else "-"))
        terminalreporter.write_line(f"{collection:<22}" + "".join(f"{c:>20}" for c in cells))
    denied = sum(1 for v in matrix.RESULTS.values() if v == "deny")
    terminalreporter.write_line(f"{len(matrix.RESULTS)} cells: {denied} denied, {len(matrix.RESULTS) - denied} allowed "
                                "(r = get, l = list, w = write; every write and every cross-tenant cell denied)")
