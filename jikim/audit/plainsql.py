"""One-row writes for the tables every request touches (access records, service logs), as
plain SQL built once per table and database.

Why not `Model.objects.create`: for a single row the ORM rebuilds and compiles its INSERT
on every call, about 0.3 ms of Python per row (measured in bench/load_bench.py's mix), more
than the database needs to write it. The values still go through each field's own
`get_db_prep_save`, so they are stored exactly as the ORM would store them; no signal
is sent (none is connected to these models).
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import connections, router
from django.db.models import Model


@functools.cache
def _statement(model: type[Model], alias: str, vendor: str, columns: tuple[str, ...]) -> str:
    connection = connections[alias]
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608 - names from the model
    if connection.features.can_return_columns_from_insert:
        sql += f" RETURNING {quote(model._meta.pk.column)}"  # type: ignore[union-attr]
    return sql


def insert(model: type[Model], values: dict[str, Any]) -> int:
    """Insert one row of `model` from field names to Python values; its primary key."""
    alias = router.db_for_write(model)
    connection = connections[alias]
    fields = [model._meta.get_field(name) for name in values]
    params = [
        field.get_db_prep_save(value, connection)  # type: ignore[union-attr]
        for field, value in zip(fields, values.values(), strict=True)
    ]
    columns = tuple(field.column for field in fields)  # type: ignore[union-attr]
    sql = _statement(model, alias, connection.vendor, columns)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if connection.features.can_return_columns_from_insert:
            return int(cursor.fetchone()[0])
        table = model._meta.db_table
        return int(connection.ops.last_insert_id(cursor, table, model._meta.pk.column))  # type: ignore[union-attr]


def loaded(model: type[Model], pk: int, values: dict[str, Any]) -> Any:
    """The instance `insert` wrote, as `create` would have returned it."""
    instance = model(pk=pk, **values)
    instance._state.adding = False
    instance._state.db = router.db_for_write(model)
    return instance
