"""Writing the destruction ledger: one entry per sweep, stage, source and rule, grown by
each batch that sweep finishes under it.

Destruction done at once by the code that ended a purpose (an upload committed, cancelled,
refused or expired; a cookie consent withdrawn) is ledgered the same way by `immediate`:
under a sweep of its own whose trigger names the event, with a done item per subject, so
that every destruction is on record and each subject is destroyed once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from django.db import transaction

from jikim import clock
from jikim.retention import rules
from jikim.retention.models import DestructionItem, ItemStatus, LedgerEntry, Stage, Sweep

if TYPE_CHECKING:
    from jikim.retention.sources import Source


class Named(Protocol):
    """What `add` needs of a source: its name (and a `method`, unless one is given)."""

    @property
    def name(self) -> str: ...


def _sellers(tenant_ids: Collection[int | None]) -> set[int]:
    return {t for t in tenant_ids if t is not None}


def add(
    sweep: Sweep,
    stage: str,
    source: Source | Named,
    rule_id: str,
    *,
    count: int,
    due_from: dt.datetime,
    due_to: dt.datetime,
    now: dt.datetime,
    approver: str = "",
    approved_at: dt.datetime | None = None,
    tenant_ids: Collection[int | None] = (),
    method: str = "",
) -> None:
    """Count a finished batch into the ledger (inside the batch's transaction).
    `tenant_ids`: the sellers whose data the batch was (None for data of no seller)."""
    sellers = _sellers(tenant_ids)
    entry = (
        LedgerEntry.objects.select_for_update()
        .filter(sweep=sweep, stage=stage, source=source.name, rule=rule_id)
        .first()
    )
    if entry is None:
        rule = rules.rule(rule_id)
        LedgerEntry.objects.create(
            sweep=sweep,
            stage=stage,
            source=source.name,
            rule=rule_id,
            rule_label=rule.label,
            legal_basis=rule.basis,
            count=count,
            due_from=due_from,
            due_to=due_to,
            done_at=now,
            method=method or getattr(source, "method_move" if stage == Stage.MOVE else "method"),
            approver=approver,
            approved_at=approved_at,
            tenant_id=next(iter(sellers)) if len(sellers) == 1 else None,
            several_tenants=len(sellers) > 1,
        )
        return
    entry.count += count
    entry.due_from = min(entry.due_from, due_from)
    entry.due_to = max(entry.due_to, due_to)
    entry.done_at = now
    entry.approver = entry.approver or approver
    if approved_at is not None:
        entry.approved_at = max(entry.approved_at or approved_at, approved_at)
    if not entry.several_tenants:
        known = sellers | ({entry.tenant_id} if entry.tenant_id is not None else set())
        entry.several_tenants = len(known) > 1
        entry.tenant_id = next(iter(known)) if len(known) == 1 else None
    entry.save(
        update_fields=[
            "count",
            "due_from",
            "due_to",
            "done_at",
            "approver",
            "approved_at",
            "tenant_id",
            "several_tenants",
        ]
    )


class _Named:
    """A source as `add` needs it, for one not in the engine's list."""

    def __init__(self, name: str, method: str) -> None:
        self.name = name
        self.method = self.method_move = method


@transaction.atomic
def immediate(
    *,
    source_name: str,
    rule_id: str,
    trigger: str,
    due: Mapping[str, tuple[int | None, dt.datetime]],
    method: str = "",
) -> int:
    """Ledger subjects just destroyed outside a sweep: `due` maps each pseudonymous subject
    to (its seller or None, when it fell due). Call it in the transaction that records the
    destruction (its access record), after the key ring has shredded the keys.

    A subject already destroyed on record (a sweep got there first) is not counted again;
    one a sweep had planned but not yet destroyed is taken off the sweep's plan and counted
    here. Returns how many subjects this entry counts."""
    from jikim.retention.sources import BY_NAME

    if not due:
        return 0
    subjects: Sequence[str] = sorted(due)
    items = DestructionItem.objects.filter(subject__in=subjects, stage=Stage.DESTROY)
    already = set(items.filter(status=ItemStatus.DONE).values_list("subject", flat=True))
    items.exclude(status=ItemStatus.DONE).delete()
    fresh = [s for s in subjects if s not in already]
    if not fresh:
        return 0
    now = clock.now()
    sweep = Sweep.objects.create(as_of=now, started_at=now, finished_at=now, trigger=trigger)
    DestructionItem.objects.bulk_create(
        [
            DestructionItem(
                subject=s,
                stage=Stage.DESTROY,
                source=source_name,
                rule=rule_id,
                tenant_id=due[s][0],
                due_at=due[s][1],
                status=ItemStatus.DONE,
                sweep=sweep,
                done_sweep=sweep,
                planned_at=now,
                done_at=now,
            )
            for s in fresh
        ],
        batch_size=1000,
    )
    source: Source | Named = BY_NAME.get(source_name) or _Named(source_name, method)
    dues = [due[s][1] for s in fresh]
    add(
        sweep,
        Stage.DESTROY,
        source,
        rule_id,
        count=len(fresh),
        due_from=min(dues),
        due_to=max(dues),
        now=now,
        tenant_ids=[due[s][0] for s in fresh],
        method=method,
    )
    return len(fresh)
