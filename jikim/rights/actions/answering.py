"""The request's end: the answer — done, partly done or refused, with its reason, legal
basis and route of objection —, a delay notified, a requester who could not be confirmed,
a withdrawal, and the access package opened by its one-time link. Every step is atomic and
on record in the same transaction; the freeze and holds the request placed are lifted."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from jikim import clock
from jikim.accounts.models import Member
from jikim.audit.records import record
from jikim.rights import complaints
from jikim.rights.actions.common import (
    DEFAULT_OBJECTION_ROUTE,
    joined,
    move,
    record_step,
    require_reasons,
    unfreeze_and_release,
)
from jikim.rights.models import ANSWERED_STATES, OPEN_STATES, Kind, Request, State

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
    require_reasons(reason, legal_basis, objection_route)
    req.answer = UNCONFIRMED_ANSWER
    req.reason, req.legal_basis = reason[:300], legal_basis[:200]
    req.objection_route = objection_route[:300]
    req.answered_at = clock.now()
    unfreeze_and_release(actor, req)
    move(req, actor, State.REFUSED, f"본인 확인 불가로 종결: {reason}")
    req.save()
    from jikim.rights.tasks import send_notice

    send_notice.enqueue(req.pk, "answer")
    return req


@transaction.atomic
def do_notify_delay(
    actor: Member, req: Request, *, reason: str, legal_basis: str, objection_route: str
) -> None:
    require_reasons(reason, legal_basis, objection_route)
    Request.objects.filter(pk=req.pk).update(
        reason=reason[:300],
        legal_basis=legal_basis[:200],
        objection_route=objection_route[:300],
        delay_notified_at=clock.now(),
    )
    record_step(
        req,
        actor,
        action="rights.delay",
        from_state=req.state,
        to_state=req.state,
        note=f"연기 통지: {reason}",
        detail={"request": req.pk, "legal_basis": legal_basis[:200]},
    )
    from jikim.rights.tasks import send_notice

    send_notice.enqueue(req.pk, "delay")


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
        require_reasons(reason, legal_basis, objection_route or DEFAULT_OBJECTION_ROUTE)
    from jikim.rights import fulfilment

    # Cases opened under the person's phone since the request arrived are theirs too.
    req.subjects = sorted(set(req.subjects) | complaints.cases_for(req))
    kept: dict[str, list[str]] = {}
    note, extra = "", {}
    if outcome != State.REFUSED:
        done = fulfilment.fulfil(actor, req)
        kept = done.kept
        if not done.complete and outcome == State.DONE:
            answer = ""  # written for "done", which it is not: the lines below say what is
        answer = (answer + "\n\n" + done.text).strip()
        if not done.complete:
            # What a hold or a law kept is not done, whatever was chosen: the answer, its
            # state and the record say what was destroyed and what is kept, why, on what
            # basis and until when (PIPA art. 36).
            outcome = State.PARTLY_DONE if done.partly else State.REFUSED
            reason = joined(done.reason, reason, 300)
            legal_basis = joined(done.legal_basis, legal_basis, 200)
            by_law = {k.rule_id: k.count for k in done.by_law}
            note = (
                f"삭제 {done.destroyed}건, 보존 중 {len(kept)}건, "
                f"법령에 따라 보관 {sum(by_law.values())}건 ({done.reason})"
            )
            extra = {
                "destroyed": done.destroyed,
                "withdrawn": done.withdrawn,
                "kept": len(kept),
                "holds": sorted({k for kinds in kept.values() for k in kinds}),
                "kept_by_law": by_law,
            }
    req.answer = answer
    req.reason, req.legal_basis = reason[:300], legal_basis[:200]
    req.objection_route = (objection_route or DEFAULT_OBJECTION_ROUTE)[:300]
    req.answered_at = clock.now()
    keep = req.kind == Kind.SUSPENSION and outcome != State.REFUSED
    unfreeze_and_release(actor, req, keep_suspension=keep, until_destroyed=sorted(kept))
    move(req, actor, outcome, note, extra=extra)
    req.save()
    from jikim.rights.tasks import send_notice

    send_notice.enqueue(req.pk, "answer")
    return req


@transaction.atomic
def do_withdraw(actor: Any, req: Request) -> None:
    req = Request.objects.select_for_update().get(pk=req.pk)
    if req.state not in OPEN_STATES:
        return
    unfreeze_and_release(actor, req)
    move(req, actor, State.WITHDRAWN, "요구인이 철회")
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
