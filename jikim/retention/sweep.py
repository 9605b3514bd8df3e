"""The sweep: move what a law keeps to separated storage, destroy what is due.

Every step is idempotent and each subject passes each stage exactly once: items are
planned (unique per subject and stage) before anything happens, keys are shredded in the
key ring (its own transaction), and rows are deleted together with marking the items done
and writing the ledger, in one transaction. A sweep killed at any point and run again
finishes the same work without repeating any of it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction

from jikim import clock
from jikim.retention import rules
from jikim.retention.holds import held
from jikim.retention.models import DestructionItem, ItemStatus, LedgerEntry, Stage, Sweep
from jikim.retention.separated import sweeping
from jikim.retention.sources import BY_NAME, SOURCES, Due, Source
from jikim.vault import access, keyring, orphans


@dataclass
class Report:
    sweep_id: int
    moved: int = 0
    destroyed: int = 0
    held: int = 0
    awaiting_approval: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)
    orphan_keys: int = 0  # data keys no row held (vault.orphans), destroyed


def _insert_items(sweep: Sweep, due: list[Due], status: str) -> None:
    """A plain INSERT that skips subjects already planned for the stage: a sweep may plan
    hundreds of thousands of items, and the ORM's per-object cost would dominate it."""
    table = connection.ops.quote_name(DestructionItem._meta.db_table)
    sql = (
        f"INSERT INTO {table} (subject, stage, source, rule, tenant_id, due_at, status, sweep_id, "  # noqa: S608
        "planned_at, approved_by) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, '') "
        "ON CONFLICT (subject, stage) DO NOTHING"
    )
    adapt = connection.ops.adapt_datetimefield_value
    now = adapt(clock.now())
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(due), 5000):
            cursor.executemany(
                sql,
                [
                    (
                        d.subject,
                        d.stage,
                        d.source,
                        d.rule,
                        d.tenant_id,
                        adapt(d.due_at),
                        status,
                        sweep.pk,
                        now,
                    )
                    for d in due[start : start + 5000]
                ],
            )


def plan(sweep: Sweep, now: dt.datetime) -> tuple[int, int]:
    """Record every due, unheld, not yet handled subject as an item of this sweep."""
    status = (
        ItemStatus.AWAITING_APPROVAL if settings.RETENTION_REQUIRE_APPROVAL else ItemStatus.PLANNED
    )
    planned = held_count = 0
    for source in SOURCES:
        due = list(source.due(now))
        if not due:
            continue
        held_subjects, held_tenants = held([d.subject for d in due], [d.tenant_id for d in due])
        fresh: list[Due] = []
        for item in due:
            if item.subject in held_subjects or item.tenant_id in held_tenants:
                held_count += 1
            else:
                fresh.append(item)
        _insert_items(sweep, fresh, status)
        planned += len(fresh)
    return planned, held_count


def _execute(
    sweep: Sweep, stage: str, source_name: str, items: list[DestructionItem], report: Report
) -> None:
    source = BY_NAME[source_name]
    # Holds placed since planning win: those items go back to the schedule — unless an
    # interrupted run already shredded them, in which case only the deletion is left.
    held_subjects, held_tenants = held([i.subject for i in items], [i.tenant_id for i in items])
    blocked = [i for i in items if i.subject in held_subjects or i.tenant_id in held_tenants]
    if blocked and stage == Stage.DESTROY:
        gone = keyring.load([i.subject for i in blocked])
        blocked = [i for i in blocked if gone.get(i.subject) is not None]
    if blocked:
        DestructionItem.objects.filter(pk__in=[i.pk for i in blocked]).delete()
    skip = {i.pk for i in blocked}
    go = [i for i in items if i.pk not in skip]
    if not go:
        return
    subjects = [i.subject for i in go]
    if stage == Stage.DESTROY:
        # The key ring commits on its own: after this line the data is gone in every copy.
        access.shred(subjects, actor=access.SYSTEM, reason=f"retention:{go[0].rule}", compact=False)
    with transaction.atomic():
        if stage == Stage.MOVE:
            source.move(subjects)
        else:
            source.destroy(subjects)
        now = clock.now()
        DestructionItem.objects.filter(pk__in=[i.pk for i in go]).update(
            status=ItemStatus.DONE, done_at=now, done_sweep=sweep
        )
        by_rule: dict[str, list[DestructionItem]] = defaultdict(list)
        for item in go:
            by_rule[item.rule].append(item)
        for rule_id, group in by_rule.items():
            _ledger(sweep, stage, source, rule_id, group, now)
            report.by_rule[rule_id] = report.by_rule.get(rule_id, 0) + len(group)
        if stage == Stage.MOVE:
            report.moved += len(go)
        else:
            report.destroyed += len(go)


def _ledger(
    sweep: Sweep,
    stage: str,
    source: Source,
    rule_id: str,
    items: list[DestructionItem],
    now: dt.datetime,
) -> None:
    rule = rules.rule(rule_id)
    method = getattr(source, "method_move" if stage == Stage.MOVE else "method")
    entry = (
        LedgerEntry.objects.select_for_update()
        .filter(sweep=sweep, stage=stage, source=source.name, rule=rule_id)
        .first()
    )
    dues = [i.due_at for i in items]
    approver = next((i.approved_by for i in items if i.approved_by), "")
    if entry is None:
        LedgerEntry.objects.create(
            sweep=sweep,
            stage=stage,
            source=source.name,
            rule=rule_id,
            rule_label=rule.label,
            legal_basis=rule.basis,
            count=len(items),
            due_from=min(dues),
            due_to=max(dues),
            done_at=now,
            method=method,
            approver=approver,
        )
    else:
        entry.count += len(items)
        entry.due_from, entry.due_to = min(entry.due_from, *dues), max(entry.due_to, *dues)
        entry.done_at = now
        entry.save()


def run(now: dt.datetime | None = None, *, trigger: str = "schedule") -> Report:
    now = now or clock.now()
    with sweeping():
        sweep = Sweep.objects.create(as_of=now, trigger=trigger)
        report = Report(sweep.pk)
        _, report.held = plan(sweep, now)

        # Moves before destruction, so a subject due for both in one sweep is moved first.
        for stage in (Stage.MOVE, Stage.DESTROY):
            while True:
                items = list(
                    DestructionItem.objects.filter(stage=stage, status=ItemStatus.PLANNED).order_by(
                        "pk"
                    )[: settings.RETENTION_SWEEP_BATCH]
                )
                if not items:
                    break
                by_source: dict[str, list[DestructionItem]] = defaultdict(list)
                for item in items:
                    by_source[item.source].append(item)
                for source_name, group in by_source.items():
                    _execute(sweep, stage, source_name, group, report)
        # The real clock, not `now`: the grace period protects writes running at this moment.
        report.orphan_keys = orphans.clean(compact=False)
        if report.destroyed or report.orphan_keys:
            keyring.compact()  # once per sweep: destroyed key bytes leave the key ring's files
        report.awaiting_approval = DestructionItem.objects.filter(
            status=ItemStatus.AWAITING_APPROVAL
        ).count()
        sweep.finished_at = clock.now()
        sweep.save(update_fields=["finished_at"])
    return report


def destroy_on_request(
    subjects: list[str], *, source_name: str, rule_id: str = "subject_request"
) -> int:
    """Destroy these subjects now, the sweep's way (exactly once, ledgered): a data
    subject's deletion request answered (C6-01). Returns how many were destroyed."""
    now = clock.now()
    with sweeping():
        sweep = Sweep.objects.create(as_of=now, trigger="request")
        _insert_items(
            sweep,
            [Due(source_name, s, Stage.DESTROY, rule_id, None, now) for s in subjects],
            ItemStatus.PLANNED,
        )
        items = list(
            DestructionItem.objects.filter(
                subject__in=subjects, stage=Stage.DESTROY, status=ItemStatus.PLANNED
            )
        )
        report = Report(sweep.pk)
        if items:
            _execute(sweep, Stage.DESTROY, source_name, items, report)
        sweep.finished_at = clock.now()
        sweep.save(update_fields=["finished_at"])
    return report.destroyed
