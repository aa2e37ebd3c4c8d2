"""A Cloud Storage emulator (PyPI gcp-storage-emulator), in memory, with the app's bucket."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from devstack.processes import Server, free_port


class StorageEmulator:
    def __init__(self, log_dir: Path, bucket: str = "demo-baketracker.appspot.com", port: int | None = None) -> None:
        self.bucket = bucket
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        exe = shutil.which("gcp-storage-emulator") or str(Path(sys.executable).parent / "gcp-storage-emulator")
        command = [exe, "start", "--host", "127.0.0.1", "--port", str(self.port), "--in-memory",
                   "--default-bucket", bucket, "--quiet"]
        self.server = Server("storage", command, f"{self.url}/storage/v1/b", log_dir)

    def start(self) -> StorageEmulator:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def environ(self) -> dict[str, str]:
        """What the functions need to write photos here instead of to Cloud Storage."""
        return {"STORAGE_EMULATOR_HOST": self.url, "BAKETRACKER_BUCKET": self.bucket}
