"""Rights pages of the desks that answer requests: the seller's queue and request page
under /t/<slug>/rights/, the operator's under /console/rights/ (its own requests, and help
confirming who asks on a seller's). Thin: forms validate, actions act."""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from jikim import clock
from jikim.accounts.actions import sole_owner_of
from jikim.accounts.models import Member
from jikim.accounts.roles import operator_role_allows
from jikim.accounts.tenancy import Scope, scope_for
from jikim.rights import actions, complaints, forms, fulfilment
from jikim.rights import holds as rights_holds
from jikim.rights.models import OPEN_STATES, Kind, Request
from jikim.shipping.models import Party
from jikim.vault import access


def _cases(req: Request, actor: Member, scope: Scope | None) -> list[tuple[Any, ...]]:
    """The person's CS cases on the request's page, masked, each linked to its page on
    the desk that shows it: the seller's (`scope`) or the operator's."""
    tenant_id = scope.tenant.pk if scope is not None else None
    if tenant_id != req.tenant_id:
        return []
    cases = complaints.cases_shown(req, tenant_id)
    if not cases:
        return []
    values = access.reveal_rows(
        cases,
        ["complainant_name", "contact_phone"],
        purpose="complaint_handling",
        actor=actor,
        action="list",
        tenant_id=tenant_id,
        handling_request=True,
    )
    frozen = access.frozen({c.subject for c in cases})
    if scope is None:
        links = [reverse("console_case_detail", args=[c.pk]) for c in cases]
    elif scope.can("handle_cases"):
        links = [reverse("case_detail", args=[scope.tenant.slug, c.pk]) for c in cases]
    else:
        links = ["" for _ in cases]
    return [
        (case, shown, link, case.subject in frozen)
        for case, shown, link in zip(cases, values, links, strict=True)
    ]


def _detail_context(req: Request, actor: Member, scope: Scope | None = None) -> dict[str, Any]:
    shown = access.reveal_rows(
        [req],
        ["requester_name", "requester_contact", "details"],
        purpose="complaint_handling",
        actor=actor,
        action="view",
        handling_request=True,
    )[0]
    parties = list(Party.objects.filter(subject__in=req.subjects))
    held: dict[str, list[str]] = {}
    if req.is_open and req.kind == Kind.DELETION:
        held = rights_holds.kinds_over(req.subjects, {p.subject: p.tenant_id for p in parties})
    cases = _cases(req, actor, scope)
    ending: list[Any] = []
    if req.is_open and req.kind == Kind.DELETION:
        for member in Member.objects.filter(subject__in=req.subjects, withdrawn_at__isnull=True):
            ending += sole_owner_of(member)
    return {
        "req": req,
        "shown": shown,
        "held_lines": rights_holds.held_lines(held),
        "events": req.events.all(),
        "documents": req.documents.all(),
        "parties": parties,
        "cases": cases,
        # Sellers whose only owner this deletion removes: their contract ends with it.
        "contracts_ending": ending,
        # A seller's request seen from the console: its cases are the seller's to see.
        "cases_elsewhere": scope is None and req.tenant_id is not None,
        "cases_kept_by_law": req.is_open
        and req.kind == Kind.DELETION
        and any(c.destroyed_at is None for c, *_ in cases),
        "answer_form": forms.AnswerForm(),
        "delay_form": forms.DelayForm(),
        "note_form": forms.NoteForm(),
        "correction_form": forms.CorrectionForm(),
        "document_form": forms.DocumentForm(),
        "close_form": forms.CloseUnconfirmedForm(),
    }


def _act(request: HttpRequest, req: Request, actor: Member) -> str | None:
    """Run the posted step; returns an error message or None."""
    step = request.POST.get("step", "")
    try:
        if step == "identity":
            note = forms.NoteForm(request.POST)
            if not note.is_valid():
                return "확인 내용을 기록하세요."
            actions.do_confirm_identity(actor, req, note=note.cleaned_data["note"])
        elif step == "agent":
            agent_note = forms.NoteForm(request.POST)
            if not agent_note.is_valid():
                return "확인 내용을 기록하세요."
            actions.do_verify_agent(actor, req, note=agent_note.cleaned_data["note"])
        elif step == "document":
            doc = forms.DocumentForm(request.POST, request.FILES)
            if not doc.is_valid():
                return str(next(iter(doc.errors.values()))[0])
            upload = doc.cleaned_data["file"]
            actions.do_add_agent_document(
                actor,
                req,
                kind=doc.cleaned_data["kind"],
                filename=upload.name or "",
                content_b64=base64.b64encode(upload.read()).decode("ascii"),
            )
        elif step == "correct":
            correction = forms.CorrectionForm(request.POST)
            party_id = request.POST.get("party", "")
            party = (
                Party.objects.filter(subject__in=req.subjects, pk=int(party_id)).first()
                if party_id.isdigit()
                else None
            )
            if req.kind != Kind.CORRECTION or party is None or not correction.is_valid():
                return "정정할 대상을 확인하세요."
            changes = {k: v for k, v in correction.cleaned_data.items() if v}
            if not changes:
                return "정정할 값을 입력하세요."
            fulfilment.correct_party(actor, req, party, changes)
        elif step == "delay":
            delay = forms.DelayForm(request.POST)
            if not delay.is_valid():
                return "연기에는 사유, 법적 근거, 이의제기 방법을 모두 적어야 합니다."
            actions.do_notify_delay(actor, req, **delay.cleaned_data)
        elif step == "answer":
            answer = forms.AnswerForm(request.POST)
            if not answer.is_valid():
                return "처리 결과를 고르세요."
            answered = actions.do_answer(actor, req, **answer.cleaned_data)
            if answered.state != answer.cleaned_data["outcome"]:
                messages.warning(
                    request,
                    "요구한 정보 가운데 보존 조치 중이거나 법령에 따라 보관하는 것이 있어 처리 "
                    f"결과를 '{answered.get_state_display()}'(으)로 기록하고, 무엇을 삭제하고 "
                    "무엇을 보관하는지 그 사유·근거·기한과 함께 통지했습니다. 보존 조치 중인 "
                    "정보는 보존 사유가 해소되면 다음 파기 작업에서, 법령에 따라 보관하는 기록은 "
                    "그 보관기간이 끝나면 파기됩니다.",
                )
        elif step == "close_unconfirmed":
            close = forms.CloseUnconfirmedForm(request.POST)
            if not close.is_valid():
                return str(next(iter(close.errors.values()))[0])
            actions.do_close_unconfirmed(actor, req, **close.cleaned_data)
        else:
            return "알 수 없는 요청입니다."
    except ValidationError as exc:
        return exc.messages[0]
    return None


@login_required
def tenant_queue(request: HttpRequest, slug: str) -> HttpResponse:
    scope = scope_for(request, slug, "edit_orders")
    requests = scope.filter(Request.objects.all())
    return render(
        request,
        "rights/queue.html",
        {
            "scope": scope,
            "open": requests.filter(state__in=OPEN_STATES).order_by("due_at"),
            "closed": requests.exclude(state__in=OPEN_STATES).order_by("-answered_at")[:50],
            "operator": False,
        },
    )


@login_required
def tenant_detail(request: HttpRequest, slug: str, request_id: int) -> HttpResponse:
    scope = scope_for(request, slug, "edit_orders")
    req = scope.get(Request.objects.all(), pk=request_id)
    if request.method == "POST":
        error = _act(request, req, scope.member)
        if error:
            messages.error(request, error)
        return redirect("tenant_rights_detail", slug=slug, request_id=req.pk)
    return render(
        request,
        "rights/detail.html",
        {"scope": scope, "operator": False, **_detail_context(req, scope.member, scope)},
    )


def _operator(request: HttpRequest) -> Member:
    # Requests show the requester's name, contact and documents: the privacy officer's and
    # the CS staff's, who handle complaints (C9-06), not every operator's.
    user = request.user
    if not operator_role_allows(getattr(user, "operator_role", ""), "handle_cases"):
        raise PermissionDenied
    assert isinstance(user, Member)
    return user


def console_queue(request: HttpRequest) -> HttpResponse:
    _operator(request)
    now = clock.now()
    return render(
        request,
        "rights/queue.html",
        {
            "open": Request.objects.filter(state__in=OPEN_STATES)
            .select_related("tenant")
            .order_by("due_at"),
            "overdue": Request.objects.filter(Q(state__in=OPEN_STATES) & Q(due_at__lt=now)).count(),
            "closed": Request.objects.exclude(state__in=OPEN_STATES).order_by("-answered_at")[:50],
            "operator": True,
        },
    )


def console_new(request: HttpRequest) -> HttpResponse:
    officer = _operator(request)
    form = forms.StaffRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = (
            Member.objects.filter(login_id=data["login_id"]).first() if data["login_id"] else None
        )
        subject = member.subject if member else data["subject"].strip()
        if not subject:
            form.add_error(None, "회원 로그인ID나 정보주체 ID 가운데 하나를 입력하세요.")
        else:
            party = Party.objects.filter(subject=subject).select_related("tenant").first()
            req = actions.do_receive(
                officer,
                kind=data["kind"],
                channel=data["channel"],
                subjects=[subject],
                requester_name=data["name"],
                requester_contact=data["contact"],
                details=data["details"],
                member=member,
                tenant=party.tenant if party else None,
                agent_type=data["agent_type"] or "",
                needs_identity_check=True,
                received_on=data["received_on"],
            )
            messages.success(
                request, "요구를 접수했습니다." + (" 판매자에게 전달했습니다." if party else "")
            )
            return redirect("console_rights_detail", request_id=req.pk)
    return render(request, "rights/new.html", {"form": form})


def console_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    officer = _operator(request)
    req = get_object_or_404(Request, pk=request_id)
    if request.method == "POST":
        if req.tenant_id is not None and request.POST.get("step") not in OPERATOR_STEPS:
            messages.error(request, _seller_answers(req))
        else:
            error = _act(request, req, officer)
            if error:
                messages.error(request, error)
        return redirect("console_rights_detail", request_id=req.pk)
    return render(
        request,
        "rights/detail.html",
        {
            "operator": True,
            "seller_answers": _seller_answers(req) if req.tenant_id is not None else "",
            **_detail_context(req, officer),
        },
    )


# What the operator may do on a request a seller answers: help confirm who asks, and close
# one whose requester could not be confirmed. The answer is the seller's (the controller).
OPERATOR_STEPS = ("document", "agent", "identity", "close_unconfirmed")


def _seller_answers(req: Request) -> str:
    seller = req.tenant.name if req.tenant else "판매자"
    due = f"{clock.local(req.due_at):%Y-%m-%d}"
    if not req.is_open:
        return f"판매자({seller})가 처리한 요구입니다. 답변 기한 {due}: {req.timeliness()}."
    return (
        f"판매자({seller})가 처리하고 답변하는 요구입니다. 답변 기한: {due} ({req.timeliness()})."
    )
