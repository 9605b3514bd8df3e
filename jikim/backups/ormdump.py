"""Rows of models through the ORM, to a JSON-lines file and back, exactly.

Used where a database tool cannot be: PostgreSQL without pg_dump on the PATH, and to keep
the access records across a restore (reapply.py). Why not Django's dumpdata: its
serialisers write a field through `value_to_string`, which for a vault field is the
`Sealed` placeholder "(암호화됨)", not the ciphertext — a dumpdata backup silently loses
every personal value — and its JSON cuts microseconds off timestamps, which breaks the
access records' hash chain. Here each value is written by its field type and read back to
the same value.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connections, models, router, transaction

from jikim.retention.separated import sweeping
from jikim.vault.fields import PersonalDataField, Sealed

BATCH = 2000


def models_of(alias: str) -> list[type[models.Model]]:
    """Every concrete, managed model whose table lives in this database."""
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and router.allow_migrate_model(alias, m)
    ]


def _encode(field: models.Field[Any, Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, PersonalDataField):
        return value.token if isinstance(value, Sealed) else value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview | bytearray):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.timedelta):
        return [value.days, value.seconds, value.microseconds]
    return value


def _decode(field: models.Field[Any, Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, PersonalDataField):
        return Sealed(value)
    if isinstance(field, models.DateTimeField):
        return dt.datetime.fromisoformat(value)
    if isinstance(field, models.DateField):
        return dt.date.fromisoformat(value)
    if isinstance(field, models.TimeField):
        return dt.time.fromisoformat(value)
    if isinstance(field, models.BinaryField):
        return base64.b64decode(value)
    if isinstance(field, models.DecimalField):
        return decimal.Decimal(value)
    if isinstance(field, models.UUIDField):
        return uuid.UUID(value)
    if isinstance(field, models.DurationField):
        return dt.timedelta(days=value[0], seconds=value[1], microseconds=value[2])
    return value


def dump(alias: str, chosen: Iterable[type[models.Model]], target: Path) -> dict[str, int]:
    """Write every row of `chosen` models; returns row counts by table."""
    counts: dict[str, int] = {}
    with sweeping(), target.open("w", encoding="utf-8") as out:
        for model in chosen:
            fields = list(model._meta.concrete_fields)
            out.write(
                json.dumps({"model": model._meta.label, "fields": [f.attname for f in fields]})
            )
            out.write("\n")
            rows = (
                model._base_manager.using(alias)
                .order_by("pk")
                .values_list(*[f.attname for f in fields])
            )
            count = 0
            for row in rows.iterator(chunk_size=BATCH):
                out.write(json.dumps([_encode(f, v) for f, v in zip(fields, row, strict=True)]))
                out.write("\n")
                count += 1
            counts[model._meta.db_table] = count
    return counts


def _sections(source: Path) -> Iterator[tuple[type[models.Model], list[str], list[list[Any]]]]:
    """(model, attnames, a batch of rows), model by model, in file order."""
    model: type[models.Model] | None = None
    names: list[str] = []
    batch: list[list[Any]] = []
    with source.open(encoding="utf-8") as handle:
        for line in handle:
            value = json.loads(line)
            if isinstance(value, dict):
                if model is not None and batch:
                    yield model, names, batch
                model, names, batch = apps.get_model(value["model"]), value["fields"], []
                yield model, names, []  # announce the model even when it has no rows
                continue
            batch.append(value)
            if len(batch) >= BATCH and model is not None:
                yield model, names, batch
                batch = []
    if model is not None and batch:
        yield model, names, batch


def load(alias: str, source: Path, *, replace: Iterable[type[models.Model]]) -> dict[str, int]:
    """Empty the tables of `replace`, then insert the file's rows with their own primary
    keys, in one transaction (foreign keys are checked at commit, so order is free)."""
    connection = connections[alias]
    replaced = list(replace)
    counts: dict[str, int] = {}
    with sweeping(), transaction.atomic(using=alias):
        tables = [m._meta.db_table for m in replaced]
        with connection.cursor() as cursor:
            for sql in connection.ops.sql_flush(no_style(), tables, allow_cascade=False):
                cursor.execute(sql)
        loaded: list[type[models.Model]] = []
        for model, names, rows in _sections(source):
            if model not in loaded:
                loaded.append(model)
                counts[model._meta.db_table] = 0
            fields = {f.attname: f for f in model._meta.concrete_fields}
            known = [(i, fields[n]) for i, n in enumerate(names) if n in fields]
            objs = [model(**{f.attname: _decode(f, row[i]) for i, f in known}) for row in rows]
            model._base_manager.using(alias).bulk_create(objs, batch_size=500)
            counts[model._meta.db_table] += len(objs)
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), loaded):
                cursor.execute(sql)
    return counts
