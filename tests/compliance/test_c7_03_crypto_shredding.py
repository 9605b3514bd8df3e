"""C7-03: electronic data is destroyed by a technical method that makes it unrecoverable,
backups included: destroying a subject's data key (crypto-shredding) leaves every copy of
its ciphertext unreadable."""

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from jikim.accounts.models import Member
from jikim.vault import access, keyring, sealing
from jikim.vault.fields import new_subject
from jikim.vault.models import DataKey
from tests.conftest import create_member
from tests.dbscan import database_bytes

pytestmark = pytest.mark.django_db(transaction=True)
MOBILE = "01077778888"
OFFICE = "0317654321"
# For the tests that read the key ring's files: a compaction waits for transactions older
# than it, such as a long test's in the other test process, before it rewrites.
WAIT_AS_LONG_AS_IT_TAKES = 900


def _backup(tmp_path: Path) -> tuple[bytes, Path | None]:
    """A copy of the main database as a backup would take it."""
    connection = connections["default"]
    if connection.vendor != "sqlite":
        return database_bytes(), None
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(FULL)")
    copy = tmp_path / "backup.sqlite3"
    shutil.copyfile(connection.settings_dict["NAME"], copy)
    return copy.read_bytes(), copy


def _token_in_backup(copy: Path | None, member: Member) -> str:
    """The member's mobile ciphertext as the backup holds it."""
    if copy is None:  # PostgreSQL: the dump was taken by SQL; read the same row the same way
        with connections["default"].cursor() as cursor:
            cursor.execute(
                "SELECT mobile FROM accounts_member WHERE subject = %s", [member.subject]
            )
            return str(cursor.fetchone()[0])
    with sqlite3.connect(copy) as db:
        row = db.execute(
            "SELECT mobile FROM accounts_member WHERE subject = ?", (member.subject,)
        ).fetchone()
    return str(row[0])


def test_c7_03_shredding_makes_live_data_and_old_backups_unreadable(tmp_path: Path) -> None:
    member = create_member("shredme")
    member.mobile, member.company_phone = MOBILE, OFFICE
    member.save()
    other = create_member("keepme")
    wrapped = bytes(DataKey.objects.using("keyring").get(subject=member.subject).wrapped)

    dump, copy = _backup(tmp_path)
    assert MOBILE.encode() not in dump and OFFICE.encode() not in dump, (
        "backups hold only ciphertext"
    )
    token = _token_in_backup(copy, member)
    material = keyring.load([member.subject])[member.subject]
    assert sealing.open_sealed(material, "member.mobile", member.subject, token) == MOBILE

    access.shred([member.subject], actor=access.SYSTEM, reason="C7-03 test")

    # Live database: the values read as destroyed.
    live = Member.objects.get(pk=member.pk)
    revealed = access.reveal_rows(
        [live], ["mobile", "company_phone"], purpose="member_management", actor=access.SYSTEM
    )[0]
    assert revealed["mobile"].shredded and str(revealed["company_phone"]) == "파기됨"
    # The backup made before: its ciphertext has no key any more, under any key id.
    assert keyring.load([member.subject])[member.subject] is None
    key_row = DataKey.objects.using("keyring").get(pk=sealing.key_id_of(token))
    assert key_row.wrapped is None and key_row.shredded_at is not None
    # Other subjects are untouched.
    assert (
        access.reveal(other, "mobile", purpose="member_management", actor=access.SYSTEM).value
        == "01055556666"
    )

    # Nothing of the plaintext in either database file, nor the destroyed key in the key ring.
    assert MOBILE.encode() not in database_bytes() and MOBILE.encode() not in dump
    if copy is not None:
        assert wrapped not in database_bytes("keyring"), (
            "destroyed key bytes linger in the key ring file"
        )


def test_c7_03_the_key_ring_is_a_separate_database() -> None:
    main, ring = connections["default"].settings_dict, connections["keyring"].settings_dict
    assert (main["ENGINE"], main["NAME"]) != (ring["ENGINE"], ring["NAME"])
    assert "vault_datakey" not in connections["default"].introspection.table_names()
    assert "vault_datakey" in connections["keyring"].introspection.table_names()


def test_c7_03_shredded_keys_leave_no_bytes_in_the_key_ring_file() -> None:
    """Many keys, some shredded: none of the shredded ones is left anywhere in the key ring's
    file or its write-ahead log, while a live key is (the search would find one)."""
    if connections["keyring"].vendor != "sqlite":
        pytest.skip("the file is read byte by byte on SQLite")
    subjects = sorted(new_subject("r") for _ in range(500))
    keyring.create(subjects)
    victims = subjects[::10]
    wrapped = {
        subject: bytes(value)
        for subject, value in DataKey.objects.using("keyring")
        .filter(subject__in=subjects)
        .values_list("subject", "wrapped")
    }
    keyring.shred(victims)
    data = database_bytes("keyring")
    assert wrapped[subjects[1]] in data, "a live key is found where keys are kept"
    assert not [s for s in victims if wrapped[s] in data], "shredded key bytes remain"


def _partition_files() -> dict[str, tuple[int, Path]]:
    """Each partition of the PostgreSQL key ring: (its file node, its file)."""
    with connections["keyring"].cursor() as cursor:
        cursor.execute("SHOW data_directory")
        root = Path(cursor.fetchone()[0])
        cursor.execute(
            "SELECT c.relname, c.relfilenode, pg_relation_filepath(c.oid) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'vault_datakey'::regclass"
        )
        return {name: (node, root / path) for name, node, path in cursor.fetchall()}


def _wrapped(subjects: list[str]) -> dict[str, bytes]:
    return {
        subject: bytes(value)
        for subject, value in DataKey.objects.using("keyring")
        .filter(subject__in=subjects)
        .values_list("subject", "wrapped")
    }


def _partition_of(subject: str) -> str:
    with connections["keyring"].cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM vault_datakey WHERE subject = %s", [subject]
        )
        return str(cursor.fetchone()[0])


def test_c7_03_a_shred_rewrites_only_the_key_ring_partitions_that_held_the_keys() -> None:
    """PostgreSQL: the key ring is in partitions, and a shred rewrites (VACUUM FULL) the
    ones that held the destroyed keys, not the whole key ring under its lock."""
    if connections["keyring"].vendor != "postgresql":
        pytest.skip("partitions of the key ring exist on PostgreSQL")
    subjects = sorted(new_subject("r") for _ in range(300))
    keyring.create(subjects)
    before = _partition_files()
    assert len(before) == 32
    victim = subjects[7]
    held = _partition_of(victim)
    keyring.shred([victim])
    after = _partition_files()
    changed = {name for name in before if before[name][0] != after[name][0]}
    assert changed == {held}, "only the victim's partition is written anew"
    keyring.shred([victim, new_subject("never")])  # nothing left to destroy: nothing rewritten
    assert _partition_files() == after
    assert keyring.load([victim]) == {victim: None}
    assert keyring.load(subjects[:3])[subjects[0]] is not None


def test_c7_03_shredded_keys_leave_no_bytes_in_the_key_ring_relation(
    settings: Any,
) -> None:
    """PostgreSQL: after a shred and a checkpoint, no shredded key's bytes are in any file
    of the key ring's table, while live keys are (the search would find one)."""
    if connections["keyring"].vendor != "postgresql":
        pytest.skip("the relation files are read on PostgreSQL")
    settings.VAULT_COMPACT_WAIT_SECONDS = WAIT_AS_LONG_AS_IT_TAKES
    subjects = sorted(new_subject("r") for _ in range(500))
    keyring.create(subjects)
    wrapped = _wrapped(subjects)
    victims = subjects[::3]  # more than keyring._FEW: routed to their partitions
    keyring.shred(victims)
    data = _key_ring_bytes()
    if data is None:
        pytest.skip("the database's files are not on this machine")
    assert wrapped[subjects[1]] in data, "a live key is found where keys are kept"
    assert not [s for s in victims if wrapped[s] in data], "shredded key bytes remain"


def _key_ring_bytes() -> bytes | None:
    """Every file of the key ring's partitions after a checkpoint (None: not readable)."""
    with connections["keyring"].cursor() as cursor:
        cursor.execute("CHECKPOINT")  # the rewritten pages leave shared memory for the files
    files = [path for _, path in _partition_files().values()]
    if not all(path.exists() for path in files):
        return None
    return b"".join(
        path.read_bytes() + b"".join(p.read_bytes() for p in path.parent.glob(f"{path.name}.*"))
        for path in files
    )


def test_c7_03_a_key_shredded_inside_a_larger_change_leaves_the_key_ring_files_too(
    settings: Any,
) -> None:
    """PostgreSQL: cancelling an upload shreds its file's key inside the cancellation's
    transaction. A compaction run before that transaction ends keeps the old key row for
    the transaction's sake; it runs after the commit, and the key's bytes are gone."""
    if connections["keyring"].vendor != "postgresql":
        pytest.skip("the relation files are read on PostgreSQL")
    from jikim.accounts.models import Tenant
    from jikim.shipping import actions
    from tests.conftest import create_seller
    from tests.shipping import marketplace_files as files

    settings.VAULT_COMPACT_WAIT_SECONDS = WAIT_AS_LONG_AS_IT_TAKES
    seller = create_seller("cancels")
    tenant = Tenant.objects.get(memberships__member=seller)
    batch = actions.do_receive_upload(
        seller,
        tenant,
        data=files.smartstore_xlsx(),
        filename="주문.xlsx",
        password=None,
        queue=False,
    )
    key = _wrapped([batch.subject])[batch.subject]

    actions.do_cancel(seller, batch)

    data = _key_ring_bytes()
    if data is None:
        pytest.skip("the database's files are not on this machine")
    assert key not in data, "the cancelled upload's key bytes remain in the key ring's files"
    assert keyring.load([batch.subject]) == {batch.subject: None}
