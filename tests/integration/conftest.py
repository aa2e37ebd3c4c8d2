"""Real emulators for the integration tests: started once per session on free ports, stopped after."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devstack.firestore import FirestoreEmulator

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def firestore_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FirestoreEmulator]:
    rules = REPO / "firestore.rules"
    emulator = FirestoreEmulator(tmp_path_factory.mktemp("emulators"), rules=rules if rules.exists() else None)
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.fixture
def firestore(firestore_emulator: FirestoreEmulator) -> Any:
    """A client on a wiped database."""
    firestore_emulator.wipe()
    return firestore_emulator.client()
