"""What every part of the files-out flow shares: its error and the file it hands out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

PURPOSE = "service_delivery"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class OutboundError(ValueError):
    """A file cannot be made or read. Korean; never holds a recipient's data."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)


@dataclass(frozen=True, repr=False)
class ExportFile:
    filename: str
    content: bytes
    rows: int
    personal: bool
    content_type: str = XLSX_TYPE

    def __repr__(self) -> str:
        return f"ExportFile({self.filename!r}, rows={self.rows}, personal={self.personal})"
