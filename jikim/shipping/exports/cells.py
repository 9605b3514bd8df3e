"""What may go into one spreadsheet cell that leaves jikim.

Every value that a seller's customer typed (names, addresses, delivery messages, product
names) ends up in a file that a person opens in Excel or LibreOffice. A value beginning
with ``=``, ``+``, ``-`` or ``@`` is evaluated there as a formula (CSV/formula injection,
CWE-1236), so it is neutralised by a leading single quote, as OWASP and ASVS 1.2.10
advise. Control characters are normalised too: courier upload systems read one line per
cell, and XML 1.0 cannot carry most C0 characters at all.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

__all__ = ["FORMULA_PREFIXES", "NEUTRALISER", "cell_text", "escape_cell", "is_dangerous"]

NEUTRALISER = "'"

# Characters that make a spreadsheet treat the cell as a formula (or a DDE call).
# The fullwidth forms are included because East Asian Excel converts them to their ASCII
# counterparts when a user re-enters the cell (F2, Enter) — and our users type Korean.
FORMULA_PREFIXES = ("=", "+", "-", "@", "＝", "＋", "－", "＠")

# A value that *starts* with one of these is dangerous even though the character is
# normalised away: some CSV readers skip it and evaluate what follows (OWASP lists tab
# and carriage return, ASVS adds NUL).
_DANGEROUS_LEADING_CONTROLS = ("\t", "\r", "\x00")

# Line breaks and tabs become one space (one line per cell for courier uploads).
_LINE_BREAKS = re.compile(r"\r\n|[\t\n\r\v\f\x85\u2028\u2029]")
# Other C0/C1 controls, DEL, lone surrogates (cannot be encoded) and the two XML
# non-characters are dropped: none of them carries meaning in a shipping record.
_DROPPED = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def cell_text(value: object) -> str:
    """Turn a value read from or bound for a spreadsheet into plain text.

    Excel hands numbers-as-text back as floats (``1.2345678901e+11``, ``1234.0``);
    an integral float is written without its ``.0`` so tracking numbers and order
    numbers survive a round trip through a cell that someone formatted as a number.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _normalise(text: str) -> str:
    return _DROPPED.sub("", _LINE_BREAKS.sub(" ", text))


def is_dangerous(value: object) -> bool:
    """True when ``value`` would be (or could become) a formula in a spreadsheet."""
    text = cell_text(value)
    if text.startswith(_DANGEROUS_LEADING_CONTROLS):
        return True
    # Leading blanks are checked through: some spreadsheet imports trim them.
    return _normalise(text).lstrip().startswith(FORMULA_PREFIXES)


def escape_cell(value: object) -> str:
    """Return ``value`` as text that no spreadsheet evaluates.

    Idempotent: escaping an escaped value changes nothing, so a writer may escape
    again what a renderer already escaped.
    """
    text = cell_text(value)
    normalised = _normalise(text)
    if is_dangerous(text):
        return NEUTRALISER + normalised
    return normalised
