"""Written-out SQL for the bulk import's hot tables: order lines looked up by key, rows
inserted in bulk, datetimes in the form the database takes them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection

from jikim.bulkinsert import draw_ids, insert_rows, update_rows
from jikim.shipping.models import Order, Shipment
from jikim.vault import sqllist

# Parameters per IN list (under SQLite's conservative limit of 999).
LOOKUP_CHUNK = 900  # +2 for tenant and marketplace


def raw_insert(model: type[Any], columns: list[str], values: list[tuple[Any, ...]]) -> None:
    """A plain bulk insert: for the hot tables of a bulk import, the ORM's per-value
    preparation costs more than sealing the values does. Callers pass database-ready
    values (datetimes through `db_datetime`)."""
    insert_rows(connection, model._meta.db_table, columns, values)


def new_ids(model: type[Any], count: int) -> list[int] | None:
    """Ids for `count` new rows of `model`, to insert them with (see `draw_ids`); None
    where the database gives ids only on insert."""
    return draw_ids(connection, model._meta.db_table, count)


def raw_update(model: type[Any], columns: list[str], values: list[tuple[Any, ...]]) -> None:
    """`raw_insert`'s counterpart for lines that changed: each tuple is the columns'
    values, then the row's id."""
    update_rows(connection, model._meta.db_table, columns, values)


def shipments_of(order_ids: list[int]) -> dict[int, int]:
    """order id -> shipment id of these orders' shipments."""
    table = connection.ops.quote_name(Shipment._meta.db_table)
    out: dict[int, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(order_ids), LOOKUP_CHUNK):
            cursor.execute(
                f"SELECT order_id, id FROM {table} "  # noqa: S608
                f"WHERE {sqllist.member_of(connection, 'order_id')}",
                [sqllist.param(connection, order_ids[start : start + LOOKUP_CHUNK])],
            )
            out.update(cursor.fetchall())
    return out


def existing_lines(
    tenant_id: int, keys: Iterable[tuple[str, str]]
) -> list[tuple[int, str, str, str]]:
    """(pk, marketplace, product-order number, content hash) of the tenant's lines with these
    (marketplace, number) keys. Raw SQL: the ORM's per-parameter preparation of long IN
    lists costs more than the query itself. The marketplace is always given, so that the
    unique index (tenant, marketplace, number) answers: without it, a look-up walks every
    line of the tenant, and an import of N lines would take N**2 steps."""
    by_marketplace: dict[str, list[str]] = {}
    for marketplace, number in keys:
        by_marketplace.setdefault(marketplace, []).append(number)
    table = connection.ops.quote_name(Order._meta.db_table)
    out: list[tuple[int, str, str, str]] = []
    with connection.cursor() as cursor:
        for marketplace, numbers in by_marketplace.items():
            for start in range(0, len(numbers), LOOKUP_CHUNK):
                part = numbers[start : start + LOOKUP_CHUNK]
                marks = ", ".join(["%s"] * len(part))
                cursor.execute(
                    "SELECT id, marketplace, product_order_no, content_hash "  # noqa: S608
                    f"FROM {table} WHERE tenant_id = %s AND marketplace = %s "
                    f"AND product_order_no IN ({marks})",
                    [tenant_id, marketplace, *part],
                )
                out.extend(cursor.fetchall())
    return out


def db_datetime() -> Callable[[dt.datetime | None], Any]:
    """The database form of a datetime, as the ORM would write it; memoised, because the
    dates of one file repeat (a marketplace stamps a whole batch of orders alike)."""
    adapt = connection.ops.adapt_datetimefield_value
    seen: dict[dt.datetime, Any] = {}

    def convert(value: dt.datetime | None) -> Any:
        if value is None:
            return None
        out = seen.get(value)
        if out is None:
            out = seen[value] = adapt(value)
        return out

    return convert
