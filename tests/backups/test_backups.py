"""Backup files: encryption that detects any change, the manifest's authentication, the
refusals of a restore that cannot be trusted or does not fit, the daily task and the
backups' own retention."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import time_machine

from jikim.backups import crypto, manifest, prune, restore
from jikim.backups.create import create
from jikim.backups.tasks import daily_backup
from jikim.vault import masterkey
from tests.conftest import create_member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def backups(settings: Any, tmp_path: Path) -> Path:
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit" / "checkpoints.jsonl"
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.RECORDINGS_DIR = tmp_path / "recordings"
    return Path(settings.BACKUP_DIR)


def test_encrypted_stream_round_trips_and_detects_any_change(tmp_path: Path) -> None:
    _, key = crypto.backup_key(crypto.DATA)
    plain = tmp_path / "plain"
    plain.write_bytes(b"0123456789" * 300_000)  # three pieces
    sealed = tmp_path / "sealed"
    written = crypto.encrypt_file(plain, sealed, key, "b1/default")
    assert written.sha256 == crypto.sha256_of(sealed) and written.plain_size == 3_000_000
    assert b"0123456789" not in sealed.read_bytes()
    out = tmp_path / "out"
    crypto.decrypt_file(sealed, out, key, "b1/default")
    assert out.read_bytes() == plain.read_bytes()

    data = sealed.read_bytes()
    for name, damaged in {
        "a flipped byte": data[:-40] + bytes([data[-40] ^ 1]) + data[-39:],
        "cut short": data[: len(data) // 2],
        "cut before the end": data[:-1],
    }.items():
        sealed.write_bytes(damaged)
        with pytest.raises(crypto.BackupDamaged):
            b"".join(crypto.decrypted_pieces(sealed, key, "b1/default")), name
    sealed.write_bytes(data)
    with pytest.raises(crypto.BackupDamaged, match="authentication"):
        b"".join(crypto.decrypted_pieces(sealed, key, "b2/default")), "moved to another backup"
    with pytest.raises(crypto.BackupDamaged):
        b"".join(
            crypto.decrypted_pieces(sealed, crypto.backup_key(crypto.KEYRING)[1], "b1/default")
        )


def test_backup_keys_are_derived_per_use_and_follow_the_master_key(settings, tmp_path) -> None:
    fingerprint, data_key = crypto.backup_key(crypto.DATA)
    assert fingerprint == masterkey.current().fingerprint
    assert data_key != crypto.backup_key(crypto.KEYRING)[1]
    old = settings.MASTER_KEY_FILE
    new = tmp_path / "new.key"
    new.write_text("ab" * 32)
    settings.MASTER_KEY_FILE, settings.OLD_MASTER_KEY_FILES = new, [str(old)]
    assert crypto.backup_key(crypto.DATA, fingerprint) == (fingerprint, data_key)
    assert crypto.backup_key(crypto.DATA)[0] != fingerprint
    settings.OLD_MASTER_KEY_FILES = []
    with pytest.raises(masterkey.MasterKeyError, match="JIKIM_OLD_MASTER_KEY_FILES"):
        crypto.backup_key(crypto.DATA, fingerprint)


def test_a_changed_or_damaged_backup_is_refused_before_anything_changes(backups: Path) -> None:
    member = create_member("kim")
    folder = create()
    data = json.loads((folder / manifest.NAME).read_text())

    edited = {**data, "created_at": "2020-01-01T00:00:00+00:00"}
    (folder / manifest.NAME).write_text(json.dumps(edited))
    with pytest.raises(restore.RestoreError, match="변조"):
        restore.restore(folder)
    (folder / manifest.NAME).write_text(json.dumps(data))

    target = folder / data["databases"]["default"]["file"]
    original = target.read_bytes()
    target.write_bytes(original[:100] + bytes([original[100] ^ 1]) + original[101:])
    with pytest.raises(restore.RestoreError, match="크기나 해시"):
        restore.restore(folder)
    target.write_bytes(original)

    # A backup made by newer code (a migration this code does not know) does not fit.
    (folder / manifest.NAME).unlink()
    newer = {k: v for k, v in data.items() if k != "mac"}
    newer["databases"]["default"]["migrations"].append("accounts.9999_from_the_future")
    manifest.write(folder, newer)
    with pytest.raises(restore.RestoreError, match="더 새로운 버전"):
        restore.restore(folder)
    member.refresh_from_db()  # untouched
    assert not any(p.name.endswith("pre-restore") for p in backups.iterdir())


def test_the_daily_task_backs_up_and_keeps_its_own_retention(backups: Path, settings) -> None:
    settings.BACKUP_KEEP_DAYS = 7
    (Path(settings.MEDIA_ROOT) / "imports").mkdir(parents=True)
    (Path(settings.MEDIA_ROOT) / "imports" / "a.bin").write_bytes(b"x")
    start = dt.datetime(2026, 12, 1, 18, 0, tzinfo=dt.UTC)
    results = []
    for day in (0, 3, 10):
        with time_machine.travel(start + dt.timedelta(days=day), tick=False):
            results.append(daily_backup.enqueue().return_value)
    names = sorted(p.name for p in backups.iterdir())
    assert names == sorted(r["backup"] for r in results[1:])
    assert results[2]["removed"] == [results[0]["backup"]], "10 days old: past the 7 kept"
    data = manifest.read(backups / results[2]["backup"])
    assert data["stored_files"]["uploads"]["count"] == 1
    assert all(f["sha256"] and f["size"] for f in data["files"].values())

    # The newest backup is never removed, however old; a day-old leftover always is.
    leftover = backups / "20261201T000000Z-abcdef.partial"
    leftover.mkdir()
    with time_machine.travel(start + dt.timedelta(days=100), tick=False):
        removed = prune.prune()
    assert results[1]["backup"] in removed and leftover.name in removed
    assert [p.name for p in backups.iterdir()] == [results[2]["backup"]]
