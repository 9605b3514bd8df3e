"""Recognise which marketplace layout a table is in, by its header strings alone.

File names are never consulted: sellers rename files, and a name proves nothing. The
header is looked for in the first rows because Smartstore puts an instruction line above
it and 11번가 puts guidance rows above it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from . import coupang, elevenst, esm, smartstore
from .base import Layout, header_set
from .errors import FileRefused
from .generic import layout_from_mapping

HEADER_SCAN_ROWS = 10
KNOWN_LAYOUTS: tuple[Layout, ...] = (
    *smartstore.LAYOUTS,
    *coupang.LAYOUTS,
    *esm.LAYOUTS,
    *elevenst.LAYOUTS,
)


# A mapped file needs at least its required columns in separate cells: order number,
# recipient's name, phone and address (views.MAPPED_FIELDS).
MIN_MAPPED_COLUMNS = 4


@dataclass(frozen=True)
class Detected:
    format_id: str
    header_row_index: int  # index into the table's rows, 0-based
    layout: Layout


def detect_format(
    rows: Sequence[Sequence[str]], *, mapping: Mapping[str, str] | None = None
) -> Detected:
    """The best-matching known layout; else the seller's own column mapping, if given."""
    if not any(any(cell.strip() for cell in row) for row in rows):
        raise FileRefused("empty")
    best: tuple[int, int, Layout] | None = None
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        present = header_set(row)
        for layout in KNOWN_LAYOUTS:
            score = layout.score_headers(present)
            # Ties go to the earlier row and to the earlier (more specific) layout.
            if score and (best is None or score > best[0]):
                best = (score, index, layout)
    if best is not None:
        return Detected(best[2].format_id, best[1], best[2])
    if mapping is None:
        widest = max(sum(1 for cell in row if cell.strip()) for row in rows[:HEADER_SCAN_ROWS])
        if widest < MIN_MAPPED_COLUMNS:
            # A text file renamed .xlsx, a note: no mapping could ever fit it, so the
            # seller is told so instead of being asked to map one column.
            raise FileRefused("too_few_columns")
        raise FileRefused("unknown_format")
    layout = layout_from_mapping(mapping)
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if layout.match_score(row):
            return Detected(layout.format_id, index, layout)
    raise FileRefused("no_header")
