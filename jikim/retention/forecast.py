"""What will move or be destroyed when, and why: the same computation the sweep runs."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, Max, Min, QuerySet

from jikim import clock
from jikim.accounts.models import Tenant
from jikim.retention import rules
from jikim.retention.holds import count_held, held
from jikim.retention.models import DestructionItem, Hold, ItemStatus, TenantRetention
from jikim.retention.separated import sweeping
from jikim.retention.sources import SOURCES, ContractEndSource, RecipientSource
from jikim.shipping.models import Order, Shipment
from jikim.vault import sqllist


def _done_among(due: list[Any]) -> set[tuple[str, str]]:
    """The (subject, stage) pairs among these that a sweep has already done. Asked by
    subject, so the cost follows what is due: reading every item ever done took 2–3 s per
    forecast once a million recipients had been destroyed, and grew with every year."""
    subjects = sorted({d.subject for d in due})
    table = connection.ops.quote_name(DestructionItem._meta.db_table)
    found: set[tuple[str, str]] = set()
    with connection.cursor() as cursor:
        for chunk in sqllist.chunks(subjects):
            cursor.execute(
                f"SELECT subject, stage FROM {table} WHERE status = %s "  # noqa: S608
                f"AND {sqllist.member_of(connection, 'subject')}",
                [ItemStatus.DONE, sqllist.param(connection, chunk)],
            )
            found.update(cursor.fetchall())
    return found


@dataclass(frozen=True)
class Line:
    due_on: dt.date
    stage: str
    rule: str
    rule_label: str
    basis: str
    source: str
    count: int
    held: int
    # For a line of work already past its due date (done by the next sweep, so listed
    # today): the earliest due date among it. None when nothing in it is late.
    overdue_since: dt.date | None = None


def forecast(days: int, now: dt.datetime | None = None) -> list[Line]:
    now = now or clock.now()
    until = now + dt.timedelta(days=days)
    counts: Counter[tuple[dt.date, str, str, str]] = Counter()
    held_counts: Counter[tuple[dt.date, str, str, str]] = Counter()
    overdue: dict[tuple[dt.date, str, str, str], dt.date] = {}
    today = clock.local(now).date()
    with sweeping():
        for source in SOURCES:
            due = list(source.due(until))
            done = _done_among(due)
            due = [d for d in due if (d.subject, d.stage) not in done]
            held_subjects, held_tenants = held([d.subject for d in due], [d.tenant_id for d in due])
            for d in due:
                # Overdue items are done by the next sweep: they count for today, and the
                # line says since when they are late.
                due_on = clock.local(d.due_at).date()
                key = (max(due_on, today), d.stage, d.rule, d.source)
                counts[key] += 1
                if due_on < today:
                    overdue[key] = min(due_on, overdue.get(key, due_on))
                if d.subject in held_subjects or d.tenant_id in held_tenants:
                    held_counts[key] += 1
    lines = []
    for (day, stage, rule_id, source_name), count in sorted(counts.items()):
        rule = rules.rule(rule_id)
        held_here = held_counts[(day, stage, rule_id, source_name)]
        key = (day, stage, rule_id, source_name)
        lines.append(
            Line(
                day,
                stage,
                rule_id,
                rule.label,
                rule.basis,
                source_name,
                count,
                held_here,
                overdue.get(key),
            )
        )
    return lines


@dataclass(frozen=True)
class RecipientFate:
    """When one order's recipient and sender data falls due, and why — what the seller's
    order page says, from the computation the sweep uses."""

    due_at: dt.datetime
    days: int  # after delivery or purchase confirmation; 0 when the order has neither
    undelivered: str  # the period for an order never delivered, in Korean ("180일")
    held: bool
    contract_end: bool = False  # due earlier because the seller's contract has ended


_UNITS = {"d": "일", "m": "개월", "y": "년"}


def period_label(period: rules.Period) -> str:
    """A period as a Korean page writes it ("180일", "6개월")."""
    return f"{period.amount}{_UNITS[period.unit]}"


def _standing(tenant_id: int, subject: str) -> tuple[int | None, bool]:
    """(the seller's own period, whether a hold covers the subject) in one statement: the
    order page asks on every view, and two ORM queries cost more than the page's reveal."""
    quote = connection.ops.quote_name
    sql = (
        f"SELECT (SELECT shipping_days FROM {quote(TenantRetention._meta.db_table)} "  # noqa: S608
        "WHERE tenant_id = %s), "
        f"EXISTS (SELECT 1 FROM {quote(Hold._meta.db_table)} WHERE released_at IS NULL "
        "AND (subject = %s OR tenant_id = %s))"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [tenant_id, subject, tenant_id])
        days, is_held = cursor.fetchone()
    return days, bool(is_held)


def _contract_due(tenant: Tenant) -> dt.datetime | None:
    if tenant.contract_ended_at is None:
        return None
    return rules.rule(ContractEndSource.rule_id).due(tenant.contract_ended_at)


def recipient_fate(
    tenant: Tenant, order: Order, shipment: Shipment | None, subject: str
) -> RecipientFate:
    source = RecipientSource()
    default_days, undelivered = source.terms()
    chosen, is_held = _standing(tenant.pk, subject)
    days = min(chosen or default_days, default_days)
    ends = (shipment.delivered_at, shipment.purchase_confirmed_at) if shipment else (None, None)
    due_at = source.due_at(days, undelivered, ends, order.ordered_at, order.created_at)
    contract_due = _contract_due(tenant)
    return RecipientFate(
        due_at=min(due_at, contract_due) if contract_due else due_at,
        days=days if any(ends) else 0,
        undelivered=period_label(undelivered),
        held=is_held,
        contract_end=contract_due is not None and contract_due < due_at,
    )


def recipients_due(tenant: Tenant, days: int, now: dt.datetime | None = None) -> int | None:
    """How many of one seller's recipients and senders the sweep destroys within `days`
    days, held ones left out (None when the policy's periods need the per-row count)."""
    until = (now or clock.now()) + dt.timedelta(days=days)
    contract_due = _contract_due(tenant)
    querysets: list[tuple[QuerySet[Any], str]] | None
    if contract_due is not None and contract_due <= until:
        # The contract's end takes every row; the recipients' own periods add none.
        querysets = ContractEndSource().due_querysets(until)
    else:
        querysets = RecipientSource().due_querysets(until)
    if querysets is None:
        return None
    total = 0
    with connection.cursor() as cursor:
        for queryset, _stage in querysets:
            select, params = queryset.filter(tenant_id=tenant.pk).query.sql_with_params()
            cursor.execute(f"SELECT COUNT(*) FROM ({select}) d", params)  # noqa: S608
            total += int(cursor.fetchone()[0]) - count_held(cursor, select, params)
    return total


@dataclass(frozen=True)
class Waiting:
    """Destruction waiting for the privacy officer's approval, of one stage, source, rule
    and seller: what the officer sees before approving it."""

    stage: str
    source: str
    rule: str
    rule_label: str
    basis: str
    tenant_id: int | None
    seller: str  # the seller's address id (slug); "" for data of no seller
    count: int
    due_from: dt.datetime
    due_to: dt.datetime
    last_item: int  # the newest item of the group: approving covers what was shown

    @property
    def key(self) -> str:
        return "|".join([self.stage, self.source, self.rule, str(self.tenant_id or "")])


def waiting() -> list[Waiting]:
    rows = list(
        DestructionItem.objects.filter(status=ItemStatus.AWAITING_APPROVAL)
        .values("stage", "source", "rule", "tenant_id")
        .annotate(n=Count("pk"), due_from=Min("due_at"), due_to=Max("due_at"), last=Max("pk"))
        .order_by("rule", "stage", "source", "tenant_id")
    )
    slugs = dict(
        Tenant.objects.filter(pk__in={r["tenant_id"] for r in rows}).values_list("pk", "slug")
    )
    known = rules.current()
    result = []
    for r in rows:
        rule = known.get(r["rule"])
        tenant_id = r["tenant_id"]
        result.append(
            Waiting(
                stage=r["stage"],
                source=r["source"],
                rule=r["rule"],
                rule_label=rule.label if rule else r["rule"],
                basis=rule.basis if rule else "",
                tenant_id=tenant_id,
                seller=slugs.get(tenant_id, f"#{tenant_id}") if tenant_id is not None else "",
                count=r["n"],
                due_from=r["due_from"],
                due_to=r["due_to"],
                last_item=r["last"],
            )
        )
    return result
