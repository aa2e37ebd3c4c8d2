"""The Cloud Tasks emulator (PyPI gcloud-tasks-emulator, in its own venv `.venv-tasks`: it needs protobuf<5).

It really dispatches HTTP tasks to their URLs (with the X-CloudTasks-* headers), retrying a
failed one at most `max_retries` times. It speaks gRPC only and attaches no OIDC token.
"""

from __future__ import annotations

from pathlib import Path

from devstack.processes import Server, free_port

REPO = Path(__file__).resolve().parents[1]
EXECUTABLE = REPO / ".venv-tasks" / "bin" / "gcloud-tasks-emulator"


class TasksEmulator:
    def __init__(self, log_dir: Path, project: str = "demo-baketracker", location: str = "us-central1",
                 queue: str = "receipt-extraction", port: int | None = None, max_retries: int = 3) -> None:
        if not EXECUTABLE.exists():
            raise RuntimeError(f"no Cloud Tasks emulator at {EXECUTABLE}: run `make install`")
        self.port = port or free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.queue_path = f"projects/{project}/locations/{location}/queues/{queue}"
        self.project, self.location, self.queue = project, location, queue
        command = [str(EXECUTABLE), "start", "-H", "127.0.0.1", "-p", str(self.port), "-d", self.queue_path,
                   "-r", str(max_retries), "-q"]
        self.server = Server("tasks", command, f"tcp://{self.host}", log_dir, env={"PYTHONWARNINGS": "ignore"})

    def start(self) -> TasksEmulator:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def environ(self) -> dict[str, str]:
        """What the functions need to enqueue here instead of on Cloud Tasks."""
        return {"CLOUD_TASKS_EMULATOR_HOST": self.host, "BAKETRACKER_QUEUE": self.queue,
                "BAKETRACKER_REGION": self.location, "BAKETRACKER_TASKS_LOCAL": "1"}
