"""The retention engine's sources for complaint cases (C4-07), call recordings (C4-10) and
the consultations (calls) themselves.

The sweep shreds each due subject's data key first (its own transaction on the key ring),
then calls `destroy`, which removes what is left: sealed fields, contact notes, files,
consultation rows. Every step is idempotent, so an interrupted sweep finishes the work on
its next run. `register` adds the consultations' source to the engine's list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from django.db.models import Max, Q
from django.db.models.functions import Coalesce

from jikim import clock
from jikim.cases import recordings
from jikim.cases.models import Case, CaseStatus, Consultation, ContactLog, Recording
from jikim.retention import rules
from jikim.retention.models import DestructionItem, ItemStatus, Stage

if TYPE_CHECKING:
    from django.db.models import QuerySet

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
    method = (
        "민원 데이터 키 파기(암호학적 삭제) 후 민원 내용·연락처·연락 기록과 관련 상담 기록 삭제"
    )

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
        # The case's calls go with it (a call whose recording a hold still keeps waits
        # for ConsultationSource).
        drop_consultations(Consultation.objects.filter(case__subject__in=subjects))


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


CONSULTATION_PREFIX = "consult_"


def consultation_subject(consultation_id: int) -> str:
    """The name a consultation is planned and ledgered under (the row holds no key)."""
    return f"{CONSULTATION_PREFIX}{consultation_id}"


def drop_consultations(consultations: QuerySet[Consultation]) -> int:
    """Delete consultations (topic, agent, times, notice, case link) whose recordings are
    all destroyed, with those recordings' remaining rows. Returns how many went."""
    live = Recording.objects.filter(destroyed_at__isnull=True).values("consultation_id")
    gone = consultations.exclude(pk__in=live)
    Recording.objects.filter(consultation__in=gone).delete()
    deleted, _ = gone.delete()
    return deleted


class ConsultationSource:
    """Consultations: a call with a case goes with the case (C4-07); a call without one is
    destroyed with its recordings, 6 months after it ended (C4-10) — the later of its
    recordings' destruction and that date, so a recording a hold keeps keeps its call.
    A call never marked ended counts from its start or its last upload."""

    name = "cases.consultation"
    rule_id = "call_recording_6m"
    method = "상담 기록(주제·상담원·상담 시각·녹음 고지·민원 연결) 삭제"

    def due(self, until: dt.datetime) -> Iterator[Due]:
        from jikim.retention.sources import Due

        done = set(
            DestructionItem.objects.filter(
                stage=Stage.DESTROY, status=ItemStatus.DONE, source=self.name
            ).values_list("subject", flat=True)
        )
        live = Recording.objects.filter(destroyed_at__isnull=True).values("consultation_id")
        rows = (
            Consultation.objects.exclude(pk__in=live)
            .filter(Q(case__isnull=True) | Q(case__destroyed_at__isnull=False))
            .annotate(
                last_upload=Max("recordings__uploaded_at"),
                last_destroyed=Max("recordings__destroyed_at"),
            )
            .values_list(
                "pk",
                "tenant_id",
                "started_at",
                "ended_at",
                "last_upload",
                "last_destroyed",
                "case__destroyed_at",
            )
        )
        call_rule, case_rule = rules.rule(self.rule_id), rules.rule(CaseSource.rule_id)
        for pk, tenant_id, started, ended, upload, destroyed, case_gone in rows.iterator(
            chunk_size=2000
        ):
            subject = consultation_subject(pk)
            if subject in done:
                continue
            if case_gone is not None:
                rule_id, due_at = case_rule.id, max(case_gone, destroyed or case_gone)
            else:
                base = ended or max(started, upload or started)
                rule_id, due_at = call_rule.id, max(call_rule.due(base), destroyed or started)
            if due_at <= until:
                yield Due(self.name, subject, Stage.DESTROY, rule_id, tenant_id, due_at)

    def move(self, subjects: Sequence[str]) -> None:
        raise NotImplementedError("consultations are destroyed, never kept in separation")

    def destroy(self, subjects: Sequence[str]) -> None:
        ids = [
            int(s[len(CONSULTATION_PREFIX) :])
            for s in subjects
            if s.startswith(CONSULTATION_PREFIX) and s[len(CONSULTATION_PREFIX) :].isdigit()
        ]
        drop_consultations(Consultation.objects.filter(pk__in=ids))


def register() -> None:
    """Add the consultations' source to the engine's list (once), after the recordings'."""
    from jikim.retention import sources

    source = ConsultationSource()
    if source.name not in sources.BY_NAME:
        sources.SOURCES.append(source)
        sources.BY_NAME[source.name] = source
