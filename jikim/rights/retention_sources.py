"""The rights app's place in the retention engine, registered into
jikim.retention.sources.SOURCES when the app is ready.

`StandingDeletionSource`: data a subject asked to delete that a hold (a dispute, unpaid
fees, a legal hold) kept when the request was answered (C6-01, C4-04). The answer keeps it
frozen (`Frozen.until_destroyed`): neither used nor provided (C6-03). It is due from the
moment its last hold was released, so the planner — which skips held subjects — plans it
in the first sweep after the release, and it is destroyed the sweep's way: shredded,
deleted, ledgered under `subject_request` (C7-02).

`RequestRecordSource`: the requests' own records, destroyed 3 years after the answer
(`rights_records`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import Max

from jikim.retention.models import (
    DestructionItem,
    Hold,
    ItemStatus,
    SeparatedRecord,
    Stage,
)

if TYPE_CHECKING:
    from jikim.retention.sources import Due


class StandingDeletionSource:
    name = "rights.deletion"
    rule_id = "subject_request"
    method = (
        "보존 사유 해소 후 데이터 키 파기(암호학적 삭제), 수취인 행·분리 보관 기록·검색 색인·"
        "통화 녹음 파일 삭제"
    )

    def due(self, until: dt.datetime) -> Iterator[Due]:
        from jikim.cases.models import Recording
        from jikim.retention.sources import Due
        from jikim.rights.models import Frozen
        from jikim.shipping.models import Party

        answered: dict[str, dt.datetime] = {}
        rows = (
            Frozen.objects.filter(until_destroyed=True, request__answered_at__isnull=False)
            .exclude(
                subject__in=DestructionItem.objects.filter(
                    stage=Stage.DESTROY, status=ItemStatus.DONE
                ).values("subject")
            )
            .values_list("subject", "request__answered_at")
        )
        for subject, at in rows:
            assert at is not None  # filtered above
            answered[subject] = min(at, answered.get(subject, at))
        if not answered:
            return
        subjects = sorted(answered)
        tenant_of = dict(
            Party.objects.filter(subject__in=subjects).values_list("subject", "tenant_id")
        )
        tenant_of.update(
            Recording.objects.filter(subject__in=subjects).values_list("subject", "tenant_id")
        )
        # Due when the last hold on it ended (the answer, had none been released since).
        released = Hold.objects.filter(released_at__isnull=False)
        by_subject = dict(
            released.filter(subject__in=subjects)
            .values("subject")
            .annotate(last=Max("released_at"))
            .values_list("subject", "last")
        )
        by_tenant = dict(
            released.filter(tenant_id__in={t for t in tenant_of.values() if t is not None})
            .values("tenant_id")
            .annotate(last=Max("released_at"))
            .values_list("tenant_id", "last")
        )
        for subject in subjects:
            tenant_id = tenant_of.get(subject)
            ends = [
                answered[subject],
                by_subject.get(subject),
                by_tenant.get(tenant_id) if tenant_id is not None else None,
            ]
            due_at = max(t for t in ends if t is not None)
            if due_at <= until:
                yield Due(self.name, subject, Stage.DESTROY, self.rule_id, tenant_id, due_at)

    def move(self, subjects: Sequence[str]) -> None:
        raise NotImplementedError("what a subject asked to delete is destroyed, never moved")

    def destroy(self, subjects: Sequence[str]) -> None:
        # The sweep shreds first (which forgets the index entries): the rows are left — a
        # recipient's, or a withdrawn member's separated copy — and the freeze.
        from jikim.cases.retention_sources import RecordingSource
        from jikim.retention import duesql
        from jikim.rights.models import Frozen

        duesql.delete_parties(subjects)
        # A call recording kept past the answer by a dispute hold: its file goes too.
        RecordingSource().destroy(subjects)
        SeparatedRecord.objects.filter(subject__in=subjects).delete()
        Frozen.objects.filter(subject__in=subjects, until_destroyed=True).delete()


class RequestRecordSource:
    """The records of data subjects' requests themselves — the requester's name and
    contact, what was asked, an agent's papers (`rights_records`): kept 3 years after the
    answer (or the withdrawal) for disputes about the handling, then destroyed. The request
    stays as a count (kind, channel, states, dates), its personal data gone. What the
    public request page's collection notice states (jikim.rights.views)."""

    name = "rights.request"
    rule_id = "rights_records"
    method = "요구 데이터 키 파기(암호학적 삭제) 후 요구인 이름·연락처·요구 내용·대리인 서류 삭제"

    def due(self, until: dt.datetime) -> Iterator[Due]:
        from jikim.retention import rules
        from jikim.retention.sources import Due
        from jikim.rights.models import Request, State

        rule = rules.rule(self.rule_id)
        done = DestructionItem.objects.filter(stage=Stage.DESTROY, status=ItemStatus.DONE)
        # The period is never shorter than this many days: a cheap cut before the exact date.
        cut = until - dt.timedelta(days=_shortest_days(rule.period))
        closed = Request.objects.exclude(subject__in=done.values("subject"))
        answered = closed.filter(answered_at__lte=cut).values_list(
            "subject", "tenant_id", "answered_at"
        )
        # A withdrawn request was never answered: its clock starts at the withdrawal.
        withdrawn = (
            closed.filter(state=State.WITHDRAWN, answered_at__isnull=True)
            .annotate(withdrawn_at=Max("events__at"))
            .filter(withdrawn_at__lte=cut)
            .values_list("subject", "tenant_id", "withdrawn_at")
        )
        for subject, tenant_id, closed_at in [*answered, *withdrawn]:
            assert closed_at is not None  # filtered above
            due_at = rule.due(closed_at)
            if due_at <= until:
                yield Due(self.name, subject, Stage.DESTROY, self.rule_id, tenant_id, due_at)

    def move(self, subjects: Sequence[str]) -> None:
        raise NotImplementedError("request records stay with their request until destroyed")

    def destroy(self, subjects: Sequence[str]) -> None:
        # The sweep shreds first: what is left are the sealed fields and the digests.
        from jikim.rights.models import AgentDocument, ContactDigest, Request

        AgentDocument.objects.filter(request_subject__in=subjects).update(content=None, filename="")
        ContactDigest.objects.filter(request__subject__in=subjects).delete()
        Request.objects.filter(subject__in=subjects).update(
            requester_name=None, requester_contact=None, details=None
        )


def _shortest_days(period: Any) -> int:
    if period is None:
        return 0
    return int(period.amount * {"d": 1, "m": 28, "y": 365}[period.unit])


def register() -> None:
    """Put the standing-deletion source first in the engine's list (once): a sweep plans it
    before the recipients' own rule copies its due rows (retention.direct skips subjects
    already planned), so a subject due under both is destroyed once, as the request asked.
    The requests' own records go last."""
    from jikim.retention import sources

    source = StandingDeletionSource()
    if source.name not in sources.BY_NAME:
        sources.SOURCES.insert(0, source)
        sources.BY_NAME[source.name] = source
    records = RequestRecordSource()
    if records.name not in sources.BY_NAME:
        sources.SOURCES.append(records)
        sources.BY_NAME[records.name] = records
