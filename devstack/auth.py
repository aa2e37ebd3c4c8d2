"""The Firebase Auth emulator from firebase-tools (pinned in hosting/package.json), offline."""

from __future__ import annotations

import json
import os
from pathlib import Path

from devstack.processes import Server, free_port

REPO = Path(__file__).resolve().parents[1]
FIREBASE = REPO / "hosting" / "node_modules" / ".bin" / "firebase"


class AuthEmulator:
    def __init__(self, work_dir: Path, project: str = "demo-baketracker", port: int | None = None) -> None:
        if not FIREBASE.exists():
            raise RuntimeError("firebase-tools is not installed: run `make install` (npm ci in hosting/)")
        self.project = project
        self.port = port or free_port()
        self.host = f"127.0.0.1:{self.port}"
        work_dir.mkdir(parents=True, exist_ok=True)
        hub, logging_port = free_port(), free_port()
        config = {"emulators": {"auth": {"host": "127.0.0.1", "port": self.port},
                                "hub": {"host": "127.0.0.1", "port": hub},
                                "logging": {"host": "127.0.0.1", "port": logging_port},
                                "ui": {"enabled": False}, "singleProjectMode": True}}
        (work_dir / "firebase.json").write_text(json.dumps(config))
        env = {"FIREBASE_CLI_DISABLE_UPDATE_CHECK": "true", "CI": "true", "HOME": os.environ.get("HOME", "/tmp")}
        self.server = Server(
            "auth",
            [str(FIREBASE), "emulators:start", "--only", "auth", "--project", project, "--config",
             str(work_dir / "firebase.json")],
            f"http://{self.host}/",
            work_dir,
            env=env,
            timeout=90,
            cwd=work_dir,
        )

    def start(self) -> AuthEmulator:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def environ(self) -> dict[str, str]:
        return {"FIREBASE_AUTH_EMULATOR_HOST": self.host, "GOOGLE_CLOUD_PROJECT": self.project}

    def sign_in(self, email: str, password: str) -> str:
        """An ID token for a user, as the web app would get it (REST against the emulator)."""
        import urllib.request

        url = (f"http://{self.host}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=fake-key")
        body = json.dumps({"email": email, "password": password, "returnSecureToken": True}).encode()
        request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            token: str = json.loads(response.read())["idToken"]
            return token
