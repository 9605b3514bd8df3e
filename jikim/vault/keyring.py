"""Data keys per data subject: create, load, shred, rewrap.

Keys are unwrapped for the duration of one operation and not cached across requests, so
that a shred takes effect in every process at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import time
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import connections, transaction

from jikim import clock
from jikim.bulkinsert import draw_ids, insert_rows
from jikim.vault import keyparts, masterkey, sqllist
from jikim.vault.models import DataKey, IndexRootKey
from jikim.vault.routers import KEYRING

logger = logging.getLogger(__name__)


class SubjectShredded(Exception):
    """New personal data for a subject whose key was destroyed: refused."""


@dataclass(frozen=True)
class Material:
    key_id: int
    aead: AESGCM

    def __repr__(self) -> str:
        return f"Material(key {self.key_id})"


def _wrap(kek: masterkey.Kek, raw: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(12)
    return nonce + kek.aead.encrypt(nonce, raw, aad)


def _unwrap(row_kek: str, wrapped: bytes, aad: bytes) -> bytes:
    kek = masterkey.known().get(row_kek)
    if kek is None:
        raise masterkey.MasterKeyError(
            f"a data key is wrapped by master key {row_kek}, which is not configured"
        )
    try:
        return kek.aead.decrypt(wrapped[:12], wrapped[12:], aad)
    except InvalidTag as exc:
        raise masterkey.MasterKeyError("a data key failed to unwrap (wrong master key)") from exc


def _aad(subject: str) -> bytes:
    return f"jikim/datakey/{subject}".encode()


def load(subjects: Iterable[str]) -> dict[str, Material | None]:
    """Keys of existing subjects; None for a subject whose key is shredded or missing."""
    wanted = sorted(set(subjects))
    found: dict[str, Material | None] = dict.fromkeys(wanted)
    if not wanted:
        return found
    # Every page showing personal data asks this (its subjects and the day's service-log
    # key): one written-out statement, where the ORM spent longer building it than the
    # database took to answer.
    connection = connections[KEYRING]
    table = connection.ops.quote_name(DataKey._meta.db_table)
    with connection.cursor() as cursor:
        for chunk in sqllist.chunks(wanted):
            cursor.execute(
                f"SELECT id, subject, wrapped, kek FROM {table} "  # noqa: S608
                f"WHERE wrapped IS NOT NULL AND {sqllist.member_of(connection, 'subject')}",
                [sqllist.param(connection, chunk)],
            )
            for pk, subject, wrapped, kek in cursor.fetchall():
                found[subject] = Material(pk, AESGCM(_unwrap(kek, bytes(wrapped), _aad(subject))))
    return found


def ensure(subjects: Iterable[str]) -> dict[str, Material]:
    """Keys for these subjects, creating those that do not exist yet."""
    wanted = set(subjects)
    # Most saves re-seal a subject that already has its key: one plain read answers them.
    loaded = load(wanted)
    if all(loaded.values()):
        return {s: m for s, m in loaded.items() if m is not None}
    lacking = {s for s, m in loaded.items() if m is None}
    kek = masterkey.current()
    now = clock.now()
    new_rows = [
        DataKey(
            subject=subject,
            wrapped=_wrap(kek, AESGCM.generate_key(bit_length=256), _aad(subject)),
            kek=kek.fingerprint,
            created_at=now,
        )
        for subject in lacking
    ]
    # A shredded subject keeps its row (wrapped NULL), so its insert is skipped as a
    # conflict and it still has no key below.
    DataKey.objects.using(KEYRING).bulk_create(new_rows, batch_size=1000, ignore_conflicts=True)
    loaded.update(load(lacking))
    missing = [s for s, m in loaded.items() if m is None]
    if missing:
        raise SubjectShredded(f"{len(missing)} subject(s) were shredded and take no new data")
    return {s: m for s, m in loaded.items() if m is not None}


KEY_COLUMNS = ("subject", "wrapped", "kek", "created_at")


def create(subjects: Iterable[str]) -> dict[str, Material]:
    """Keys for brand-new subjects (fresh random ids, as `new_subject` makes): the bulk
    import's fast path, which skips the look-up `ensure` does. A raw insert (the ORM's
    per-row preparation cost more than wrapping the keys), in its own transaction of the
    key ring: keys commit before the data they will seal is written."""
    wanted = list(subjects)
    if not wanted:
        return {}
    kek = masterkey.current()
    encrypt, fingerprint = kek.aead.encrypt, kek.fingerprint
    connection = connections[KEYRING]
    created_at = connection.ops.adapt_datetimefield_value(clock.now())
    # One read of the system's random source for every key and wrapping nonce of the batch
    # (the same randomness as a read per key, without a system call each).
    randomness = os.urandom(44 * len(wanted))
    raws: dict[str, bytes] = {}
    rows = []
    for index, subject in enumerate(wanted):
        offset = 44 * index
        raw = raws[subject] = randomness[offset : offset + 32]
        nonce = randomness[offset + 32 : offset + 44]
        rows.append((subject, nonce + encrypt(nonce, raw, _aad(subject)), fingerprint, created_at))
    quote = connection.ops.quote_name
    select = (
        f"SELECT {quote('id')}, {quote('subject')} FROM {quote(DataKey._meta.db_table)} "  # noqa: S608
        f"WHERE {quote('subject')} IN "
    )
    out = {}
    with transaction.atomic(using=KEYRING), connection.cursor() as cursor:
        ids = draw_ids(connection, DataKey._meta.db_table, len(rows))
        if ids is not None:
            # Read back, every subject was pruned to its partition one by one while
            # planning (19 ms per 900 keys).
            insert_rows(
                connection,
                DataKey._meta.db_table,
                ("id", *KEY_COLUMNS),
                [(pk, *row) for pk, row in zip(ids, rows, strict=True)],
            )
            return {s: Material(pk, AESGCM(raws[s])) for pk, s in zip(ids, wanted, strict=True)}
        insert_rows(connection, DataKey._meta.db_table, KEY_COLUMNS, rows)
        for start in range(0, len(wanted), 900):  # IN lists within SQLite's 999 parameters
            part = wanted[start : start + 900]
            cursor.execute(select + f"({', '.join(['%s'] * len(part))})", part)
            for pk, subject in cursor.fetchall():
                out[subject] = Material(pk, AESGCM(raws[subject]))
    return out


# Up to this many subjects a shred names them in one `= ANY` condition (PostgreSQL prunes
# the partitions for each while planning), beyond it routes them to their partitions.
_FEW = 100


def shred(subjects: Iterable[str], *, compact_after: bool = True) -> int:
    """Destroy the data keys of these subjects. Returns how many keys were destroyed.

    The key ring is compacted afterwards so that the destroyed key bytes do not linger in
    free pages or the write-ahead log: at once on SQLite, by the task worker on PostgreSQL.
    """
    wanted = sorted(set(subjects))
    connection = connections[KEYRING]
    table = connection.ops.quote_name(DataKey._meta.db_table)
    stamp = connection.ops.adapt_datetimefield_value(clock.now())
    # On PostgreSQL, the partitions that held the destroyed keys: only they are compacted.
    returning = " RETURNING tableoid::regclass::text" if connection.vendor == "postgresql" else ""
    held: set[str] = set()
    destroyed = 0
    # A few statements per chunk, not one per subject: a sweep shreds hundreds of thousands.
    with transaction.atomic(using=KEYRING), connection.cursor() as cursor:
        for chunk in sqllist.chunks(wanted):
            if returning and len(chunk) > _FEW:
                count = _shred_routed(cursor, chunk, stamp, held)
            else:
                cursor.execute(
                    f"UPDATE {table} SET wrapped = NULL, shredded_at = %s "  # noqa: S608
                    f"WHERE wrapped IS NOT NULL AND {sqllist.member_of(connection, 'subject')}"
                    + returning,
                    [stamp, sqllist.param(connection, chunk)],
                )
                count = cursor.rowcount
                if returning:
                    held.update(name for (name,) in cursor.fetchall())
            destroyed += count
            if count == len(chunk):
                continue  # every subject had a live key: no marker is missing
            # A subject that never had a key is recorded as shredded too, so no key can be
            # made for it later.
            cursor.execute(
                f"INSERT INTO {table} (subject, wrapped, kek, created_at, shredded_at) "  # noqa: S608
                f"SELECT s.v, NULL, '', %s, %s FROM {sqllist.rows_of(connection, 's')} "
                "WHERE true ON CONFLICT (subject) DO NOTHING",
                [stamp, stamp, sqllist.param(connection, chunk)],
            )
    if compact_after and destroyed:  # no key destroyed, no key bytes to remove
        if connection.vendor == "postgresql":
            # The rewrite waits for older transactions (compact): in the worker, not in
            # the request that shredded.
            from jikim.vault.tasks import compact_key_ring

            compact_key_ring.enqueue(sorted(held))
        else:
            compact(held or None)
    return destroyed


def _shred_routed(cursor: Any, subjects: Sequence[str], stamp: Any, held: set[str]) -> int:
    """Many subjects on PostgreSQL: each partition's share through that partition's own
    index (keyparts), so the cost follows the subjects, not the size of the key ring
    (bench/retention_bench.py on PostgreSQL)."""
    quote = connections[KEYRING].ops.quote_name
    routed, unrouted = keyparts.route(cursor, subjects)
    count = 0
    for relation, group in sorted(routed.items()):
        # `relation` is PostgreSQL's own printing of a partition's name (keyparts).
        cursor.execute(
            f"UPDATE {relation} SET wrapped = NULL, shredded_at = %s "  # noqa: S608
            "WHERE wrapped IS NOT NULL AND subject = ANY(%s)",
            [stamp, group],
        )
        if cursor.rowcount:
            held.add(relation)
            count += cursor.rowcount
    if unrouted:
        # Joined with the list, not `= ANY(list)`, whose planning pruned partitions value
        # by value (255 ms for 10,000).
        cursor.execute(
            f"UPDATE {quote(DataKey._meta.db_table)} k SET wrapped = NULL, shredded_at = %s "  # noqa: S608
            "FROM unnest(%s::varchar[]) AS s(v) WHERE k.subject = s.v "
            "AND k.wrapped IS NOT NULL RETURNING k.tableoid::regclass::text",
            [stamp, unrouted],
        )
        count += cursor.rowcount
        held.update(name for (name,) in cursor.fetchall())
    return count


def live_subjects(*, created_before: dt.datetime, after: str = "", limit: int = 500) -> list[str]:
    """One page of the subjects whose key is live and was made before `created_before`, in
    subject order after `after`: a walk through the key ring that holds one page at a time,
    resumable from any subject (the unique index on `subject` serves the order)."""
    return list(
        DataKey.objects.using(KEYRING)
        .filter(wrapped__isnull=False, created_at__lt=created_before, subject__gt=after)
        .order_by("subject")
        .values_list("subject", flat=True)[:limit]
    )


def is_shredded(subject: str) -> bool:
    return DataKey.objects.using(KEYRING).filter(subject=subject, wrapped__isnull=True).exists()


# What PostgreSQL names a partition of the key ring (regclass text, schema-qualified when
# the schema is not on the search path): checked before it goes into a statement.
_RELATION = re.compile(r"([a-z0-9_]+\.)?[a-z0-9_]+")


def compact(relations: Collection[str] | None = None) -> None:
    """Make destroyed key bytes physically unrecoverable from the key ring's files: from
    the given partitions of its table (PostgreSQL), else from all of it."""
    connection = connections[KEYRING]
    if connection.in_atomic_block:
        return
    if connection.vendor == "postgresql":
        for alias in connections:
            if alias != KEYRING and connections[alias].in_atomic_block:
                # This thread's own transaction elsewhere began before the shred, and
                # PostgreSQL keeps a destroyed key's old row for any such transaction:
                # compacted now, its bytes would stay in the file. Once it has committed.
                transaction.on_commit(partial(compact, relations), using=alias, robust=True)
                return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # The key ring runs with secure_delete, so a shredded key's bytes are zeroed in
            # the page that held them; the checkpoint writes those pages over the file's old
            # ones and empties the write-ahead log. (A VACUUM here rewrote the whole file on
            # every shred, 1.2 s at a million keys, and removed nothing more.)
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        elif connection.vendor == "postgresql":
            _await_older_transactions(cursor)
            # VACUUM FULL writes the table anew and drops the old file, under an exclusive
            # lock: on one partition, a thirty-second of the keys wait (vault 0003).
            named = sorted(relations or ())
            if not named or not all(_RELATION.fullmatch(r) for r in named):
                # The keys are already destroyed: a name this cannot vouch for costs the
                # whole table's rewrite, never a skipped one.
                named = [DataKey._meta.db_table]
            for relation in named:
                cursor.execute(f"VACUUM FULL {relation}")


def _await_older_transactions(cursor: Any) -> bool:
    """Wait until every transaction that was running anywhere on the database server when
    this began has ended (at most VAULT_COMPACT_WAIT_SECONDS). Until then PostgreSQL keeps
    a destroyed key's old row, since such a transaction may still read it, and a rewrite
    copies it into the new file. Real time, not the service clock: this waits for other
    processes. Returns whether they ended in time."""
    cursor.execute("SELECT txid_current()")  # a transaction id newer than all running now
    (mark,) = cursor.fetchone()
    deadline = time.monotonic() + settings.VAULT_COMPACT_WAIT_SECONDS
    while True:
        cursor.execute("SELECT txid_snapshot_xmin(txid_current_snapshot()) > %s", [mark])
        if cursor.fetchone()[0]:
            return True
        if time.monotonic() >= deadline:
            # Compacted all the same; what is kept goes with the next compaction of that
            # partition, or the daily sweep's of the whole key ring.
            logger.warning("key ring compacted while an older transaction was still open")
            return False
        time.sleep(0.05)


def index_root() -> bytes:
    """The blind-index root key, created once."""
    kek = masterkey.current()
    aad = b"jikim/index-root"
    row = IndexRootKey.objects.using(KEYRING).order_by("pk").first()
    if row is None:
        with transaction.atomic(using=KEYRING):
            row = IndexRootKey.objects.using(KEYRING).select_for_update().order_by("pk").first()
            if row is None:
                raw = os.urandom(32)
                row = IndexRootKey.objects.using(KEYRING).create(
                    wrapped=_wrap(kek, raw, aad), kek=kek.fingerprint, created_at=clock.now()
                )
    return _unwrap(row.kek, bytes(row.wrapped), aad)


def rewrap(batch_size: int = 1000) -> tuple[int, int]:
    """Rewrap every key not yet under the current master key. Resumable: each batch
    commits on its own, and a rerun continues with what is left. Returns (done, left)."""
    kek = masterkey.current()
    done = 0
    for root in IndexRootKey.objects.using(KEYRING).exclude(kek=kek.fingerprint):
        raw = _unwrap(root.kek, bytes(root.wrapped), b"jikim/index-root")
        root.wrapped = _wrap(kek, raw, b"jikim/index-root")
        root.kek = kek.fingerprint
        root.save(using=KEYRING, update_fields=["wrapped", "kek"])
    pending = (
        DataKey.objects.using(KEYRING).exclude(kek=kek.fingerprint).filter(wrapped__isnull=False)
    )
    while True:
        with transaction.atomic(using=KEYRING):
            rows = list(pending.order_by("pk")[:batch_size])
            if not rows:
                break
            for row in rows:
                raw = _unwrap(row.kek, bytes(row.wrapped or b""), _aad(row.subject))
                row.wrapped = _wrap(kek, raw, _aad(row.subject))
                row.kek = kek.fingerprint
            DataKey.objects.using(KEYRING).bulk_update(rows, ["wrapped", "kek"])
            done += len(rows)
    return done, pending.count()
