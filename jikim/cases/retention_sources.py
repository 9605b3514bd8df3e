"""The retention engine's sources for complaint cases (C4-07) and call recordings (C4-10).

The sweep shreds each due subject's data key first (its own transaction on the key ring),
then calls `destroy`, which removes what is left: sealed fields, contact notes, files.
Both steps are idempotent, so an interrupted sweep finishes the work on its next run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from django.db.models import Q
from django.db.models.functions import Coalesce

from jikim import clock
from jikim.cases import recordings
from jikim.cases.models import Case, CaseStatus, ContactLog, Recording
from jikim.retention import rules
from jikim.retention.models import DestructionItem, ItemStatus, Stage

if TYPE_CHECKING:
    from jikim.retention.sources import Due


def _not_done() -> Q:
    return ~Q(
        subject__in=DestructionItem.objects.filter(
            stage=Stage.DESTROY, status=ItemStatus.DONE
        ).values("subject")
    )


DESTROYED_TITLE = "(파기됨)"


class CaseSource:
    """Closed complaint cases: consumer complaint and dispute-handling records are kept 3
    years after the case is closed (C4-07), then destroyed; a dispute hold keeps them
    until it is resolved (C4-04)."""

    name = "cases.case"
    rule_id = "complaint_records"
    method = "민원 데이터 키 파기(암호학적 삭제) 후 민원 내용·연락처·연락 기록 삭제"

    def due(self, until: dt.datetime) -> Iterator[Due]:
        # Imported here: jikim.retention.sources imports this module to list it in SOURCES.
        from jikim.retention.sources import Due

        rule = rules.rule(self.rule_id)
        # Three years is never less than 1,095 days: a cheap cut before the exact date.
        rows = Case.objects.filter(
            _not_done(),
            status=CaseStatus.CLOSED,
            destroyed_at__isnull=True,
            closed_at__lte=until - dt.timedelta(days=1095),
        ).values_list("subject", "tenant_id", "closed_at")
        for subject, tenant_id, closed_at in rows.iterator(chunk_size=2000):
            assert closed_at is not None  # filtered above
            due_at = rule.due(closed_at)
            if due_at <= until:
                yield Due(self.name, subject, Stage.DESTROY, self.rule_id, tenant_id, due_at)

    def move(self, subjects: Sequence[str]) -> None:
        raise NotImplementedError("complaint records stay with their case until destroyed")

    def destroy(self, subjects: Sequence[str]) -> None:
        ContactLog.objects.filter(subject__in=subjects).update(note=None)
        Case.objects.filter(subject__in=subjects).update(
            title=DESTROYED_TITLE,
            complainant_name=None,
            contact_phone=None,
            contact_email=None,
            body=None,
            answer=None,
            dispute_note="",
            destroyed_at=clock.now(),
        )


class RecordingSource:
    """Call recordings: destroyed 6 months after the consultation ends (C4-10) — the key
    shredded, then the file deleted from the recordings storage."""

    name = "cases.recording"
    rule_id = "call_recording_6m"
    method = "녹음 파일의 데이터 키 파기(암호학적 삭제) 후 녹음 저장소에서 파일 삭제"

    def due(self, until: dt.datetime) -> Iterator[Due]:
        # Imported here: jikim.retention.sources imports this module to list it in SOURCES.
        from jikim.retention.sources import Due

        rule = rules.rule(self.rule_id)
        # A consultation whose end was never entered ended at the latest when its recording
        # was uploaded. Six months are never less than 181 days.
        rows = (
            Recording.objects.filter(_not_done(), destroyed_at__isnull=True)
            .annotate(ended=Coalesce("consultation__ended_at", "uploaded_at"))
            .filter(ended__lte=until - dt.timedelta(days=181))
            .values_list("subject", "tenant_id", "ended")
        )
        for subject, tenant_id, ended in rows.iterator(chunk_size=2000):
            due_at = rule.due(ended)
            if due_at <= until:
                yield Due(self.name, subject, Stage.DESTROY, self.rule_id, tenant_id, due_at)

    def move(self, subjects: Sequence[str]) -> None:
        raise NotImplementedError("recordings are destroyed, never kept in separation")

    def destroy(self, subjects: Sequence[str]) -> None:
        for recording in Recording.objects.filter(subject__in=subjects):
            recordings.remove(recording.storage_name)
        Recording.objects.filter(subject__in=subjects).update(
            storage_name="", destroyed_at=clock.now()
        )
