"""The recordings' own storage (C3-03): apart from the database and from ordinary uploads.

Configured as `settings.STORAGES["recordings"]`: by default a directory of its own
(`var/recordings`, files 0600), in production an S3-compatible bucket through
django-storages (see settings.py). Nothing in jikim ever asks it for a URL: recordings are
played only through the streaming view, which checks the role and writes the access record.
"""

from __future__ import annotations

from typing import Any

from django.core.files.storage import FileSystemStorage, Storage, storages

ALIAS = "recordings"


class RecordingStorage(FileSystemStorage):
    """A private directory: owner-only files, and no URL to hand out."""

    def __init__(self, location: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("file_permissions_mode", 0o600)
        kwargs.setdefault("directory_permissions_mode", 0o700)
        super().__init__(location=location, **kwargs)

    def url(self, name: str | None) -> str:
        raise NotImplementedError("call recordings have no URL; play them through jikim")


def recording_storage() -> Storage:
    # Looked up on every use (not cached here), so that a changed STORAGES setting applies.
    return storages[ALIAS]
