"""Enqueuing HTTP tasks: Cloud Tasks (or its emulator). Imported only by the functions that enqueue."""

from __future__ import annotations

import json
import os
from typing import Any, Protocol


class TaskQueue(Protocol):
    def enqueue(self, name: str, url: str, payload: dict[str, Any]) -> bool:
        """Queue a POST of `payload` to `url`; False when a task of that name exists already (a retried event)."""
        ...


class CloudTasksQueue:
    """google-cloud-tasks; `CLOUD_TASKS_EMULATOR_HOST` points it at the emulator (gRPC, no TLS, no OIDC token)."""

    def __init__(self, project: str, location: str, queue: str, service_account: str | None = None) -> None:
        self.parent = f"projects/{project}/locations/{location}/queues/{queue}"
        self.service_account = service_account
        self._client: Any = None

    @classmethod
    def from_environment(cls) -> CloudTasksQueue:
        project = os.environ.get("GOOGLE_CLOUD_PROJECT") or os.environ.get("GCLOUD_PROJECT") or "demo-baketracker"
        return cls(project, os.environ.get("BAKETRACKER_REGION", "us-central1"),
                   os.environ.get("BAKETRACKER_QUEUE", "receipt-extraction"),
                   os.environ.get("BAKETRACKER_TASKS_SERVICE_ACCOUNT") or None)

    def client(self) -> Any:
        if self._client is None:
            from google.cloud import tasks_v2

            emulator = os.environ.get("CLOUD_TASKS_EMULATOR_HOST")
            if emulator:
                import grpc
                from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport

                transport = CloudTasksGrpcTransport(channel=grpc.insecure_channel(emulator))
                self._client = tasks_v2.CloudTasksClient(transport=transport)
            else:
                self._client = tasks_v2.CloudTasksClient()
        return self._client

    def enqueue(self, name: str, url: str, payload: dict[str, Any]) -> bool:
        from google.api_core.exceptions import AlreadyExists

        request: dict[str, Any] = {"http_method": "POST", "url": url, "body": json.dumps(payload).encode(),
                                   "headers": {"Content-Type": "application/json"}}
        if self.service_account:  # production: Cloud Tasks signs an OIDC token the function's IAM checks
            request["oidc_token"] = {"service_account_email": self.service_account, "audience": url}
        task = {"name": f"{self.parent}/tasks/{name}", "http_request": request}
        try:
            self.client().create_task(parent=self.parent, task=task)
        except AlreadyExists:
            return False
        return True
