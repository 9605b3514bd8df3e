"""The access package's section on the person's consultation-call recordings (C6-01 with
C4-10). They are the recordings of the calls about the person's CS cases — found the way
the freeze finds them (jikim.rights.freeze) — each listed with its date, its length, the
case it belongs to, the rule that keeps it and its destruction date as the retention sweep
computes it (jikim.cases.retention_sources.RecordingSource). The audio is not in the
package and no link reaches it: the person hears it, or receives a copy, on request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from jikim import clock
from jikim.cases.models import Recording
from jikim.cases.retention_sources import RecordingSource
from jikim.retention import rules
from jikim.retention.sources import BY_NAME
from jikim.rights import holds
from jikim.rights.package import HELD_DUE, NOT_YET_DUE, period_text, where

ON_REQUEST = "요청하시면 들려 드리거나 사본을 드립니다"


def of_cases(case_subjects: Sequence[str]) -> list[Recording]:
    """The recordings, not yet destroyed, of the consultations about these cases."""
    return list(
        Recording.objects.filter(
            consultation__case__subject__in=case_subjects, destroyed_at__isnull=True
        )
        .select_related("consultation__case__tenant")
        .order_by("consultation__started_at", "pk")
    )


def length(started: dt.datetime, ended: dt.datetime | None) -> str:
    """The call's length, from the consultation's start and end."""
    if ended is None:
        return "기록 없음 (상담 종료 시각이 입력되지 않음)"
    minutes, seconds = divmod(max(0, int((ended - started).total_seconds())), 60)
    hours, minutes = divmod(minutes, 60)
    return (f"{hours}시간 " if hours else "") + f"{minutes}분 {seconds}초"


def _dues(subjects: set[str]) -> dict[str, dt.datetime]:
    """Each recording's destruction date from the source the sweep runs."""
    if not subjects:
        return {}
    horizon = dt.datetime(9999, 1, 1, tzinfo=dt.UTC) - dt.timedelta(days=1)
    source = BY_NAME[RecordingSource.name]
    return {d.subject: d.due_at for d in source.due(horizon) if d.subject in subjects}


def section(
    case_subjects: Sequence[str],
) -> tuple[list[dict[str, str]], dict[str, list[str]], dict[str, str]]:
    """(the section's rows, the hold kinds on each recording, a description of each)."""
    found = of_cases(case_subjects)
    held = holds.kinds_over([r.subject for r in found], {r.subject: r.tenant_id for r in found})
    dues = _dues({r.subject for r in found})
    rule = rules.rule(RecordingSource.rule_id)
    rows: list[dict[str, str]] = []
    where_of: dict[str, str] = {}
    for recording in found:
        call = recording.consultation
        when = f"{clock.local(call.started_at):%Y-%m-%d %H:%M}"
        case = where(call.case) if call.case is not None else ""
        where_of[recording.subject] = f"{case}의 상담 녹음 ({when})"
        if recording.subject in held:
            due = HELD_DUE
        elif recording.subject in dues:
            due = f"{clock.local(dues[recording.subject]):%Y-%m-%d}"
        else:
            due = NOT_YET_DUE
        rows.append(
            {
                "통화 일시": when,
                "통화 시간": length(call.started_at, call.ended_at),
                "민원": case,
                "보유 근거": rule.basis,
                "보유 기간": period_text(rule),
                "파기 예정일": due,
                "청취·사본": ON_REQUEST,
            }
        )
    return rows, held, where_of
