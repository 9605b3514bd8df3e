"""A request arrives and its requester is confirmed: receipt with its 10-day clock (PIPA
enforcement decree art. 41), the freeze and hold it places, the confirmation code of the
public page and its lock, an agent's papers and the check of the mandate (C6-02 - C6-04).
Every step is atomic and on record in the same transaction."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from jikim import clock
from jikim.accounts.models import Member, Tenant
from jikim.audit.records import record
from jikim.retention import actions as retention_actions
from jikim.retention.models import HoldKind
from jikim.rights import complaints
from jikim.rights.actions.common import actor_name, code_hash, move, record_step
from jikim.rights.models import (
    AgentDocument,
    Channel,
    ContactDigest,
    Frozen,
    Kind,
    Request,
    State,
)

ANSWER_DAYS = 10
FREEZING = (Kind.CORRECTION, Kind.DELETION)


@transaction.atomic
def do_receive(
    actor: Any,
    *,
    kind: str,
    channel: str,
    subjects: list[str],
    requester_name: str,
    requester_contact: str,
    details: str = "",
    tenant: Tenant | None = None,
    member: Member | None = None,
    agent_type: str = "",
    needs_identity_check: bool = False,
    received_on: dt.date | None = None,
    phones: Sequence[str] = (),
) -> Request:
    """A request arrives. Its due date is fixed now, counted from the day it was received
    (`received_on`: a letter, e-mail or fax that staff enter days later); a correction or
    deletion freezes the subject's data at once (C6-03); a pending request holds the data
    from destruction. The person's CS cases at the seller — found by `phones` (the phone
    the public page found the orders by) or else by the recipients' own phones — and a
    member's own complaints are the request's subjects too (jikim.rights.complaints)."""
    if kind not in Kind.values:
        raise ValidationError("알 수 없는 요구 종류입니다.", code="kind")
    if not subjects:
        raise ValidationError("요구 대상 정보를 찾지 못했습니다.", code="subjects")
    found_by: set[int] = set()
    if tenant is not None:
        found_by = complaints.digests(
            tenant.pk, phones or complaints.recipient_phones(sorted(set(subjects)))
        )
    members = set(Member.objects.filter(subject__in=subjects).values_list("subject", flat=True))
    cases = complaints.cases_of(tenant.pk if tenant else None, found_by, members)
    subjects = [*subjects, *cases]
    now = clock.now()
    received_at = now
    note = Channel(channel).label if channel in Channel.values else channel
    if received_on is not None and received_on != clock.today():
        check_received_on(received_on)
        # Only the day is known: counted from its start, the earliest the clock can run.
        received_at = dt.datetime.combine(received_on, dt.time(0), tzinfo=clock.SEOUL)
        note = f"{note}, 접수일 {received_on:%Y-%m-%d} (등록 {clock.today():%Y-%m-%d})"
    req = Request.objects.create(
        kind=kind,
        channel=channel,
        tenant=tenant,
        member=member,
        subjects=sorted(set(subjects)),
        requester_name=requester_name,
        requester_contact=requester_contact,
        details=details,
        agent_type=agent_type,
        received_at=received_at,
        due_at=received_at + dt.timedelta(days=ANSWER_DAYS),
    )
    if tenant is not None and found_by:
        ContactDigest.objects.bulk_create(
            [ContactDigest(request=req, tenant_id=tenant.pk, digest=d) for d in sorted(found_by)]
        )
    record_step(
        req,
        actor,
        action="rights.received",
        to_state=State.RECEIVED,
        note=note,
        subjects=[req.subject, *req.subjects],
        purpose="complaint_handling",
        detail={
            "request": req.pk,
            "kind": kind,
            "channel": channel,
            "agent": agent_type,
            "received_on": f"{clock.local(received_at):%Y-%m-%d}",
        },
    )
    if kind in FREEZING:
        Frozen.objects.bulk_create(
            [Frozen(subject=s, request=req) for s in req.subjects], ignore_conflicts=True
        )
    if kind != Kind.DELETION:
        for subject in req.subjects:
            retention_actions.do_place_hold(
                actor if isinstance(actor, Member) else None,
                kind=HoldKind.REQUEST,
                subject=subject,
                reason="처리 중인 정보주체 요구",
                reference=f"request:{req.pk}",
            )
    if needs_identity_check or agent_type:
        move(req, actor, State.IDENTITY_CHECK)
    else:
        move(req, actor, State.IN_PROGRESS, "본인 확인됨 (로그인한 회원)")
    req.save()
    return req


RECEIVED_ON_MAX_DAYS = 30


def check_received_on(day: dt.date) -> None:
    """A request entered by staff was received today or in the last 30 days: never later
    than today, and not so long ago that the entry itself is the problem."""
    today = clock.today()
    if day > today:
        raise ValidationError("접수일은 오늘보다 뒤일 수 없습니다.", code="received_on")
    if day < today - dt.timedelta(days=RECEIVED_ON_MAX_DAYS):
        raise ValidationError(
            f"접수일은 {RECEIVED_ON_MAX_DAYS}일 전까지만 입력할 수 있습니다. 더 오래된 요구는 "
            "개인정보 보호책임자와 상의해 주세요.",
            code="received_on",
        )


@transaction.atomic
def do_send_confirmation(actor: Any, req: Request) -> str:
    """A code for the requester to confirm they are who they say (public page). Returned
    once so the caller can e-mail it; only its hash is kept."""
    code = f"{secrets.randbelow(10**6):06d}"
    Request.objects.filter(pk=req.pk).update(
        confirmation_code_hash=code_hash(code), confirmation_sent_at=clock.now()
    )
    record(
        "rights.confirmation_sent",
        actor=None,
        tenant_id=req.tenant_id,
        subjects=[req.subject],
        detail={"request": req.pk},
    )
    return code


@transaction.atomic
def do_confirm_identity(
    actor: Any, req: Request, *, code: str | None = None, note: str = ""
) -> None:
    """Identity confirmed: by the code sent to the requester, or recorded by staff."""
    req = Request.objects.select_for_update().get(pk=req.pk)
    if req.state != State.IDENTITY_CHECK:
        return
    if code is not None:
        if not req.confirmation_code_hash or not secrets.compare_digest(
            code_hash(code.strip()), req.confirmation_code_hash
        ):
            raise ValidationError("확인 코드가 맞지 않습니다.", code="code")
        note = note or "요구인이 확인 코드를 입력함"
    elif not note.strip():
        raise ValidationError("본인 확인 방법을 기록하세요.", code="note")
    if req.agent_type and req.agent_verified_at is None:
        raise ValidationError("대리인의 위임 여부를 먼저 확인하세요.", code="agent")
    move(req, actor, State.IN_PROGRESS, note)
    req.save(update_fields=["state"])


@transaction.atomic
def do_lock_code(actor: Any, req: Request, *, failures: int) -> bool:
    """The requester used up the wrong confirmation codes: the code no longer confirms,
    and the request's history says so. Staff then confirm identity another way or close
    the request (`do_close_unconfirmed`). Returns False when it was already locked."""
    locked = Request.objects.filter(
        pk=req.pk, state=State.IDENTITY_CHECK, code_locked_at__isnull=True
    ).update(code_locked_at=clock.now())
    if not locked:
        return False
    record_step(
        req,
        actor,
        action="rights.code_locked",
        from_state=State.IDENTITY_CHECK,
        to_state=State.IDENTITY_CHECK,
        note=(
            f"확인 코드를 {failures}회 잘못 입력하여 코드 확인이 잠김: 다른 방법으로 본인을 "
            "확인하거나 본인 확인 불가로 종결해야 함"
        ),
        detail={"request": req.pk, "failures": failures},
    )
    return True


@transaction.atomic
def do_add_agent_document(
    actor: Any, req: Request, *, kind: str, filename: str, content_b64: str
) -> AgentDocument:
    doc = AgentDocument.objects.create(
        request=req,
        kind=kind,
        filename=filename[:200],
        content=content_b64,
        request_subject=req.subject,
    )
    record(
        "rights.agent_document",
        actor=actor if isinstance(actor, Member) else None,
        tenant_id=req.tenant_id,
        subjects=[req.subject],
        detail={"request": req.pk, "document": kind},
    )
    return doc


@transaction.atomic
def do_verify_agent(actor: Member, req: Request, *, note: str) -> None:
    """The mandate is checked before any answer (C6-04): the power of attorney (or proof of
    legal representation), the principal's seal certificate and the agent's ID."""
    kinds = set(req.documents.values_list("kind", flat=True))
    needed = {"agent_id"} | (
        {"family_relation"}
        if req.agent_type == "legal_representative"
        else {"power_of_attorney", "seal_certificate"}
    )
    missing = needed - kinds
    if missing:
        raise ValidationError("대리인 확인에 필요한 서류가 빠졌습니다.", code="documents")
    if not note.strip():
        raise ValidationError("확인한 내용을 기록하세요.", code="note")
    Request.objects.filter(pk=req.pk).update(
        agent_verified_at=clock.now(), agent_verified_by=actor_name(actor)
    )
    record_step(
        req,
        actor,
        action="rights.agent_verified",
        from_state=req.state,
        to_state=req.state,
        note=f"대리인 확인: {note}",
        detail={"request": req.pk, "documents": sorted(kinds)},
    )
