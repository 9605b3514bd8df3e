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
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Min

from jikim import clock, pagecache, plannerstats
from jikim.retention import direct, ledger
from jikim.retention.holds import held
from jikim.retention.models import DestructionItem, ItemStatus, Stage, Sweep
from jikim.retention.planning import insert_items, plan
from jikim.retention.separated import sweeping
from jikim.retention.sources import BY_NAME, SOURCES, Due
from jikim.vault import access, keyring, orphans, sqllist
from jikim.vault.models import BlindIndexEntry, DataKey
from jikim.vault.routers import KEYRING
from jikim.web import ratelimit


@dataclass
class Report:
    sweep_id: int
    moved: int = 0
    destroyed: int = 0
    held: int = 0
    awaiting_approval: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)
    orphan_keys: int = 0  # data keys no row held (vault.orphans), destroyed
    ended_rate_counts: int = 0  # rate-limit counts whose window had ended (web.ratelimit)


# An item as the batch query returns it: (id, subject, tenant id, rule, source). Plain rows,
# not objects: a sweep handles millions, and building an object per row cost more than
# reading it.
_Item = tuple[int, str, int | None, str, str]
PK: Final = 0
SUBJECT: Final = 1
TENANT: Final = 2
RULE: Final = 3
SOURCE: Final = 4


def _execute(
    sweep: Sweep, stage: str, source_name: str, items: list[_Item], report: Report
) -> None:
    source = BY_NAME[source_name]
    # Holds placed since planning win: those items go back to the schedule — unless an
    # interrupted run already shredded them, in which case only the deletion is left.
    held_subjects, held_tenants = held([i[SUBJECT] for i in items], [i[TENANT] for i in items])
    blocked = [i for i in items if i[SUBJECT] in held_subjects or i[TENANT] in held_tenants]
    if blocked and stage == Stage.DESTROY:
        gone = keyring.load([i[SUBJECT] for i in blocked])
        blocked = [i for i in blocked if gone.get(i[SUBJECT]) is not None]
    if blocked:
        DestructionItem.objects.filter(pk__in=[i[PK] for i in blocked]).delete()
        skip = {i[PK] for i in blocked}
        items = [i for i in items if i[PK] not in skip]
    if not items:
        return
    subjects = [i[SUBJECT] for i in items]
    if stage == Stage.DESTROY:
        # The key ring commits on its own: after this line the data is gone in every copy.
        rule_ids = ",".join(sorted({i[RULE] for i in items}))
        access.shred(subjects, actor=access.SYSTEM, reason=f"retention:{rule_ids}", compact=False)
    with transaction.atomic():
        if stage == Stage.MOVE:
            source.move(subjects)
        else:
            source.destroy(subjects)
        now = clock.now()
        _mark_done(sweep, [i[PK] for i in items], now)
        done = (
            DestructionItem.objects.filter(
                done_sweep=sweep,
                stage=stage,
                source=source.name,
                pk__gte=items[0][PK],
                pk__lte=items[-1][PK],
            )
            .values("rule")
            .annotate(
                n=Count("pk"),
                due_from=Min("due_at"),
                due_to=Max("due_at"),
                approver=Max("approved_by"),
                approved_at=Max("approved_at"),
            )
            .order_by("rule")
        )
        tenants: dict[str, set[int | None]] = defaultdict(set)
        for item in items:
            tenants[item[RULE]].add(item[TENANT])
        for group in done:
            ledger.add(
                sweep,
                stage,
                source,
                group["rule"],
                count=group["n"],
                due_from=group["due_from"],
                due_to=group["due_to"],
                now=now,
                approver=group["approver"] or "",
                approved_at=group["approved_at"],
                tenant_ids=tenants[group["rule"]],
            )
            rule_id, count = group["rule"], group["n"]
            report.by_rule[rule_id] = report.by_rule.get(rule_id, 0) + count
        if stage == Stage.MOVE:
            report.moved += len(items)
        else:
            report.destroyed += len(items)


def _mark_done(sweep: Sweep, pks: list[int], now: dt.datetime) -> None:
    table = connection.ops.quote_name(DestructionItem._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, done_at = %s, done_sweep_id = %s "  # noqa: S608
            f"WHERE {sqllist.member_of(connection, 'id')}",
            [
                ItemStatus.DONE,
                connection.ops.adapt_datetimefield_value(now),
                sweep.pk,
                sqllist.param(connection, pks),
            ],
        )


def _batches(stage: str, subjects: list[str] | None = None) -> Iterator[list[_Item]]:
    """The planned items of a stage in id order, one batch at a time. Walking by id keeps
    each query a range scan; asking for "the first N still planned" sorted them all anew
    every batch."""
    after = 0
    while batch := _next_batch(stage, after, subjects):
        yield batch
        after = batch[-1][PK]


def _next_batch(stage: str, after: int, subjects: list[str] | None) -> list[_Item]:
    # Written out: the ORM's row handling cost more than the query for batches this size.
    table = connection.ops.quote_name(DestructionItem._meta.db_table)
    where = "stage = %s AND status = %s AND id > %s"
    params: list[Any] = [stage, ItemStatus.PLANNED, after]
    if subjects is not None:
        where += f" AND {sqllist.member_of(connection, 'subject')}"
        params.append(sqllist.param(connection, subjects))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, subject, tenant_id, rule, source FROM {table} "  # noqa: S608
            f"WHERE {where} ORDER BY id LIMIT %s",
            [*params, settings.RETENTION_SWEEP_BATCH],
        )
        return cursor.fetchall()


def _run_batch(sweep: Sweep, stage: str, batch: list[_Item], report: Report) -> None:
    by_source: dict[str, list[_Item]] = defaultdict(list)
    for item in batch:
        by_source[item[SOURCE]].append(item)
    for source_name, group in by_source.items():
        _execute(sweep, stage, source_name, group, report)


# From this many items on, a sweep first refreshes the planner's statistics (plannerstats).
LARGE: Final = 20_000


def _refresh_statistics() -> None:
    touched = [m for s in SOURCES for m in getattr(s, "models", ())]
    plannerstats.refresh("default", [DestructionItem, BlindIndexEntry, *touched])
    plannerstats.refresh(KEYRING, [DataKey])


def run(now: dt.datetime | None = None, *, trigger: str = "schedule") -> Report:
    now = now or clock.now()
    with sweeping():
        sweep = Sweep.objects.create(as_of=now, trigger=trigger)
        report = Report(sweep.pk)
        straight = not settings.RETENTION_REQUIRE_APPROVAL
        with pagecache.larger("default", KEYRING):
            if straight:
                direct.create_table()
            try:
                planned, report.held, copied = plan(sweep, now, direct=straight)
                if planned >= LARGE:
                    _refresh_statistics()
                # Moves before destruction, so a subject due for both in one sweep is moved
                # first.
                for stage in (Stage.MOVE, Stage.DESTROY):
                    for batch in _batches(stage):
                        _run_batch(sweep, stage, batch, report)
                for source in copied:
                    for rows in direct.batches(source.name):
                        done = direct.destroy(sweep, source, Stage.DESTROY, rows)
                        for rule_id, count in done.items():
                            report.by_rule[rule_id] = report.by_rule.get(rule_id, 0) + count
                            report.destroyed += count
            finally:
                if straight:
                    direct.drop_table()
        # The real clock, not `now`: the grace period protects writes running at this moment.
        report.orphan_keys = orphans.clean(compact=False)
        # Each web process also deletes them as it counts; this bounds how long they stay
        # (keyed hashes of addresses and order numbers) when no one is counted for a while.
        report.ended_rate_counts = ratelimit.forget_ended()
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
        insert_items(
            sweep,
            [Due(source_name, s, Stage.DESTROY, rule_id, None, now) for s in subjects],
            ItemStatus.PLANNED,
        )
        report = Report(sweep.pk)
        for batch in _batches(Stage.DESTROY, subjects):
            _run_batch(sweep, Stage.DESTROY, batch, report)
        sweep.finished_at = clock.now()
        sweep.save(update_fields=["finished_at"])
    return report.destroyed
