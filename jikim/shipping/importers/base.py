"""Layouts (what a marketplace file's header row looks like) and the one mapper they share.

Format modules are data: each describes its header strings and which header feeds which
OrderRow field. This module matches a layout against a real header row once, then turns
each data row into an OrderRow, or into a RowProblem when the row cannot be keyed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import compress

from .rows import FIELDS, OrderRow, RowProblem, problem

# Filled by the mapper itself, not by `fields`.
COMPUTED_FIELDS = frozenset(
    {"product_order_no", "recipient_address_base", "recipient_address_detail"}
)
# A byte-order mark written twice (a tool adding one to text that had one) lands in the
# first header cell, as invisible to the seller as a space.
_BLANKS = re.compile(r"[\s\ufeff]+")


@lru_cache(maxsize=4096)  # the same few hundred header strings, in every upload
def normalize_header(text: str) -> str:
    """Compare headers the way a person would: ignore spacing, line breaks, width.

    NFKC folds full-width brackets; a trailing '*' is the "required" mark some exports add.
    """
    return _BLANKS.sub("", unicodedata.normalize("NFKC", text)).rstrip("*")


@dataclass(frozen=True)
class Layout:
    format_id: str
    name: str  # Korean display name
    marketplace: str
    # The real header list in column order, as the marketplace spells it; detection scores
    # a candidate header row by how many of these it contains.
    columns: tuple[str, ...]
    # Each group must be satisfied by at least one of its headers for the layout to match.
    required: tuple[frozenset[str], ...]
    # field -> headers in preference order; the first non-empty cell wins.
    fields: Mapping[str, tuple[str, ...]]
    # Header combinations that key a line; the first combination with every cell filled is
    # joined with "-". A one-header combination is a real per-line number.
    product_order_key: tuple[tuple[str, ...], ...]
    # (base, detail) address sources in preference order; the first with a base wins, and
    # its detail comes with it, so a base and a detail never come from different sources.
    addresses: tuple[tuple[str, str | None], ...] = ()
    notes: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        unknown = set(self.fields) - set(FIELDS)
        computed = set(self.fields) & COMPUTED_FIELDS
        if unknown or computed or "order_no" not in self.fields:
            raise ValueError(f"layout {self.format_id}: bad fields {sorted(unknown | computed)}")

    def match_score(self, header_row: Sequence[str]) -> int:
        """How well a row looks like this layout's header: 0 = not at all."""
        return self.score_headers(header_set(header_row))

    def score_headers(self, present: set[str]) -> int:
        """`match_score` for a row already folded by `header_set`."""
        if not all(group & present for group in self._required_folded):
            return 0
        return sum(1 for h in self._columns_folded if h in present)

    @cached_property
    def _required_folded(self) -> tuple[frozenset[str], ...]:
        return tuple(frozenset(map(normalize_header, group)) for group in self.required)

    @cached_property
    def _columns_folded(self) -> tuple[str, ...]:
        return tuple(map(normalize_header, self.columns))


def header_set(header_row: Sequence[str]) -> set[str]:
    return {normalize_header(cell) for cell in header_row if cell}


def column_letter(index: int) -> str:
    letters = ""
    number = index + 1
    while number:
        number, rem = divmod(number - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class BoundLayout:
    """A layout resolved against one header row: header lookups are done once, not per row."""

    def __init__(self, layout: Layout, header_row: Sequence[str]) -> None:
        self.layout = layout
        self.header = [_BLANKS.sub(" ", cell).strip() for cell in header_row]
        self._width = len(self.header)
        positions: dict[str, int] = {}
        for index, cell in enumerate(header_row):
            positions.setdefault(normalize_header(cell), index)
        positions.pop("", None)

        def find(header: str | None) -> int | None:
            return None if header is None else positions.get(normalize_header(header))

        self._fields = [
            (name, [i for i in map(find, headers) if i is not None])
            for name, headers in layout.fields.items()
        ]
        self._order_column = find(layout.fields["order_no"][0])
        self._keys = [
            [i for i in map(find, combo) if i is not None]
            for combo in layout.product_order_key
            if all(find(h) is not None for h in combo)
        ]
        self._addresses = [
            (base, find(detail))
            for base, detail in ((find(b), d) for b, d in layout.addresses)
            if base is not None
        ]
        self._extra_names = self._names_for_extra()

    def field_headers(self) -> dict[str, str]:
        """Each mapped field's column header as the file spells it, for problem reports."""
        headers = {name: self.header[indexes[0]] for name, indexes in self._fields if indexes}
        for base, detail in self._addresses[:1]:
            headers.setdefault("recipient_address_base", self.header[base])
            if detail is not None:
                headers.setdefault("recipient_address_detail", self.header[detail])
        return headers

    def _names_for_extra(self) -> list[str]:
        names: list[str] = []
        seen: dict[str, int] = {}
        for index, header in enumerate(self.header):
            name = header or f"열 {column_letter(index)}"
            seen[name] = seen.get(name, 0) + 1
            names.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
        return names

    def _key_column(self, cells: Sequence[str]) -> str | None:
        """The header of the first empty key cell, to point the seller at it."""
        for combo in self._keys[:1]:
            for index in combo:
                if not cells[index]:
                    return self.header[index]
        return None

    def parse_row(self, row: Sequence[str], source_row: int) -> OrderRow | RowProblem:
        # Strip once and pad to the header's width: every lookup below is plain indexing.
        cells = list(map(str.strip, row))
        if len(cells) < self._width:
            cells.extend([""] * (self._width - len(cells)))
        used: set[int] = set()
        values: dict[str, str] = {}
        for name, indexes in self._fields:
            for index in indexes:
                value = cells[index]
                if value:
                    values[name] = value
                    used.add(index)
                    break
        order_no = values.pop("order_no", "")
        if not order_no:
            column = None if self._order_column is None else self.header[self._order_column]
            return problem(source_row, column, "missing_order_no")
        product_order_no = ""
        for combo in self._keys:
            parts = [cells[i] for i in combo]
            if all(parts):
                product_order_no = "-".join(parts)
                if len(combo) == 1:
                    used.add(combo[0])
                break
        if not product_order_no:
            return problem(source_row, self._key_column(cells), "missing_product_order_no")
        for base, detail in self._addresses:
            if cells[base]:
                values["recipient_address_base"] = cells[base]
                used.add(base)
                if detail is not None:
                    values["recipient_address_detail"] = cells[detail]
                    used.add(detail)
                break
        names = self._extra_names
        width = self._width
        # compress() picks the filled cells at C speed: most of a wide export is empty.
        extra = {
            names[index] if index < width else f"열 {column_letter(index)}": cells[index]
            for index in compress(range(len(cells)), cells)
            if index not in used
        }
        return OrderRow(
            marketplace=self.layout.marketplace,
            source_row=source_row,
            order_no=order_no,
            product_order_no=product_order_no,
            extra=extra,
            **values,
        )


def parse_rows(
    rows: Sequence[Sequence[str]],
    bound: BoundLayout,
    header_row_index: int,
    *,
    start_row: int = 1,
) -> tuple[list[OrderRow], list[RowProblem]]:
    """Map every data row below the header (the row `bound` was bound to); blank rows and
    repeated headers are skipped."""
    header = list(rows[header_row_index])
    parsed: list[OrderRow] = []
    problems: list[RowProblem] = []
    for index in range(header_row_index + 1, len(rows)):
        row = rows[index]
        if not any(map(str.strip, row)):
            continue
        if header and row[0] == header[0] and list(row) == header:
            continue  # two downloads pasted one under the other
        result = bound.parse_row(row, start_row + index)
        if isinstance(result, RowProblem):
            problems.append(result)
        else:
            parsed.append(result)
    return parsed, problems
