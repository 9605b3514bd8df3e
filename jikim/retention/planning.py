"""Planning a sweep: every due, unheld, not yet handled subject becomes an item.

A source that can say in SQL which of its rows are due (`due_querysets`) is planned with
one INSERT … SELECT per query, holds filtered in the same statement: the rows never pass
through Python. Any other source lists its due subjects (`due`) and they are inserted in
batches. Both ways skip subjects already planned for the stage (unique per subject and
stage), so planning twice plans nothing new.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from jikim import clock
from jikim.retention.direct import collect
from jikim.retention.holds import count_held, held, unheld_sql
from jikim.retention.models import DestructionItem, ItemStatus, Stage, Sweep
from jikim.retention.sources import SOURCES, Due, Source

_COLUMNS = (
    "subject, tenant_id, due_at, stage, source, rule, status, sweep_id, planned_at, approved_by"
)


def _table(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)  # type: ignore[attr-defined]


def insert_items(sweep: Sweep, due: list[Due], status: str) -> None:
    """A plain INSERT that skips subjects already planned for the stage: a sweep may plan
    hundreds of thousands of items, and the ORM's per-object cost would dominate it."""
    sql = (
        f"INSERT INTO {_table(DestructionItem)} ({_COLUMNS}) "  # noqa: S608
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, '') ON CONFLICT (subject, stage) DO NOTHING"
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
                        d.tenant_id,
                        adapt(d.due_at),
                        d.stage,
                        d.source,
                        d.rule,
                        status,
                        sweep.pk,
                        now,
                    )
                    for d in due[start : start + 5000]
                ],
            )


def _plan_in_sql(sweep: Sweep, source: Source, querysets: list[Any], status: str) -> int:
    """Plan a source whose due rows a query can select. Returns how many were held."""
    held_count = 0
    now = connection.ops.adapt_datetimefield_value(clock.now())
    with transaction.atomic(), connection.cursor() as cursor:
        for qs, stage in querysets:
            select, params = qs.query.sql_with_params()
            held_count += count_held(cursor, select, params)
            cursor.execute(
                f"INSERT INTO {_table(DestructionItem)} ({_COLUMNS}) "  # noqa: S608
                f"SELECT d.s, d.t, d.due, %s, %s, %s, %s, %s, %s, '' FROM ({select}) d "
                f"WHERE {unheld_sql()} ON CONFLICT (subject, stage) DO NOTHING",
                [stage, source.name, source.rule_id, status, sweep.pk, now, *params],
            )
    return held_count


def plan(sweep: Sweep, now: dt.datetime, *, direct: bool = False) -> tuple[int, int, list[Source]]:
    """Record every due, unheld, not yet handled subject as an item of this sweep — or,
    with `direct`, copy a source that can select its due rows in SQL into the sweep's
    scratch table instead (see direct.py). Returns (items planned by this sweep plus rows
    copied, due subjects held, the sources copied)."""
    status = (
        ItemStatus.AWAITING_APPROVAL if settings.RETENTION_REQUIRE_APPROVAL else ItemStatus.PLANNED
    )
    held_count = copied = 0
    copied_sources: list[Source] = []
    for source in SOURCES:
        querysets = getattr(source, "due_querysets", lambda _: None)(now)
        if querysets is not None and direct and all(st == Stage.DESTROY for _, st in querysets):
            rows, held_here = collect(source, querysets)
            held_count += held_here
            if rows:
                copied += rows
                copied_sources.append(source)
            continue
        if querysets is not None:
            held_count += _plan_in_sql(sweep, source, querysets, status)
            continue
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
        insert_items(sweep, fresh, status)
    planned = DestructionItem.objects.filter(sweep=sweep).count()
    return planned + copied, held_count, copied_sources
