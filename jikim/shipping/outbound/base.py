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


DESTROYED_REASON = "보관 기간이 지났거나 삭제 요구로 수취인 정보가 파기된 주문"
FROZEN_REASON = "수취인의 정정·삭제·처리정지 요구를 처리하는 동안 보류된 주문"


@dataclass(frozen=True)
class Exclusions:
    """How many chosen orders a file leaves out, and why. Counts only: no one is named."""

    destroyed: int = 0  # the recipient's data was destroyed (retention, deletion request)
    frozen: int = 0  # the recipient is frozen while their request is handled (C6-03)

    @property
    def total(self) -> int:
        return self.destroyed + self.frozen

    @property
    def reasons(self) -> str:
        """ "보관 기간이 … 주문 1건, 수취인의 … 주문 1건": the reasons that apply."""
        parts = [
            f"{label} {count:,}건"
            for label, count in ((DESTROYED_REASON, self.destroyed), (FROZEN_REASON, self.frozen))
            if count
        ]
        return ", ".join(parts)


@dataclass(frozen=True, repr=False)
class ExportFile:
    filename: str
    content: bytes
    rows: int  # rows of the sheet: one per parcel when lines were combined (합포장)
    personal: bool
    content_type: str = XLSX_TYPE
    excluded: Exclusions = Exclusions()
    lines: int = 0  # order lines in it, when that can differ from its rows

    @property
    def combined(self) -> bool:
        return self.lines > self.rows

    def __repr__(self) -> str:
        return f"ExportFile({self.filename!r}, rows={self.rows}, personal={self.personal})"
