"""Rights pages: the public request page, the member's page, the seller's queue, the
operator's queue and desk, the statutory form. Thin: forms validate, actions act."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from jikim import clock
from jikim.accounts.models import Member
from jikim.accounts.roles import operator_role_allows
from jikim.accounts.tenancy import scope_for
from jikim.audit.context import client_ip
from jikim.rights import actions, forms, fulfilment, mail, package
from jikim.rights import holds as rights_holds
from jikim.rights.models import OPEN_STATES, Channel, Kind, Request
from jikim.shipping.models import Order, Party, PartyRole
from jikim.vault import access, blind
from jikim.web import ratelimit
from jikim.web.ratelimit import Limit

SIGNER_SALT = "jikim.rights.public"
CONFIRM_MAX_AGE = 7 * 24 * 3600  # how long the code screen's address works
TOO_MANY = "요청이 너무 많습니다. {wait} 후에 다시 시도해 주세요."
CODE_USED_UP = (
    "확인 코드를 여러 번 잘못 입력하여 이 요구는 더 이상 코드로 확인할 수 없습니다. "
    "요구를 새로 접수하시거나 개인정보 보호책임자에게 문의해 주세요."
)


def _find_recipients(order_no: str, phone: str) -> list[Party]:
    """Recipients of an order number whose phone matches, in whichever seller's data."""
    found: list[Party] = []
    for tenant_id in set(
        Order.objects.filter(order_no=order_no.strip()).values_list("tenant_id", flat=True)
    ):
        subjects = blind.matching_query("recipient.phone", "phone", tenant_id, phone)
        found.extend(
            Party.objects.filter(
                tenant_id=tenant_id,
                role=PartyRole.RECIPIENT,
                order__order_no=order_no.strip(),
                subject__in=subjects,
            )
        )
    return found


def public_request(request: HttpRequest) -> HttpResponse:
    form = forms.PublicRequestForm(request.POST or None)
    if request.method == "POST":
        # Anyone may ask without logging in: the limits keep the form from being used to
        # test order numbers and phone numbers against each other.
        refused = ratelimit.hit(Limit.named("rights_request_ip"), client_ip(request))
        if refused is None and form.is_valid():
            order_no = form.cleaned_data["order_no"].strip()
            refused = ratelimit.hit(Limit.named("rights_request_target"), order_no)
        if refused is not None:
            form.add_error(None, TOO_MANY.format(wait=ratelimit.wait_text(refused)))
            page = render(request, "rights/public.html", _public_context(form), status=429)
            return ratelimit.refused(page, refused)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        parties = _find_recipients(data["order_no"], data["phone"])
        if not parties:
            form.add_error(
                None,
                "입력하신 주문번호와 연락처가 함께 등록된 주문을 찾지 못했습니다. "
                "주문할 때 적은 연락처인지 확인해 주세요.",
            )
        else:
            tenant = parties[0].tenant
            req = actions.do_receive(
                None,
                kind=data["kind"],
                channel=Channel.PUBLIC_PAGE,
                subjects=[p.subject for p in parties if p.tenant_id == tenant.pk],
                requester_name=data["name"],
                requester_contact=data["email"],
                details=data["details"],
                tenant=tenant,
                needs_identity_check=True,
                phones=[data["phone"]],
            )
            code = actions.do_send_confirmation(None, req)
            # The code screen's address names the request by a signed number, nothing else.
            token = signing.dumps(req.pk, salt=SIGNER_SALT)
            mail.send(
                "개인정보 요구 확인 코드",
                "confirmation_code",
                {
                    "kind": req.get_kind_display(),
                    "code": code,
                    "link": mail.absolute("rights_confirm", token),
                    "valid_until": clock.now() + dt.timedelta(seconds=CONFIRM_MAX_AGE),
                },
                data["email"],
            )
            return redirect("rights_confirm", token=token)
    return render(request, "rights/public.html", _public_context(form))


def _public_context(form: forms.PublicRequestForm) -> dict[str, Any]:
    return {"form": form, "notice": collection_notice()}


def _from_token(token: str) -> Request:
    try:
        pk = signing.loads(token, salt=SIGNER_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        raise Http404 from None
    return get_object_or_404(Request, pk=pk)


def public_confirm(request: HttpRequest, token: str) -> HttpResponse:
    req = _from_token(token)
    form = forms.CodeForm(request.POST or None)
    # Six digits are guessable without a limit: so many wrong codes per request, so many
    # attempts per IP.
    failures = Limit.named("rights_code_failures")
    if request.method == "POST":
        message = TOO_MANY
        refused = ratelimit.hit(Limit.named("rights_confirm_ip"), client_ip(request))
        if refused is None:
            message = CODE_USED_UP
            refused = ratelimit.exhausted(failures, str(req.pk), tenant_id=req.tenant_id)
            if refused is None and req.code_locked_at is not None:
                # Locked for good, not only for the rest of the count's window.
                refused = failures.retry_after()
        if refused is not None:
            if message == CODE_USED_UP:
                actions.do_lock_code(None, req, failures=failures.count)
            form.add_error("code", message.format(wait=ratelimit.wait_text(refused)))
            page = render(request, "rights/confirm.html", _confirm_context(form, req), status=429)
            return ratelimit.refused(page, refused)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_confirm_identity(None, req, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc.messages[0])
            if exc.code == "code":
                ratelimit.hit(failures, str(req.pk), tenant_id=req.tenant_id)
                if ratelimit.exhausted(failures, str(req.pk), tenant_id=req.tenant_id) is not None:
                    # That was the last wrong code: the request's history says so now.
                    actions.do_lock_code(None, req, failures=failures.count)
                    req.refresh_from_db()
                    form.add_error("code", CODE_USED_UP)
        else:
            req.refresh_from_db()
    return render(request, "rights/confirm.html", _confirm_context(form, req))


def _confirm_context(form: forms.CodeForm, req: Request) -> dict[str, Any]:
    return {"form": form, "req": req, "code_used_up": CODE_USED_UP}


def package_download(request: HttpRequest, token: str) -> HttpResponse:
    """The access package by its one-time link. Opening the link (GET) shows a page with
    the button that opens the package (POST): a mail scanner that follows the link does
    not use it up. The package is built and the link used up in one transaction."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    req = Request.objects.filter(package_token_hash=digest).first()
    if req is None or not actions.package_openable(req):
        return render(request, "rights/package_gone.html", status=410)
    if request.method != "POST":
        return render(request, "rights/package_landing.html", {"req": req})
    data = actions.do_open_package(None, req)
    if data is None:
        return render(request, "rights/package_gone.html", status=410)
    if request.POST.get("format") == "json":
        response = HttpResponse(
            package.as_json(data), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="access-{req.pk}.json"'
        return response
    return render(
        request,
        "rights/package.html",
        {"data": data, "req": req, "sections": package.sections(data)},
    )


def statutory_form(request: HttpRequest) -> HttpResponse:
    """The blank statutory form, addressed to the privacy officer and saying where to send
    it: the officer's contacts as the policy publishes them (§10)."""
    from jikim.policy import bundle

    running = bundle.current()
    return render(
        request,
        "rights/statutory_form.html",
        {
            "company": running.prose.company,
            "officer": running.registers.officer,
            "manager": running.registers.manager,
        },
    )


# What the public request page stores of the requester (PIPA art. 15 ②): these fields of the
# request, read from the data map with the rule that destroys them
# (jikim.rights.retention_sources.RequestRecordSource).
STORED_FIELDS = ("requester_name", "requester_contact", "details")


def collection_notice() -> dict[str, str]:
    from jikim.policy import bundle

    running = bundle.current()
    categories = []
    for name in STORED_FIELDS:
        field = Request._meta.get_field(name)
        category = running.data_map.category(getattr(field, "category", ""))
        if category not in categories:
            categories.append(category)
    rule = running.rules[categories[0].retention]
    purposes = sorted({p for c in categories for p in c.purposes})
    phrase = running.prose.triggers.get(rule.trigger, "")
    return {
        "items": ", ".join(c.label for c in categories),
        "purpose": ", ".join(running.data_map.purposes[p] for p in purposes),
        "period": f"{phrase} {rule.period}".strip() if rule.period else "동의받은 기간",
        "basis": rule.basis,
    }


@login_required
def member_requests(request: HttpRequest) -> HttpResponse:
    member = request.user
    assert isinstance(member, Member)
    form = forms.MemberRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact = access.reveal(
            member, "email_address", purpose="complaint_handling", actor=member
        ).value
        req = actions.do_receive(
            member,
            kind=form.cleaned_data["kind"],
            channel=Channel.MEMBER_PAGE,
            subjects=[member.subject],
            requester_name=member.login_id,
            requester_contact=contact,
            details=form.cleaned_data["details"],
            member=member,
        )
        messages.success(request, f"요구를 접수했습니다. {req.due_at:%Y-%m-%d}까지 답변드립니다.")
        return redirect("member_rights")
    mine = Request.objects.filter(member=member).order_by("-received_at")
    return render(request, "rights/member.html", {"form": form, "requests": mine})


def _detail_context(req: Request, actor: Member) -> dict[str, Any]:
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
    return {
        "req": req,
        "shown": shown,
        "held_lines": rights_holds.held_lines(held),
        "events": req.events.all(),
        "documents": req.documents.all(),
        "parties": parties,
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
                    "요구한 정보 가운데 보존 중인 것이 있어 처리 결과를 "
                    f"'{answered.get_state_display()}'(으)로 기록하고, 무엇을 삭제하고 무엇을 "
                    "보존하는지 그 사유·근거와 함께 통지했습니다. 보존 중인 정보는 보존 사유가 "
                    "해소되면 다음 파기 작업에서 파기됩니다.",
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
        {"scope": scope, "operator": False, **_detail_context(req, scope.member)},
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
