"""C9-03: data is backed up regularly, and restores are tested — here, end to end with the
real commands: `jikim backup` → a subject is destroyed → `jikim restore` → the destroyed
subject stays unreadable (its key is shredded again, its rows deleted again, ledgered),
and everything else is as it was. On SQLite always; on PostgreSQL with pg_dump and with
the Django ORM fallback."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connections

from jikim import clock
from jikim.accounts import actions as account_actions
from jikim.accounts.models import Member
from jikim.backups import crypto, manifest, snapshots
from jikim.retention import sweep
from jikim.retention.models import LedgerEntry, SeparatedRecord
from jikim.retention.separated import sweeping
from jikim.shipping.models import Party
from jikim.vault import access
from jikim.vault.models import DataKey
from jikim.vault.routers import KEYRING
from tests.conftest import create_member
from tests.retention.helpers import deliver, seller_with_orders
from tests.vaulthelp import plain

pytestmark = pytest.mark.django_db(transaction=True)
REPO = Path(__file__).resolve().parents[2]
# Tables a restore legitimately changes: the access records grow (the restore records
# itself) and the ledger gains the restore's own sweep re-applying the destruction.
CHANGED_BY_RESTORE = {"retention_sweep", "retention_destructionitem", "retention_ledgerentry"}


def _database_url(alias: str) -> str:
    conf = connections[alias].settings_dict
    if conf["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{conf['NAME']}"
    host, port, user = conf["HOST"] or "127.0.0.1", conf["PORT"] or 5432, conf["USER"]
    return f"postgres://{user}@{host}:{port}/{conf['NAME']}"


@pytest.fixture
def env(tmp_path: Path, settings: Any) -> dict[str, str]:
    """The environment of the `jikim` processes: these test databases, this test's own
    checkpoint file, backup folder and stored files, the suite's keys."""
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit" / "checkpoints.jsonl"
    settings.BACKUP_DIR = tmp_path / "backups"
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_ALLOW")},
        "DATABASE_URL": _database_url("default"),
        "JIKIM_KEYRING_DATABASE_URL": _database_url("keyring"),
        "JIKIM_SEPARATED_DATABASE_URL": _database_url("separated"),
        "JIKIM_VAR_DIR": str(tmp_path / "var"),
        "JIKIM_MASTER_KEY_FILE": str(django_settings.MASTER_KEY_FILE),
        "JIKIM_AUDIT_SIGNING_KEY_FILE": str(django_settings.AUDIT_SIGNING_KEY_FILE),
        "JIKIM_AUDIT_CHECKPOINT_FILE": str(settings.AUDIT_CHECKPOINT_FILE),
        "JIKIM_BACKUP_DIR": str(settings.BACKUP_DIR),
    }


def jikim(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    connections.close_all()  # the commands replace databases under open connections
    done = subprocess.run(
        [sys.executable, "-m", "jikim.manage", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    connections.close_all()
    return done


def _methods() -> list[str]:
    if connections["default"].vendor == "sqlite":
        return ["auto"]
    return [snapshots.PG_DUMP, snapshots.ORM]


def _pg_tools_or_skip() -> None:
    if connections["default"].vendor == "postgresql" and not snapshots.pg_tools_available():
        pytest.skip(
            "PostgreSQL run without pg_dump/psql on the PATH: the pg_dump method is untested"
        )


def table_counts() -> dict[str, int]:
    counts = {}
    for alias in snapshots.ALIASES:
        connection = connections[alias]
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names(cursor):
                if table.startswith("audit_") or table in CHANGED_BY_RESTORE:
                    continue
                name = connection.ops.quote_name(table)
                cursor.execute(f"SELECT count(*) FROM {name}")  # noqa: S608 - introspected
                counts[f"{alias}.{table}"] = cursor.fetchone()[0]
    return counts


def readable_values() -> dict[str, list[str]]:
    """Every party's and member's personal values as the vault opens them."""
    values = {}
    for party in Party.objects.order_by("pk"):
        values[party.subject] = [plain(party, f) for f in ("name", "phone1", "address_base")]
    for member in Member.objects.order_by("pk"):
        values[member.subject] = [plain(member, f) for f in ("mobile", "company_phone")]
    return values


def lose_databases() -> None:
    """As if the machine were gone: SQLite files deleted, PostgreSQL databases emptied."""
    connections.close_all()
    for alias in snapshots.ALIASES:
        connection = connections[alias]
        if connection.vendor == "sqlite":
            name = Path(connection.settings_dict["NAME"])
            for path in (name, *(name.with_name(name.name + s) for s in ("-wal", "-shm"))):
                path.unlink(missing_ok=True)
        else:
            with connection.cursor() as cursor:
                cursor.execute(snapshots.DROP_ALL)
    connections.close_all()


def _population(alice: Member) -> tuple[list[Party], Member, Member]:
    parties = seller_with_orders(alice)
    kim = create_member("kim")
    bob = create_member("bob")
    account_actions.do_withdraw(bob)
    sweep.run()  # bob moves to the separated store (C7-01): the third database has a row
    return parties, kim, bob


@pytest.mark.parametrize("method", _methods())
def test_c9_03_backup_shred_restore_the_subject_stays_unreadable_the_rest_identical(
    method: str, env: dict[str, str], alice: Member, tmp_path: Path
) -> None:
    _pg_tools_or_skip()
    parties, kim, bob = _population(alice)
    gone = parties[0]
    # Delivered long ago, so due at the next sweep — which runs after the backup.
    deliver(gone, clock.now() - dt.timedelta(days=100))
    stored = tmp_path / "var" / "uploads" / "imports" / "kept.bin"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(b"stored file")

    made = jikim(env, "backup", "--method", method)
    assert made.returncode == 0, made.stderr[-3000:]
    (folder,) = [p for p in Path(env["JIKIM_BACKUP_DIR"]).iterdir() if not p.name.startswith(".")]
    data = manifest.read(folder)
    assert {d["method"] for d in data["databases"].values()} == {
        snapshots.SQLITE_API if method == "auto" else method
    }
    assert data["files"]["keyring." + data["databases"]["keyring"]["file"].split(".", 1)[1]]
    assert data["stored_files"]["uploads"]["count"] == 1

    # After the backup: one recipient destroyed by the retention sweep (rows deleted,
    # ledgered), Kim's key shredded directly (rows kept, unreadable).
    assert sweep.run().destroyed == 1
    access.shred([kim.subject], actor=access.SYSTEM, reason="C9-03 test")
    stored.unlink()
    before_counts, before_values = table_counts(), readable_values()
    assert gone.subject not in before_values

    restored = jikim(env, "restore", "--yes", str(folder))
    assert restored.returncode == 0, restored.stdout[-3000:] + restored.stderr[-3000:]
    assert "접속기록 검증 통과" in restored.stdout
    assert "다시 파기했습니다 (파기 대장 1명, 대장 밖 키 파기 1명" in restored.stdout

    # The destroyed stay destroyed.
    pii = access.reveal(
        Member.objects.get(pk=kim.pk), "mobile", purpose="member_management", actor=access.SYSTEM
    )
    assert pii.shredded and str(pii) == "파기됨"
    assert not Party.objects.filter(subject=gone.subject).exists()
    for subject in (kim.subject, gone.subject):
        assert DataKey.objects.using(KEYRING).get(subject=subject).wrapped is None
    ledgered = {
        (e.source, s)
        for e in LedgerEntry.objects.filter(sweep__trigger="restore")
        for s in e.subjects
    }
    assert ledgered == {("shipping.recipient", gone.subject), ("vault.keyring", kim.subject)}

    # Everything else as it was: every table's rows, every readable value, the stored file.
    assert table_counts() == before_counts
    assert readable_values() == before_values
    with sweeping():
        assert SeparatedRecord.objects.filter(subject=bob.subject).exists()
    assert stored.read_bytes() == b"stored file"
    assert Member.objects.get(pk=bob.pk).is_withdrawn


def test_c9_03_the_key_ring_is_its_own_file_under_its_own_key(
    env: dict[str, str], alice: Member
) -> None:
    _pg_tools_or_skip()
    seller_with_orders(alice)
    assert jikim(env, "backup").returncode == 0
    (folder,) = [p for p in Path(env["JIKIM_BACKUP_DIR"]).iterdir() if not p.name.startswith(".")]
    data = manifest.read(folder)
    ring = data["databases"]["keyring"]["file"]
    assert data["files"][ring]["key"] == crypto.KEYRING
    label = f"{data['id']}/{ring}"
    with pytest.raises(crypto.BackupDamaged):
        b"".join(crypto.decrypted_pieces(folder / ring, crypto.backup_key(crypto.DATA)[1], label))
    opened = b"".join(
        crypto.decrypted_pieces(folder / ring, crypto.backup_key(crypto.KEYRING)[1], label)
    )
    assert len(opened) == data["files"][ring]["plain_size"]
    for name in data["files"]:
        assert b"010" not in (folder / name).read_bytes()[:4096] or name == ring


def test_c9_03_lost_databases_restore_older_backup_and_newer_key_rings_keep_destruction(
    env: dict[str, str], alice: Member
) -> None:
    """The machine is gone: no live database to read destruction from. An older backup is
    restored; a newer backup's key ring still says who was destroyed since."""
    _pg_tools_or_skip()
    seller_with_orders(alice)
    kim = create_member("kim")
    assert jikim(env, "backup").returncode == 0
    access.shred([kim.subject], actor=access.SYSTEM, reason="C9-03 test")
    assert jikim(env, "backup").returncode == 0
    older = min(p for p in Path(env["JIKIM_BACKUP_DIR"]).iterdir() if not p.name.startswith("."))
    lose_databases()

    restored = jikim(env, "restore", "--yes", str(older))
    assert restored.returncode == 0, restored.stdout[-3000:] + restored.stderr[-3000:]
    assert "의 키 링" in restored.stdout and "대장 밖 키 파기 1명" in restored.stdout
    assert "복원 전 상태" not in restored.stdout, "nothing readable to back up first"
    pii = access.reveal(
        Member.objects.get(pk=kim.pk), "mobile", purpose="member_management", actor=access.SYSTEM
    )
    assert pii.shredded
