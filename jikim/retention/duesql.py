"""The recipient sources' due rows as SQL: expressions and statements the sweep's
set-based planning and destruction use (see planning.py), kept apart from the sources'
rules so each stays readable."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import DateTimeField, F, Func, QuerySet

from jikim.shipping.models import ParcelLine, Party
from jikim.vault import sqllist


class PlusDays(Func):
    """A moment plus whole days, in the database's own arithmetic. Django's generic
    datetime + timedelta calls back into Python for every row on SQLite; here SQLite adds
    the days to the whole seconds and keeps the microseconds as written."""

    output_field = DateTimeField()

    def __init__(self, expression: Any, days: int) -> None:
        self.days = int(days)
        super().__init__(expression)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        # Seconds, not days: a day interval would follow the session's time zone.
        template = f"(%(expressions)s + interval '{self.days * 86400} seconds')"
        return super().as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        shifted = f"strftime('%%Y-%%m-%%d %%H:%%M:%%S', {sql}, '+{self.days} days')"
        return f"({shifted} || substr({sql}, 20))", [*params, *params]


def due_rows(rows: QuerySet[Any], due: Any) -> QuerySet[Any]:
    """The columns planning reads: subject `s`, tenant `t`, due date `due`, and the row's
    id `i` that a direct sweep walks in order."""
    return rows.annotate(s=F("subject"), t=F("tenant_id"), due=due, i=F("pk")).values_list(
        "s", "t", "due", "i"
    )


def delete_parties(subjects: Sequence[str]) -> None:
    # Nothing refers to a party, so the ORM's cascade collection (a SELECT of every row
    # first) buys nothing here; one statement per chunk deletes them.
    if Party._meta.related_objects:  # pragma: no cover - a model referring to Party
        orders = Party.objects.filter(subject__in=subjects).values_list("order_id", flat=True)
        forget_parcels([order_id for order_id in orders if order_id is not None])
        Party.objects.filter(subject__in=subjects).delete()
        return
    table = connection.ops.quote_name(Party._meta.db_table)
    with connection.cursor() as cursor:
        for chunk in sqllist.chunks(subjects):
            # The deleted rows name their orders, so the recipients are looked up once: a
            # second search by subject for their parcels cost as much as the deletion.
            cursor.execute(
                f"DELETE FROM {table} WHERE {sqllist.member_of(connection, 'subject')} "  # noqa: S608
                "RETURNING order_id",
                [sqllist.param(connection, chunk)],
            )
            forget_parcels([order_id for (order_id,) in cursor.fetchall() if order_id is not None])


def forget_parcels(order_ids: Sequence[int]) -> None:
    """Delete every combined parcel (합포장) holding one of these orders' lines, whole: it
    says which lines went to one recipient, and a parcel without one of its lines would
    apply its tracking number to a box it no longer describes."""
    if not order_ids:
        return
    parcels = connection.ops.quote_name(ParcelLine._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {parcels} WHERE head_id IN (SELECT p.head_id FROM {parcels} p "  # noqa: S608
            f"WHERE {sqllist.member_of(connection, 'p.order_id')})",
            [sqllist.param(connection, list(order_ids))],
        )
