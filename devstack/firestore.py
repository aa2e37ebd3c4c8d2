"""The Firestore emulator that ships with the gcloud SDK, with the project's security rules."""

from __future__ import annotations

import json
import shutil
import urllib.request
from pathlib import Path

from devstack.processes import Server, free_port

JAR_PATHS = (
    Path("/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar"),
    Path("/usr/share/google-cloud-sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar"),
)
MAIN_CLASS = "com.google.cloud.datastore.emulator.firestore.CloudFirestore"


def emulator_command(port: int, rules: Path | None) -> list[str]:
    rules_args = [f"--rules={rules}"] if rules else []
    jar = next((p for p in JAR_PATHS if p.exists()), None)
    if jar is not None and shutil.which("java"):
        return ["java", "-Duser.language=en", "-cp", str(jar), MAIN_CLASS, "start", "--host=127.0.0.1",
                f"--port={port}", *rules_args]
    if shutil.which("gcloud"):
        return ["gcloud", "emulators", "firestore", "start", f"--host-port=127.0.0.1:{port}", *rules_args]
    raise RuntimeError(
        "no Firestore emulator: install the gcloud SDK's cloud-firestore-emulator component and Java 17+"
    )


class FirestoreEmulator:
    def __init__(self, log_dir: Path, project: str = "demo-baketracker", rules: Path | None = None,
                 port: int | None = None) -> None:
        self.project = project
        self.port = port or free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.server = Server("firestore", emulator_command(self.port, rules), f"http://{self.host}/", log_dir)

    def start(self) -> FirestoreEmulator:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def wipe(self) -> None:
        url = f"http://{self.host}/emulator/v1/projects/{self.project}/databases/(default)/documents"
        urllib.request.urlopen(urllib.request.Request(url, method="DELETE"), timeout=10).read()

    def set_rules(self, rules_text: str) -> None:
        body = json.dumps({"rules": {"files": [{"name": "firestore.rules", "content": rules_text}]}}).encode()
        url = f"http://{self.host}/emulator/v1/projects/{self.project}:securityRules"
        request = urllib.request.Request(url, data=body, method="PUT", headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=10).read()

    def client(self) -> object:
        import os

        from google.auth.credentials import AnonymousCredentials
        from google.cloud import firestore

        os.environ["FIRESTORE_EMULATOR_HOST"] = self.host
        return firestore.Client(project=self.project, credentials=AnonymousCredentials())
