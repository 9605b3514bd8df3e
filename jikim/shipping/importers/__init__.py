"""Marketplace order files in, OrderRows out: Smartstore, Coupang Wing, ESM, 11번가, CSV.

    parsed = parse_file(uploaded_bytes, password=password_or_none)
    parsed.rows       # list[OrderRow], raw strings, one per order line
    parsed.problems   # list[RowProblem], one per row that could not be keyed

A file that cannot be read at all raises FileRefused (a code and a Korean message). Pure
Python, no Django: the import action decides what to store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .base import BoundLayout, Layout, normalize_header, parse_rows
from .detect import KNOWN_LAYOUTS, Detected, detect_format
from .errors import FileRefused
from .generic import suggest_mapping
from .reading import MAX_BYTES, MAX_ROWS, Table, read_table
from .rows import FIELDS, OrderRow, RowProblem

__all__ = [
    "FIELDS",
    "KNOWN_LAYOUTS",
    "Detected",
    "FileRefused",
    "Layout",
    "OrderRow",
    "ParsedFile",
    "RowProblem",
    "Table",
    "detect_format",
    "normalize_header",
    "parse_file",
    "parse_rows",
    "read_table",
    "suggest_mapping",
]


@dataclass(frozen=True, repr=False)
class ParsedFile:
    format_id: str
    format_name: str
    marketplace: str
    rows: list[OrderRow]
    problems: list[RowProblem]
    total_rows: int  # non-blank data rows below the header: len(rows) + len(problems)
    headers: dict[str, str] = field(default_factory=dict)  # field -> header as in the file

    def __repr__(self) -> str:
        return (
            f"ParsedFile(format_id={self.format_id!r}, rows={len(self.rows)}, "
            f"problems={len(self.problems)})"
        )


def parse_file(
    data: bytes,
    *,
    password: str | None = None,
    mapping: Mapping[str, str] | None = None,
    filename: str | None = None,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> ParsedFile:
    """Read, recognise and map one uploaded order file.

    `mapping` (canonical field -> header) is used only when the file is not one of the
    known marketplace layouts; `filename` only breaks ties between comma and tab.
    """
    table = read_table(
        data, filename=filename, password=password, max_bytes=max_bytes, max_rows=max_rows
    )
    detected = detect_format(table.rows, mapping=mapping)
    # Bound once: binding folds every header cell, as much work as mapping a small file.
    bound = BoundLayout(detected.layout, table.rows[detected.header_row_index])
    rows, problems = parse_rows(
        table.rows, bound, detected.header_row_index, start_row=table.start_row
    )
    if not rows and not problems:
        raise FileRefused("no_orders")
    return ParsedFile(
        format_id=detected.format_id,
        format_name=detected.layout.name,
        marketplace=detected.layout.marketplace,
        rows=rows,
        problems=problems,
        total_rows=len(rows) + len(problems),
        headers=bound.field_headers(),
    )
