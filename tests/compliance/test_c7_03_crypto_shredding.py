"""C7-03: electronic data is destroyed by a technical method that makes it unrecoverable,
backups included: destroying a subject's data key (crypto-shredding) leaves every copy of
its ciphertext unreadable."""

import shutil
import sqlite3
from pathlib import Path

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
