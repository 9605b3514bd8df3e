"""`jikim backup`: a consistent, encrypted snapshot of the three databases and the stored
files, in a folder of its own with a manifest.

    <root>/<id>/manifest.json        what, when, how, sizes, SHA-256 (authenticated)
                default.<ext>.enc    the main database
                separated.<ext>.enc  the separated store (§7 ①)
                keyring.<ext>.enc    the key ring: its own file under its own key, so it
                                     can be kept apart from the rest
                destroyed.json.enc   subjects the key ring records as destroyed (for
                                     restoring an older backup when the live databases
                                     are lost: see restore.py)
                uploads.tar.enc, recordings.tar.enc   the stored files, when present

The folder is written as `<id>.partial` and renamed when complete: a crash leaves no folder
that looks like a backup.
"""

from __future__ import annotations

import json
import os
import secrets
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings

from jikim import clock
from jikim.audit.records import record
from jikim.backups import crypto, manifest, snapshots

EXTENSIONS = {snapshots.SQLITE_API: "sqlite3", snapshots.PG_DUMP: "sql", snapshots.ORM: "jsonl"}


def stored_dirs() -> dict[str, Path]:
    """The directories of stored files: uploads, and call recordings if kept on disk."""
    recordings = (
        getattr(settings, "RECORDINGS_ROOT", None)
        or getattr(settings, "RECORDINGS_DIR", None)
        or settings.VAR_DIR / "recordings"
    )
    return {"uploads": Path(settings.MEDIA_ROOT), "recordings": Path(recordings)}


def _tar(source: Path, name: str, target: Path, key: bytes, label: str) -> dict[str, Any]:
    writer = crypto.EncryptingWriter(target, key, label)
    count = 0
    try:
        with tarfile.open(fileobj=writer, mode="w|") as archive:  # type: ignore[call-overload]
            for path in sorted(source.rglob("*")):
                if path.is_symlink() or not (path.is_file() or path.is_dir()):
                    continue  # a link could point outside; only what is stored here
                archive.add(
                    path, arcname=str(Path(name) / path.relative_to(source)), recursive=False
                )
                count += path.is_file()
    except BaseException:
        writer.abort()
        raise
    info = writer.close()
    return {"count": count, "written": info}


def create(out: Path | None = None, *, method: str = "auto", tag: str = "") -> Path:
    """Take a backup into `out` (default BACKUP_DIR); returns its folder."""
    root = Path(out or settings.BACKUP_DIR)
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    now = clock.now()
    backup_id = f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}" + (f"-{tag}" if tag else "")
    partial = root / f"{backup_id}.partial"
    partial.mkdir(mode=0o700)
    fingerprint, data_key = crypto.backup_key(crypto.DATA)
    _, ring_key = crypto.backup_key(crypto.KEYRING, fingerprint)
    files: dict[str, dict[str, Any]] = {}
    databases: dict[str, dict[str, Any]] = {}
    stored: dict[str, dict[str, Any]] = {}

    def add(name: str, written: crypto.Written, use: str) -> None:
        files[name] = {
            "size": written.size,
            "sha256": written.sha256,
            "plain_size": written.plain_size,
            "key": use,
        }

    head: tuple[int, str] | None = None
    # Plaintext copies live only in this private directory, beside the backup (same disk,
    # so no copy of the data lands in a shared /tmp), and are deleted as soon as encrypted.
    with tempfile.TemporaryDirectory(dir=root, prefix=".work-") as work:
        copies = snapshots.take(Path(work), method)
        for copy in copies:
            use = crypto.KEYRING if copy.alias == "keyring" else crypto.DATA
            name = f"{copy.alias}.{EXTENSIONS[copy.method]}.enc"
            key = ring_key if use == crypto.KEYRING else data_key
            add(
                name,
                crypto.encrypt_file(copy.path, partial / name, key, f"{backup_id}/{name}"),
                use,
            )
            copy.path.unlink()
            databases[copy.alias] = {
                "engine": copy.engine,
                "method": copy.method,
                "tool": copy.tool,
                "file": name,
                "tables": copy.tables,
                "migrations": copy.migrations,
            }
            head = copy.head if copy.alias == "default" else head
            if copy.alias == "keyring":
                listing = Path(work) / "destroyed.json"
                listing.write_text(json.dumps(copy.shredded, sort_keys=True))
                name = "destroyed.json.enc"
                add(
                    name,
                    crypto.encrypt_file(listing, partial / name, ring_key, f"{backup_id}/{name}"),
                    crypto.KEYRING,
                )
                listing.unlink()
    # Files after the databases: a file added meanwhile is merely unreferenced.
    for name, source in stored_dirs().items():
        if source.is_dir():
            target = f"{name}.tar.enc"
            done = _tar(source, name, partial / target, data_key, f"{backup_id}/{target}")
            add(target, done["written"], crypto.DATA)
            stored[name] = {"file": target, "count": done["count"]}
    manifest.write(
        partial,
        {
            "format": manifest.FORMAT,
            "id": backup_id,
            "created_at": now.isoformat(),
            "master_key": fingerprint,
            "databases": databases,
            "stored_files": stored,
            "destroyed_file": "destroyed.json.enc",
            "audit_head": list(head) if head else None,
            "files": files,
        },
    )
    folder = root / backup_id
    os.rename(partial, folder)
    record(
        "backup.create",
        detail={
            "backup": backup_id,
            "bytes": sum(f["size"] for f in files.values()),
            "methods": sorted({d["method"] for d in databases.values()}),
        },
    )
    return folder
