"""Start-up check: the recordings storage is a storage of its own, not the ordinary uploads
(MEDIA_ROOT), the static files or the database's directory (C3-03)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks


def _inside(path: Path, other: Any) -> bool:
    if not other:
        return False
    other_path = Path(str(other)).resolve()
    return path == other_path or other_path in path.parents or path in other_path.parents


@checks.register(checks.Tags.compatibility)
def check_recordings_storage(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    config = settings.STORAGES.get("recordings")
    if config is None:
        return [
            checks.Error(
                'settings.STORAGES has no "recordings" storage',
                hint="Call recordings need a storage of their own (C3-03).",
                id="cases.E001",
            )
        ]
    if config == settings.STORAGES.get("default"):
        return [
            checks.Error(
                "call recordings must not share the default (uploads) storage", id="cases.E002"
            )
        ]
    location = (config.get("OPTIONS") or {}).get("location")
    if not location:
        return []  # a remote backend (S3): a bucket of its own, see settings.py
    path = Path(str(location)).resolve()
    overlaps = [
        name
        for name, other in (
            ("MEDIA_ROOT", settings.MEDIA_ROOT),
            ("STATIC_ROOT", settings.STATIC_ROOT),
        )
        if _inside(path, other)
    ]
    for alias, db in settings.DATABASES.items():
        if str(db.get("ENGINE", "")).endswith("sqlite3") and db.get("NAME"):
            db_file = Path(str(db["NAME"])).resolve()
            if path in db_file.parents:  # the database's files would sit among recordings
                overlaps.append(f"database {alias!r}")
    return [
        checks.Error(
            f"the recordings storage ({path}) overlaps {name}",
            hint="Give recordings a directory of their own (JIKIM_RECORDINGS_DIR).",
            id="cases.E003",
        )
        for name in overlaps
    ]
