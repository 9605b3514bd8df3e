"""Every transition of a data-subject request is an action with its actor, recorded in the
same transaction. The 10-day clock starts at receipt (PIPA enforcement decree art. 41)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Collection, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from jikim import clock
from jikim.accounts.models import Member, Tenant
from jikim.audit.records import record
from jikim.retention import actions as retention_actions
from jikim.retention.models import Hold, HoldKind
from jikim.rights import complaints
from jikim.rights.models import (
    ANSWERED_STATES,
    OPEN_STATES,
    AgentDocument,
    Channel,
    ContactDigest,
    Event,
    Frozen,
    Kind,
    Request,
    State,
)

ANSWER_DAYS = 10
PACKAGE_DAYS = 7
FREEZING = (Kind.CORRECTION, Kind.DELETION)
DEFAULT_OBJECTION_ROUTE = (
    "이 결과에 이의가 있으면 통지를 받은 날부터 회사의 개인정보 보호책임자에게 이의를 제기하거나, "
    "개인정보 침해신고센터(118), 개인정보 분쟁조정위원회(1833-6972) 또는 행정심판·행정소송을 "
    "통해 구제를 받을 수 있습니다."
)


def _name(actor: Any) -> str:
    return getattr(actor, "login_id", "") or "system"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _joined(first: str, second: str, limit: int) -> str:
    return " / ".join(p.strip() for p in (first, second) if p.strip())[:limit]


def _move(
    req: Request, actor: Any, to: str, note: str = "", *, extra: dict[str, Any] | None = None
) -> None:
    before = req.state
    req.state = to
    Event.objects.create(
        request=req, actor_name=_name(actor), from_state=before, to_state=to, note=note[:300]
    )
    record(
        f"rights.{to}",
        actor=actor if isinstance(actor, Member) else None,
        tenant_id=req.tenant_id,
        subjects=[req.subject, *req.subjects],
        purpose="complaint_handling",
        detail={"request": req.pk, "kind": req.kind, "from": before, "to": to, **(extra or {})},
    )


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
    Event.objects.create(
        request=req, actor_name=_name(actor), to_state=State.RECEIVED, note=note[:300]
    )
    record(
        "rights.received",
        actor=actor if isinstance(actor, Member) else None,
        tenant_id=tenant.pk if tenant else None,
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
        _move(req, actor, State.IDENTITY_CHECK)
    else:
        _move(req, actor, State.IN_PROGRESS, "본인 확인됨 (로그인한 회원)")
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
        confirmation_code_hash=_hash(code), confirmation_sent_at=clock.now()
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
            _hash(code.strip()), req.confirmation_code_hash
        ):
            raise ValidationError("확인 코드가 맞지 않습니다.", code="code")
        note = note or "요구인이 확인 코드를 입력함"
    elif not note.strip():
        raise ValidationError("본인 확인 방법을 기록하세요.", code="note")
    if req.agent_type and req.agent_verified_at is None:
        raise ValidationError("대리인의 위임 여부를 먼저 확인하세요.", code="agent")
    _move(req, actor, State.IN_PROGRESS, note)
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
    Event.objects.create(
        request=req,
        actor_name=_name(actor),
        from_state=State.IDENTITY_CHECK,
        to_state=State.IDENTITY_CHECK,
        note=(
            f"확인 코드를 {failures}회 잘못 입력하여 코드 확인이 잠김: 다른 방법으로 본인을 "
            "확인하거나 본인 확인 불가로 종결해야 함"
        ),
    )
    record(
        "rights.code_locked",
        actor=actor if isinstance(actor, Member) else None,
        tenant_id=req.tenant_id,
        subjects=[req.subject],
        detail={"request": req.pk, "failures": failures},
    )
    return True


UNCONFIRMED_ANSWER = (
    "요구하신 분이 정보주체 본인 또는 정당한 대리인인지 확인하지 못하여 요구를 처리하지 않고 "
    "종결했습니다. 본인임을 확인할 수 있는 방법으로 다시 요구하실 수 있습니다."
)
UNCONFIRMED_BASIS = "개인정보 보호법 시행령 제46조 (정보주체 또는 대리인의 확인)"


@transaction.atomic
def do_close_unconfirmed(
    actor: Member,
    req: Request,
    *,
    reason: str,
    legal_basis: str = UNCONFIRMED_BASIS,
    objection_route: str = "",
) -> Request:
    """Close, as refused, a request whose requester could not be confirmed (the code was
    never entered, or was locked after too many wrong ones): with its reason on record, the
    freeze lifted, and the requester told where an e-mail address is known."""
    req = Request.objects.select_for_update().get(pk=req.pk)
    if req.state != State.IDENTITY_CHECK:
        raise ValidationError("본인 확인 중인 요구만 이렇게 종결할 수 있습니다.", code="state")
    objection_route = objection_route or DEFAULT_OBJECTION_ROUTE
    _require_reasons(reason, legal_basis, objection_route)
    req.answer = UNCONFIRMED_ANSWER
    req.reason, req.legal_basis = reason[:300], legal_basis[:200]
    req.objection_route = objection_route[:300]
    req.answered_at = clock.now()
    _unfreeze_and_release(actor, req)
    _move(req, actor, State.REFUSED, f"본인 확인 불가로 종결: {reason}")
    req.save()
    from jikim.rights.tasks import send_notice

    send_notice.enqueue(req.pk, "answer")
    return req


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
        agent_verified_at=clock.now(), agent_verified_by=_name(actor)
    )
    Event.objects.create(
        request=req,
        actor_name=_name(actor),
        from_state=req.state,
        to_state=req.state,
        note=f"대리인 확인: {note}"[:300],
    )
    record(
        "rights.agent_verified",
        actor=actor,
        tenant_id=req.tenant_id,
        subjects=[req.subject],
        detail={"request": req.pk, "documents": sorted(kinds)},
    )


def _require_reasons(reason: str, legal_basis: str, objection_route: str) -> None:
    if not reason.strip() or not legal_basis.strip() or not objection_route.strip():
        raise ValidationError(
            "거절·일부 처리·연기에는 사유, 법적 근거, 이의제기 방법을 모두 적어야 합니다.",
            code="reasons",
        )


@transaction.atomic
def do_notify_delay(
    actor: Member, req: Request, *, reason: str, legal_basis: str, objection_route: str
) -> None:
    _require_reasons(reason, legal_basis, objection_route)
    Request.objects.filter(pk=req.pk).update(
        reason=reason[:300],
        legal_basis=legal_basis[:200],
        objection_route=objection_route[:300],
        delay_notified_at=clock.now(),
    )
    Event.objects.create(
        request=req,
        actor_name=_name(actor),
        from_state=req.state,
        to_state=req.state,
        note=f"연기 통지: {reason}"[:300],
    )
    record(
        "rights.delay",
        actor=actor,
        tenant_id=req.tenant_id,
        subjects=[req.subject],
        detail={"request": req.pk, "legal_basis": legal_basis[:200]},
    )
    from jikim.rights.tasks import send_notice

    send_notice.enqueue(req.pk, "delay")


def _unfreeze_and_release(
    actor: Any,
    req: Request,
    *,
    keep_suspension: bool = False,
    until_destroyed: Collection[str] = (),
) -> None:
    """Lift the request's freeze — except on a suspension that was granted, and on data a
    deletion could not destroy because a hold keeps it: that stays out of use until the
    first sweep after the hold destroys it (C6-03, jikim.rights.retention_sources)."""
    if until_destroyed:
        Frozen.objects.bulk_create(
            [Frozen(subject=s, request=req) for s in until_destroyed], ignore_conflicts=True
        )
        Frozen.objects.filter(request=req, subject__in=until_destroyed).update(until_destroyed=True)
    if not keep_suspension:
        Frozen.objects.filter(request=req).exclude(subject__in=until_destroyed).delete()
        # Cases opened from now on under the person's phone are no longer the request's.
        ContactDigest.objects.filter(request=req).delete()
    for hold in Hold.objects.filter(reference=f"request:{req.pk}", released_at__isnull=True):
        retention_actions.do_release_hold(actor, hold, reason="요구 처리 완료")


@transaction.atomic
def do_answer(
    actor: Member,
    req: Request,
    *,
    outcome: str,
    answer: str,
    reason: str = "",
    legal_basis: str = "",
    objection_route: str = "",
) -> Request:
    """Answer the request. A refusal or partial answer states its reason, legal basis and
    how to object; an agent's request is answered only after the mandate was verified."""
    req = Request.objects.select_for_update().get(pk=req.pk)
    if req.state not in OPEN_STATES:
        raise ValidationError("이미 처리가 끝난 요구입니다.", code="closed")
    if req.state != State.IN_PROGRESS:
        raise ValidationError("본인 확인을 마친 뒤에 답변할 수 있습니다.", code="identity")
    if req.agent_type and req.agent_verified_at is None:
        raise ValidationError("대리인의 위임 여부를 확인한 뒤에 답변할 수 있습니다.", code="agent")
    if outcome not in ANSWERED_STATES:
        raise ValidationError("처리 결과를 고르세요.", code="outcome")
    if outcome != State.DONE:
        _require_reasons(reason, legal_basis, objection_route or DEFAULT_OBJECTION_ROUTE)
    from jikim.rights import fulfilment

    # Cases opened under the person's phone since the request arrived are theirs too.
    req.subjects = sorted(set(req.subjects) | complaints.cases_for(req))
    kept: dict[str, list[str]] = {}
    note, extra = "", {}
    if outcome != State.REFUSED:
        done = fulfilment.fulfil(actor, req)
        kept = done.kept
        if kept and outcome == State.DONE:
            answer = ""  # written for "done", which it is not: the lines below say what is
        answer = (answer + "\n\n" + done.text).strip()
        if kept:
            # What a hold kept is not done, whatever was chosen: the answer, its state and
            # the record say what was destroyed and what is kept, why and on what basis.
            outcome = State.PARTLY_DONE if done.partly else State.REFUSED
            reason = _joined(done.reason, reason, 300)
            legal_basis = _joined(done.legal_basis, legal_basis, 200)
            note = f"삭제 {done.destroyed}건, 보존 중 {len(kept)}건 ({done.reason})"
            extra = {
                "destroyed": done.destroyed,
                "withdrawn": done.withdrawn,
                "kept": len(kept),
                "holds": sorted({k for kinds in kept.values() for k in kinds}),
            }
    req.answer = answer
    req.reason, req.legal_basis = reason[:300], legal_basis[:200]
    req.objection_route = (objection_route or DEFAULT_OBJECTION_ROUTE)[:300]
    req.answered_at = clock.now()
    keep = req.kind == Kind.SUSPENSION and outcome != State.REFUSED
    _unfreeze_and_release(actor, req, keep_suspension=keep, until_destroyed=sorted(kept))
    _move(req, actor, outcome, note, extra=extra)
    req.save()
    from jikim.rights.tasks import send_notice

    send_notice.enqueue(req.pk, "answer")
    return req


@transaction.atomic
def do_withdraw(actor: Any, req: Request) -> None:
    req = Request.objects.select_for_update().get(pk=req.pk)
    if req.state not in OPEN_STATES:
        return
    _unfreeze_and_release(actor, req)
    _move(req, actor, State.WITHDRAWN, "요구인이 철회")
    req.save(update_fields=["state"])


def package_openable(req: Request) -> bool:
    """The access package's link has not been used and has not expired."""
    return req.package_downloaded_at is None and (
        req.package_expires_at is None or req.package_expires_at >= clock.now()
    )


@transaction.atomic
def do_open_package(actor: Any, req: Request) -> dict[str, Any] | None:
    """The requester opens the access package: built, handed over and the one-time link
    used up together, on record; None when the link was used or has expired meanwhile.
    Should building fail, nothing is used up and the link still works."""
    from jikim.rights import package

    req = Request.objects.select_for_update().get(pk=req.pk)
    if not package_openable(req):
        return None
    data = package.build(req)
    Request.objects.filter(pk=req.pk).update(package_downloaded_at=clock.now())
    record(
        "download",
        actor=actor if isinstance(actor, Member) else None,
        tenant_id=req.tenant_id,
        subjects=list(req.subjects),
        purpose="complaint_handling",
        reason="정보주체 열람 요구에 따른 열람 자료 교부",
        detail={"request": req.pk},
    )
    return data


def require_handler(req: Request, actor: Member, *, operator: bool) -> None:
    """Seller requests are answered by the seller (the controller); the operator answers its own."""
    if operator and req.tenant_id is not None:
        raise PermissionDenied
    if not operator and req.tenant_id is None:
        raise PermissionDenied
