"""What a restore must not undo: destruction, and the access records.

A backup is older than the service it restores. Since it was taken, subjects may have been
destroyed — by the retention sweep (the destruction ledger) or by shredding their keys
directly — and the backup, key ring included, still holds them. And access records have
been written, which are evidence: rolling them back is what C9-05 forbids. So before the
databases are replaced, `capture` reads from the live ones the subjects destroyed and the
access records; after, `carry_audit` puts the records back and `apply` destroys again,
the sweep's way, what was destroyed, each ledgered under a sweep of trigger "restore".

The live databases are the only complete source of this. When they cannot be read (lost
with the machine), destruction since the backup cannot be re-applied from them; the
restore then re-applies what the newer backups' key rings record (restore.py), and says
which source it used.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import DatabaseError, connections, transaction

from jikim import clock
from jikim.accounts.models import Member
from jikim.audit.models import AccessRecord, Checkpoint, CheckpointKind
from jikim.audit.verify import verify
from jikim.backups import ormdump
from jikim.retention import rules
from jikim.retention.models import (
    DestructionItem,
    ItemStatus,
    LedgerEntry,
    Stage,
    Sweep,
)
from jikim.retention.separated import sweeping
from jikim.retention.sources import BY_NAME
from jikim.vault import access
from jikim.vault.fields import PersonalDataField
from jikim.vault.models import DataKey
from jikim.vault.routers import KEYRING

CHUNK = 500
KEYRING_SOURCE = "vault.keyring"
KEYRING_RULE = "restore_reapply"
REASON = "backup-restore:reapply"


def audit_models() -> list[Any]:
    """The access records and what signs and reviews them; not the service logs, whose
    IPs are sealed under keys of their own and are restored like other data."""
    return [
        m
        for m in apps.get_app_config("audit").get_models()
        if not any(isinstance(f, PersonalDataField) for f in m._meta.concrete_fields)
    ]


@dataclass(frozen=True)
class Item:
    source: str
    rule: str
    tenant_id: int | None
    due_at: dt.datetime
    done_at: dt.datetime
    approved_by: str


@dataclass
class Live:
    readable: bool = False
    shredded: dict[str, dt.datetime] = field(default_factory=dict)
    destroyed: dict[str, Item] = field(default_factory=dict)
    moved: dict[str, Item] = field(default_factory=dict)
    withdrawn: dict[str, dt.datetime] = field(default_factory=dict)
    audit: Path | None = None
    audit_note: str = ""


@dataclass
class Applied:
    ledger: int = 0  # subjects destroyed again from the ledger
    keys: int = 0  # subjects whose key was shredded outside the ledger, shredded again
    rolled_back_moves: list[str] = field(default_factory=list)


def _chunks(items: Iterable[str]) -> Iterable[list[str]]:
    ordered = sorted(items)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _readable() -> bool:
    try:
        ring = connections[KEYRING].introspection.table_names()
        main = connections["default"].introspection.table_names()
    except DatabaseError:
        return False
    return DataKey._meta.db_table in ring and {
        DestructionItem._meta.db_table,
        AccessRecord._meta.db_table,
        Member._meta.db_table,
    } <= set(main)


def _descends(head: tuple[int, str] | None) -> bool:
    """Is the live chain a continuation of the backup's (the same service, later)?"""
    if head is None or head[0] == 0:
        return True
    found = AccessRecord.objects.filter(seq=head[0]).values_list("hash", flat=True).first()
    if found is not None:
        return bool(found == head[1])
    # Pruned since (older than the retention of access records): an anchor covers it.
    return Checkpoint.objects.filter(kind=CheckpointKind.ANCHOR, seq__gte=head[0]).exists()


def capture(work: Path, backup_head: tuple[int, str] | None, since: dt.datetime) -> Live:
    """Read, from the databases about to be replaced, what the restore must keep: the
    destruction done since `since` (the backup's time, less a margin; older destruction
    is in the backup already) and the access records."""
    if not _readable():
        return Live(audit_note="운영 DB를 읽을 수 없어 백업의 접속기록을 그대로 복원했습니다.")
    live = Live(readable=True)
    rows = DataKey.objects.using(KEYRING).filter(wrapped__isnull=True, shredded_at__gte=since)
    for subject, at in rows.values_list("subject", "shredded_at").iterator(chunk_size=5000):
        live.shredded[subject] = at or clock.now()
    done = DestructionItem.objects.filter(status=ItemStatus.DONE, done_at__gte=since).values_list(
        "subject", "stage", "source", "rule", "tenant_id", "due_at", "done_at", "approved_by"
    )
    for subject, stage, source, rule, tenant_id, due_at, done_at, approver in done.iterator(
        chunk_size=5000
    ):
        item = Item(source, rule, tenant_id, due_at, done_at or due_at, approver)
        (live.destroyed if stage == Stage.DESTROY else live.moved)[subject] = item
    for chunk in _chunks(set(live.destroyed) | set(live.moved)):
        found = Member.objects.filter(subject__in=chunk, withdrawn_at__isnull=False)
        for subject, at in found.values_list("subject", "withdrawn_at"):
            if at is not None:
                live.withdrawn[subject] = at
    report = verify()
    if not report.ok:
        live.audit_note = (
            "운영 DB의 접속기록이 검증을 통과하지 못해 백업의 접속기록을 복원했습니다: "
            + report.summary()
        )
    elif not _descends(backup_head):
        live.audit_note = (
            "운영 DB의 접속기록이 이 백업에서 이어진 것이 아니어서 백업의 접속기록을 복원했습니다."
        )
    else:
        live.audit = work / "audit-live.jsonl"
        ormdump.dump("default", audit_models(), live.audit)
        live.audit_note = f"운영 DB의 접속기록 {report.records:,}건을 그대로 유지했습니다."
    return live


def carry_audit(live: Live) -> bool:
    if live.audit is None:
        return False
    ormdump.load("default", live.audit, replace=audit_models())
    return True


def _rewithdraw(subjects: list[str], withdrawn: dict[str, dt.datetime]) -> None:
    """A member destroyed since the backup had withdrawn: the restored account must not
    come back to life (it would log in again with the old password)."""
    for member in Member.objects.filter(subject__in=subjects, withdrawn_at__isnull=True):
        if member.subject in withdrawn:
            member.withdrawn_at = withdrawn[member.subject]
            member.is_active = False
            member.password = make_password(None)
            member.save(update_fields=["withdrawn_at", "is_active", "password"])


def _ledger(sweep: Sweep, stage: str, source: str, rule_id: str, items: dict[str, Item]) -> None:
    subjects = sorted(items)
    DestructionItem.objects.filter(subject__in=subjects, stage=stage).delete()
    DestructionItem.objects.bulk_create(
        [
            DestructionItem(
                subject=s,
                stage=stage,
                source=source,
                rule=rule_id,
                tenant_id=items[s].tenant_id,
                due_at=items[s].due_at,
                status=ItemStatus.DONE,
                sweep=sweep,
                done_sweep=sweep,
                approved_by=items[s].approved_by,
                done_at=items[s].done_at,
            )
            for s in subjects
        ],
        batch_size=1000,
    )
    rule = rules.current().get(rule_id)
    origin = BY_NAME.get(source)
    method = (
        getattr(origin, "method_move" if stage == Stage.MOVE else "method", "") if origin else ""
    )
    dues = [i.due_at for i in items.values()]
    LedgerEntry.objects.create(
        sweep=sweep,
        stage=stage,
        source=source,
        rule=rule_id,
        rule_label=(rule.label if rule else "백업 이후 파기된 데이터 키 (대장 밖의 암호학적 삭제)")[
            :100
        ],
        legal_basis=(rule.basis if rule else "백업 복원 시 파기 재적용 (C7-03)")[:200],
        count=len(items),
        due_from=min(dues),
        due_to=max(dues),
        done_at=clock.now(),
        method=("백업 복원 후 재적용: " + (method or "데이터 키 재파기, 암호문·검색 색인 삭제"))[
            :200
        ],
    )


def apply(live: Live) -> Applied:
    """Destroy again what was destroyed after the backup; ledger it; keep it destroyed."""
    result = Applied()
    if not (live.shredded or live.destroyed or live.moved):
        return result
    restored_done: dict[str, set[str]] = {Stage.DESTROY: set(), Stage.MOVE: set()}
    for chunk in _chunks(set(live.destroyed) | set(live.moved)):
        done = DestructionItem.objects.filter(subject__in=chunk, status=ItemStatus.DONE)
        for subject, stage in done.values_list("subject", "stage"):
            restored_done[stage].add(subject)
    again = {s: i for s, i in live.destroyed.items() if s not in restored_done[Stage.DESTROY]}
    outside = [s for s in live.shredded if s not in live.destroyed]
    restored_shredded: set[str] = set()
    for chunk in _chunks(set(outside) | set(again)):
        rows = DataKey.objects.using(KEYRING).filter(subject__in=chunk, wrapped__isnull=True)
        restored_shredded.update(rows.values_list("subject", flat=True))
    keys_again = {s: live.shredded[s] for s in outside if s not in restored_shredded}
    result.rolled_back_moves = sorted(
        s for s in live.moved if s not in live.destroyed and s not in restored_done[Stage.MOVE]
    )
    if not again and not keys_again:
        return result

    with sweeping():
        sweep = Sweep.objects.create(as_of=clock.now(), trigger="restore")
        groups: dict[tuple[str, str], dict[str, Item]] = defaultdict(dict)
        for subject, item in again.items():
            groups[(item.source, item.rule)][subject] = item
        for (source_name, rule_id), items in sorted(groups.items()):
            subjects = sorted(items)
            source = BY_NAME.get(source_name)
            _rewithdraw(subjects, live.withdrawn)
            moves = {
                s: live.moved[s]
                for s in subjects
                if s in live.moved
                and s not in restored_done[Stage.MOVE]
                and s not in restored_shredded
            }
            if moves and source is not None:
                with transaction.atomic():
                    source.move(sorted(moves))
                    _ledger(sweep, Stage.MOVE, source_name, rule_id, moves)
            access.shred(subjects, actor=access.SYSTEM, reason=REASON, compact=False)
            with transaction.atomic():
                if source is not None:
                    source.destroy(subjects)
                _ledger(sweep, Stage.DESTROY, source_name, rule_id, items)
            result.ledger += len(subjects)
        if keys_again:
            subjects = sorted(keys_again)
            # Shredded outside the sweep (an upload committed, a key destroyed by hand): the
            # rows were left in place, unreadable; so they are here.
            access.shred(subjects, actor=access.SYSTEM, reason=REASON, compact=False)
            with transaction.atomic():
                _ledger(
                    sweep,
                    Stage.DESTROY,
                    KEYRING_SOURCE,
                    KEYRING_RULE,
                    {
                        s: Item(KEYRING_SOURCE, KEYRING_RULE, None, at, at, "")
                        for s, at in keys_again.items()
                    },
                )
            result.keys = len(subjects)
        sweep.finished_at = clock.now()
        sweep.save(update_fields=["finished_at"])
    return result
