"""The analysis of an upload, kept from the preview to the commit.

The preview reads, recognises and normalises the whole file; the commit used to do all of
that again (for 100k rows, seconds of work twice over). Once a batch is previewed, the
clean rows are what the commit stores, so they replace the upload in the batch's sealed
`staged` field: the same category of data, sealed under the same batch key, read with the
same access record, shredded with the batch. The upload itself is no longer needed.

The form is JSON, never pickle: a staged value is data to read, not code to run. Each row
is a list in the order `CleanRow` gives its fields, named once in the header, so a row
written before a field was added reads back with that field's default.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import operator
import zlib
from collections.abc import Sequence
from typing import Any

from jikim import clock
from jikim.shipping import gcpause
from jikim.shipping.normalising import CleanRow

PREFIX = "analysis/v1:"  # a staged file is base64, which never holds ':'
_FIELDS = tuple(f.name for f in dataclasses.fields(CleanRow))
DATES = frozenset({"ordered_at", "paid_at", "shipped_at", "delivered_at", "purchase_confirmed_at"})
_DATE_INDEXES = [i for i, name in enumerate(_FIELDS) if name in DATES]
_GET = operator.attrgetter(*_FIELDS)
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


class StaleAnalysis(Exception):
    """A staged analysis this code cannot read back (a field it needs is missing)."""


def is_analysis(staged: str) -> bool:
    return staged.startswith(PREFIX)


def dumps(rows: Sequence[CleanRow]) -> str:
    with gcpause.paused():  # a list per row, none of them in a cycle
        return _dumps(rows)


def loads(staged: str) -> list[CleanRow]:
    with gcpause.paused():
        return _loads(staged)


def _dumps(rows: Sequence[CleanRow]) -> str:
    out: list[list[Any]] = []
    append = out.append
    for row in rows:
        values = list(_GET(row))
        for i in _DATE_INDEXES:
            if values[i] is not None:
                values[i] = _date_text(values[i])
        append(values)
    document = _JSON.encode({"fields": _FIELDS, "rows": out}).encode()
    del out
    # Deflated, as the uploaded workbook it replaces was (an xlsx is a zip): a tenth of
    # the size to seal, store and read back.
    return PREFIX + base64.b64encode(zlib.compress(document, 1)).decode("ascii")


def _loads(staged: str) -> list[CleanRow]:
    if not is_analysis(staged):
        raise ValueError("not a staged analysis")
    document = json.loads(zlib.decompress(base64.b64decode(staged[len(PREFIX) :])))
    names: list[str] = document["fields"]
    rows: list[CleanRow] = []
    append = rows.append
    seen: dict[str, dt.datetime] = {}  # a file's dates repeat: parse each once
    if tuple(names) == _FIELDS:
        # Written by this code: each row is CleanRow's fields in order.
        for values in document["rows"]:
            for i in _DATE_INDEXES:
                text = values[i]
                if text is not None:
                    parsed = seen.get(text)
                    if parsed is None:
                        parsed = seen[text] = _date_from(text)
                    values[i] = parsed
            append(CleanRow(*values))
        return rows
    known = [name in _FIELDS for name in names]
    dates = [name in DATES for name in names]
    for values in document["rows"]:
        kwargs: dict[str, Any] = {}
        for name, value, keep, is_date in zip(names, values, known, dates, strict=True):
            if not keep:
                continue  # a field since removed
            kwargs[name] = _date_from(value) if is_date and value is not None else value
        try:
            append(CleanRow(**kwargs))
        except TypeError as exc:
            raise StaleAnalysis("staged analysis lacks a field") from exc
    return rows


def _date_text(value: dt.datetime | None) -> str | None:
    # Korea time, as every parsed date is, is kept as wall time and fold: rebuilt with the
    # same zone object, the datetime is the same in every field, not just the same instant.
    if value is None:
        return None
    if value.tzinfo is clock.SEOUL:
        return f"S{value.fold}{value.replace(tzinfo=None).isoformat()}"
    return f"O{value.isoformat()}"


def _date_from(text: str) -> dt.datetime:
    if text[0] == "S":
        return dt.datetime.fromisoformat(text[2:]).replace(tzinfo=clock.SEOUL, fold=int(text[1]))
    return dt.datetime.fromisoformat(text[1:])
