"""Which subjects are held: a hold on the subject itself or on its whole tenant."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection

from jikim.retention.models import Hold


def held(subjects: Iterable[str], tenant_ids: Iterable[int | None]) -> tuple[set[str], set[int]]:
    active = Hold.objects.filter(released_at__isnull=True)
    if not active.exists():
        # The usual case, and a sweep asks for every batch: skip the long IN lists.
        return set(), set()
    wanted = set(subjects)
    held_subjects = set(active.filter(subject__in=wanted).values_list("subject", flat=True))
    held_tenants = set(
        active.filter(tenant_id__in={t for t in tenant_ids if t is not None}).values_list(
            "tenant_id", flat=True
        )
    )
    return held_subjects, {t for t in held_tenants if t is not None}


def unheld_sql() -> str:
    """A condition on a due-rows query aliased `d` (subject `d.s`, tenant `d.t`): no active
    hold covers the row."""
    table = connection.ops.quote_name(Hold._meta.db_table)
    return (
        f"NOT EXISTS (SELECT 1 FROM {table} h WHERE h.released_at IS NULL "  # noqa: S608
        "AND (h.subject = d.s OR h.tenant_id = d.t))"
    )


def count_held(cursor: Any, select: str, params: Any) -> int:
    """How many rows of a due-rows query an active hold covers (none without a hold)."""
    if not Hold.objects.filter(released_at__isnull=True).exists():
        return 0
    cursor.execute(f"SELECT COUNT(*) FROM ({select}) d WHERE NOT {unheld_sql()}", params)  # noqa: S608
    return int(cursor.fetchone()[0])
