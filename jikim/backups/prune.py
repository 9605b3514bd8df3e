"""The backups' own retention: keep BACKUP_KEEP_DAYS days of them.

This is also how long a destroyed subject's key survives in old key-ring files: a backup
is taken before the destruction it does not know of, and within those days a restore
re-applies the destruction (restore.py); after them, the backup itself is gone.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from django.conf import settings

from jikim import clock
from jikim.backups import manifest

LEFTOVER_AGE = dt.timedelta(days=1)


def prune(root: Path | None = None, keep_days: int | None = None) -> list[str]:
    """Remove backups older than `keep_days`, never the newest; and day-old leftovers of
    interrupted runs. Returns the names removed."""
    root = Path(root or settings.BACKUP_DIR)
    keep = dt.timedelta(days=settings.BACKUP_KEEP_DAYS if keep_days is None else keep_days)
    if not root.is_dir():
        return []
    now = clock.now()
    backups: list[tuple[dt.datetime, Path]] = []
    removed = []
    for path in root.iterdir():
        if not path.is_dir():
            continue
        data = manifest.peek(path)
        if data is not None:
            backups.append((dt.datetime.fromisoformat(data["created_at"]), path))
        elif path.name.endswith(".partial") or path.name.startswith(".work-"):
            age = now - dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
            if age > LEFTOVER_AGE:
                shutil.rmtree(path)
                removed.append(path.name)
    backups.sort()
    for created, path in backups[:-1]:
        if now - created > keep:
            shutil.rmtree(path)
            removed.append(path.name)
    return removed
