"""State changes of consultations and their recordings (C1-04, C2-03, C3-03)."""

from __future__ import annotations

import datetime as dt
import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from jikim import clock
from jikim.accounts.models import Member, Tenant
from jikim.audit.records import record
from jikim.cases import audio, frozen, recordings
from jikim.cases.actions.disputes import hold_for_case
from jikim.cases.models import Case, Consultation, NoticeMethod, Recording
from jikim.vault import access, keyring
from jikim.vault.fields import new_subject

RECORDING_PURPOSE = "call_recording"


@transaction.atomic
def do_log_consultation(
    actor: Member,
    *,
    tenant: Tenant | None,
    topic: str,
    started_at: dt.datetime,
    notice_given: bool,
    notice_method: str = "",
    notice_text: str = "",
    notice_at: dt.datetime | None = None,
    ended_at: dt.datetime | None = None,
    case: Case | None = None,
) -> Consultation:
    """A call, and whether the caller was told beforehand that it is recorded (C2-03)."""
    if case is not None and case.tenant_id != (tenant.pk if tenant else None):
        raise ValidationError("이 창구의 민원이 아닙니다.", code="case")
    topic = (topic or "").strip()
    if not topic:
        raise ValidationError("상담 주제를 입력하세요.", code="topic")
    if ended_at is not None and ended_at < started_at:
        raise ValidationError("상담 종료 시각이 시작 시각보다 앞설 수 없습니다.", code="ended_at")
    if started_at > clock.now() + dt.timedelta(minutes=5):
        raise ValidationError("상담 시작 시각은 미래일 수 없습니다.", code="started_at")
    if notice_given:
        notice_text = (notice_text or "").strip()
        if not notice_text:
            raise ValidationError("고객에게 알린 녹음 고지 문구를 입력하세요.", code="notice_text")
        if notice_method not in NoticeMethod.values:
            raise ValidationError("녹음 고지 방법을 선택하세요.", code="notice_method")
        notice_at = notice_at or started_at
        if notice_at > started_at:
            raise ValidationError(
                "녹음 고지는 통화 녹음 전에, 곧 상담 시작 시각까지 이루어져야 합니다.",
                code="notice_at",
            )
    else:
        notice_method, notice_text, notice_at = "", "", None
    consultation = Consultation.objects.create(
        tenant=tenant,
        case=case,
        staff=actor,
        staff_name=actor.login_id,
        topic=topic[:120],
        started_at=started_at,
        ended_at=ended_at,
        notice_given=notice_given,
        notice_method=notice_method,
        notice_text=notice_text[:1000],
        notice_at=notice_at,
    )
    record(
        "consultation.log",
        actor=actor,
        tenant_id=tenant.pk if tenant else None,
        purpose=RECORDING_PURPOSE,
        detail={"consultation": consultation.pk, "notice_given": notice_given},
    )
    return consultation


@transaction.atomic
def do_end_consultation(actor: Member, consultation: Consultation) -> Consultation:
    """The call is over: the 6-month clock of its recordings starts now (C4-10)."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.ended_at is not None:
        raise ValidationError("이미 종료된 상담입니다.", code="ended")
    consultation.ended_at = max(clock.now(), consultation.started_at)
    consultation.save(update_fields=["ended_at"])
    record(
        "consultation.end",
        actor=actor,
        tenant_id=consultation.tenant_id,
        purpose=RECORDING_PURPOSE,
        detail={"consultation": consultation.pk},
    )
    return consultation


NO_NOTICE = (
    "이 상담에는 녹음 사실을 통화 전에 고객에게 알렸다는 기록이 없어 녹음 파일을 올릴 수 "
    "없습니다. 사전 고지 없이 녹음한 통화는 보관할 수 없습니다."
)


def check_upload(consultation: Consultation, data: bytes) -> str:
    """The refusals of an upload, in the order a person can fix them. Returns the format."""
    if not consultation.notice_given:
        raise ValidationError(NO_NOTICE, code="no_notice")
    limit = settings.RECORDING_MAX_BYTES
    try:
        if len(data) > limit:
            raise audio.too_large(limit)
        return audio.detect(data)
    except audio.AudioRefused as exc:
        raise ValidationError(exc.message, code=exc.code) from None


def do_attach_recording(actor: Member, consultation: Consultation, *, data: bytes) -> Recording:
    """Seal the audio under a new key of its own onto the recordings storage, then record
    it. The file is written first (storage is not transactional) and removed again if
    the database part fails, so no row points at nothing and no file is left behind.
    Refused for a call about a customer whose request is pending (C6-03)."""
    fmt = check_upload(consultation, data)
    subjects = frozen.consultation_subjects(consultation)
    if access.frozen(subjects):
        raise frozen.refuse(
            actor,
            tenant_id=consultation.tenant_id,
            subjects=subjects,
            attempted="recording.upload",
            detail={"consultation": consultation.pk},
            purpose=RECORDING_PURPOSE,
        )
    subject = new_subject("v")
    name = recordings.seal_to_storage(subject, io.BytesIO(data), len(data))
    try:
        return _record_recording(actor, consultation, subject, name, fmt, len(data))
    except BaseException:
        recordings.remove(name)
        keyring.shred([subject])
        raise


@transaction.atomic
def _record_recording(
    actor: Member, consultation: Consultation, subject: str, name: str, fmt: str, size: int
) -> Recording:
    recording = Recording.objects.create(
        consultation=consultation,
        tenant=consultation.tenant,
        subject=subject,
        storage_name=name,
        format=fmt,
        size=size,
        chunk_size=recordings.CHUNK,
        uploaded_by=actor,
    )
    record(
        "recording.upload",
        actor=actor,
        tenant_id=consultation.tenant_id,
        subjects=[subject],
        purpose=RECORDING_PURPOSE,
        detail={
            "recording": recording.pk,
            "consultation": consultation.pk,
            "format": fmt,
            "bytes": size,
        },
    )
    case = (  # as it is now
        Case.objects.filter(pk=consultation.case_id).first() if consultation.case_id else None
    )
    if case is not None and case.in_dispute:
        hold_for_case(actor, case, subject)  # evidence of a live dispute is kept with it (C4-04)
    return recording
