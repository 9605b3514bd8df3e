"""Signed checkpoints of the chain, kept twice: in the database and in an append-only
export file outside it (AUDIT_CHECKPOINT_FILE), so that a person who rewrites the whole
chain in the database, hashes and checkpoint rows included, is still caught.

Cadence: after every AUDIT_CHECKPOINT_EVERY records and at least every
AUDIT_CHECKPOINT_SECONDS while records are written (`records.record` asks for one after
its commit), and by `jikim audit_checkpoint`, which cron runs hourly so that quiet hours
are covered too. The file line is written (and synced) before the database row commits:
a crash in between leaves a line whose hash still matches the committed chain, never a
database row the file lacks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from jikim import clock
from jikim.audit import chain, signing
from jikim.audit.canonical import SEP, canonical_json
from jikim.audit.models import Checkpoint, CheckpointKind


@dataclass(frozen=True)
class Mark:
    """A checkpoint or anchor as the verifier sees it, from the database or the file."""

    kind: str
    seq: int
    hash: str
    at: str
    islands: tuple[tuple[int, str], ...]
    key_id: str
    signature: str

    def message(self) -> bytes:
        return message(self.kind, self.seq, self.hash, self.at, self.islands)

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "seq": self.seq,
            "hash": self.hash,
            "at": self.at,
            "islands": [list(i) for i in self.islands],
            "key_id": self.key_id,
            "signature": self.signature,
        }

    @classmethod
    def of(cls, row: Checkpoint) -> Mark:
        return cls(
            kind=row.kind,
            seq=row.seq,
            hash=row.hash,
            at=iso(row.at),
            islands=tuple((int(s), str(h)) for s, h in row.islands),
            key_id=row.key_id,
            signature=row.signature,
        )


def iso(moment: dt.datetime) -> str:
    """A mark's time, as signed and as written to the file: UTC ISO 8601, microseconds."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)


def message(kind: str, seq: int, digest: str, at: str, islands: Any) -> bytes:
    islands_digest = hashlib.sha256(canonical_json([list(i) for i in islands]).encode()).hexdigest()
    return SEP.join(("jikim-audit/v1", kind, str(seq), digest, at, islands_digest)).encode()


def export_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_FILE)


def _append(mark: Mark) -> None:
    path = export_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(mark.as_json(), sort_keys=True, separators=(",", ":")) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def signed(kind: str, seq: int, digest: str, islands: list[tuple[int, str]] | None = None) -> Mark:
    """Sign a mark and write it to the file and the database (in the open transaction)."""
    at = clock.now()
    isl = tuple((int(s), str(h)) for s, h in (islands or []))
    sig = signing.sign(message(kind, seq, digest, iso(at), isl))
    mark = Mark(kind, seq, digest, iso(at), isl, sig.key_id, sig.signature)
    _append(mark)
    Checkpoint.objects.create(
        kind=kind,
        seq=seq,
        hash=digest,
        at=at,
        islands=[list(i) for i in isl],
        key_id=sig.key_id,
        signature=sig.signature,
    )
    return mark


def make_checkpoint() -> Mark | None:
    """Sign the committed head unless it is already signed. Returns the new checkpoint."""
    with transaction.atomic():
        head = chain.lock_head()
        if head.seq == 0 or head.seq == head.checkpoint_seq:
            return None
        mark = signed(CheckpointKind.CHECKPOINT, head.seq, head.hash)
        head.checkpoint_seq = head.seq
        head.checkpoint_at = parse_iso(mark.at)
        head.save(update_fields=["checkpoint_seq", "checkpoint_at"])
        return mark


class ExportFileDamaged(ValueError):
    def __init__(self, line: int) -> None:
        super().__init__(f"line {line} of the checkpoint export file is damaged")
        self.line = line


def read_export() -> Iterator[Mark]:
    path = export_path()
    if not path.exists():
        return
    with path.open("r", encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                raw = json.loads(text)
                yield Mark(
                    kind=str(raw["kind"]),
                    seq=int(raw["seq"]),
                    hash=str(raw["hash"]),
                    at=str(raw["at"]),
                    islands=tuple((int(s), str(h)) for s, h in raw.get("islands", [])),
                    key_id=str(raw["key_id"]),
                    signature=str(raw["signature"]),
                )
            except (ValueError, KeyError, TypeError) as exc:
                raise ExportFileDamaged(number) from exc


def from_database() -> list[Mark]:
    return [Mark.of(row) for row in Checkpoint.objects.order_by("seq", "kind")]
