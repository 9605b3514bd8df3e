"""The privacy officer's acts on the access records: confirming a download's reason and
signing a month's review off. Each is atomic, takes the officer explicitly and is itself
an access record."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from jikim import clock
from jikim.accounts.models import Member
from jikim.accounts.roles import operator_role_allows
from jikim.audit import review
from jikim.audit.models import AccessRecord, DownloadCheck, Review
from jikim.audit.records import Action, record


def _require_officer(actor: Member) -> None:
    if not (actor.is_active and operator_role_allows(actor.operator_role, "review_access")):
        raise PermissionDenied


@transaction.atomic
def do_confirm_download(actor: Member, seq: int, note: str) -> DownloadCheck:
    """The officer checked why this download happened (art. 8 ②) and says so."""
    _require_officer(actor)
    note = note.strip()
    if not note:
        raise ValidationError("확인한 사유를 입력하세요.", code="note_required")
    target = (
        AccessRecord.objects.filter(seq=seq, action__in=review.DOWNLOAD_ACTIONS)
        .values_list("subjects", "tenant_id")
        .first()
    )
    if target is None:
        raise ValidationError("다운로드 기록이 아닙니다.", code="not_a_download")
    existing = DownloadCheck.objects.filter(seq=seq).first()
    if existing is not None:
        return existing
    check = DownloadCheck.objects.create(
        seq=seq,
        confirmed_by_id=actor.pk,
        confirmed_by_name=actor.login_id,
        confirmed_at=clock.now(),
        note=note[:200],
    )
    record(
        Action.DOWNLOAD_CONFIRM,
        actor=actor,
        tenant_id=target[1],
        subjects=list(target[0] or []),
        reason=note[:200],
        detail={"seq": seq},
    )
    return check


@transaction.atomic
def do_sign_review(actor: Member, month: dt.date, note: str = "") -> Review:
    """Sign a finished month off. Every download in it must have its reason confirmed."""
    _require_officer(actor)
    if month >= clock.today().replace(day=1):
        raise ValidationError("끝난 달만 검토를 완료할 수 있습니다.", code="month_not_over")
    if Review.objects.filter(month=month).exists():
        raise ValidationError("이 달의 검토는 이미 완료되었습니다.", code="already_signed")
    result = review.compute(month)
    if result.unconfirmed:
        raise ValidationError(
            f"사유를 확인하지 않은 다운로드가 {len(result.unconfirmed)}건 있습니다.",
            code="unconfirmed_downloads",
        )
    summary = result.summary()
    signed = Review.objects.create(
        month=month,
        signed_by_id=actor.pk,
        signed_by_name=actor.login_id,
        signed_at=clock.now(),
        note=note.strip(),
        summary=summary,
    )
    record(
        Action.REVIEW_SIGNOFF,
        actor=actor,
        detail={"month": f"{month:%Y-%m}", **summary},
    )
    return signed
