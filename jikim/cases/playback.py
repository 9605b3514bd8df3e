"""Playing a recording back: only for its declared purpose, every request recorded, the
audio decrypted on the fly as it is streamed (never written out in the clear).

Browsers fetch audio in HTTP ranges (to read the length, to seek); each range request is
its own recorded read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction

from jikim.audit.records import record
from jikim.cases import recordings
from jikim.cases.models import Recording
from jikim.vault import access

CATEGORY = "consultation.recording"
PURPOSE = "call_recording"
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class RangeNotSatisfiable(Exception):
    pass


@dataclass(frozen=True)
class Span:
    start: int
    end: int  # inclusive
    partial: bool

    @property
    def length(self) -> int:
        return self.end - self.start + 1


def parse_range(header: str, size: int) -> Span:
    """One `bytes=a-b` range (the only kind media players send); anything else: the whole."""
    whole = Span(0, size - 1, False)
    match = _RANGE.match(header.strip()) if header else None
    if match is None:
        return whole
    first, last = match.groups()
    if not first and not last:
        return whole
    if not first:  # the last N bytes
        start, end = max(0, size - int(last)), size - 1
    else:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        raise RangeNotSatisfiable
    return Span(start, end, True)


def open_for_playback(
    recording: Recording, *, actor: object, span_header: str = ""
) -> tuple[recordings.Opened, Span]:
    """Check the purpose, open the sealed file and write the access record; the caller
    streams `recordings.plaintext(opened, span.start, span.end)`."""
    access.authorise(CATEGORY, PURPOSE, [recording.subject])
    if recording.destroyed_at is not None:
        raise recordings.RecordingUnavailable("destroyed")
    if _frozen(recording.subject):
        raise recordings.RecordingUnavailable("processing suspended")
    opened = recordings.open_sealed(recording.subject, recording.storage_name)
    try:
        span = parse_range(span_header, opened.size)
        with transaction.atomic():
            record(
                "view",
                actor=actor,
                tenant_id=recording.tenant_id,
                subjects=[recording.subject],
                purpose=PURPOSE,
                detail={
                    "recording": recording.pk,
                    "playback": True,
                    "bytes": [span.start, span.end],
                },
            )
    except BaseException:
        opened.close()
        raise
    return opened, span


def _frozen(subject: str) -> bool:
    # A pending correction or deletion, or a suspension of processing (C6-03), stops
    # playback as it stops every other read; the rights app registers the checks.
    frozen = getattr(access, "frozen", None)
    return bool(frozen and frozen({subject}))
