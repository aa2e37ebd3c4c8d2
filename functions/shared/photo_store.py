"""Where uploaded photos live: Cloud Storage (or its emulator), or memory for tests.

Objects are written only here, with the service's credentials, under `tenants/{tenant}/…`;
clients never write to the bucket (storage.rules).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class StoredPhoto:
    path: str
    content_type: str
    data: bytes
    metadata: dict[str, str] = field(default_factory=dict)


class PhotoStore(Protocol):
    bucket: str

    def put(self, path: str, data: bytes, content_type: str, metadata: dict[str, str]) -> bool:
        """Store the object; False when it was already there (same path: the same photo)."""
        ...

    def get(self, path: str) -> StoredPhoto | None: ...

    def delete(self, path: str) -> bool:
        """Remove the object; False when there was none."""
        ...


class MemoryPhotoStore:
    def __init__(self, bucket: str = "memory-bucket") -> None:
        self.bucket = bucket
        self.objects: dict[str, StoredPhoto] = {}

    def put(self, path: str, data: bytes, content_type: str, metadata: dict[str, str]) -> bool:
        if path in self.objects:
            return False
        self.objects[path] = StoredPhoto(path, content_type, data, dict(metadata))
        return True

    def get(self, path: str) -> StoredPhoto | None:
        return self.objects.get(path)

    def delete(self, path: str) -> bool:
        return self.objects.pop(path, None) is not None


class CloudStoragePhotoStore:
    """google-cloud-storage, imported on first use (only the photo functions pay for it)."""

    def __init__(self, bucket: str, client: Any = None) -> None:
        self.bucket = bucket
        self._client = client

    @classmethod
    def from_environment(cls) -> CloudStoragePhotoStore:
        project = os.environ.get("GOOGLE_CLOUD_PROJECT") or os.environ.get("GCLOUD_PROJECT") or "demo-baketracker"
        return cls(os.environ.get("BAKETRACKER_BUCKET") or f"{project}.appspot.com")

    def _bucket(self) -> Any:
        if self._client is None:
            from google.cloud import storage

            if os.environ.get("STORAGE_EMULATOR_HOST"):
                from google.auth.credentials import AnonymousCredentials

                self._client = storage.Client(project=os.environ.get("GOOGLE_CLOUD_PROJECT", "demo-baketracker"),
                                              credentials=AnonymousCredentials())
            else:
                self._client = storage.Client()
        return self._client.bucket(self.bucket)

    def put(self, path: str, data: bytes, content_type: str, metadata: dict[str, str]) -> bool:
        from google.api_core.exceptions import PreconditionFailed

        blob = self._bucket().blob(path)
        if blob.exists():  # the emulator ignores the precondition below; Cloud Storage enforces it under races
            return False
        blob.metadata = dict(metadata)
        try:
            blob.upload_from_string(data, content_type=content_type, if_generation_match=0)
        except PreconditionFailed:
            return False
        return True

    def get(self, path: str) -> StoredPhoto | None:
        from google.api_core.exceptions import NotFound

        blob = self._bucket().blob(path)
        try:
            data = blob.download_as_bytes()
        except NotFound:
            return None
        blob.reload()
        return StoredPhoto(path, blob.content_type or "application/octet-stream", data, dict(blob.metadata or {}))

    def delete(self, path: str) -> bool:
        from google.api_core.exceptions import NotFound

        try:
            self._bucket().blob(path).delete()
        except NotFound:
            return False
        return True
