"""Rights pages of the person who asks: the public request page and its code screen, the
access package's one-time link, the statutory form, a member's own requests. The desks
that answer them (the seller's and the operator's) are in `views_desk`. Thin: forms
validate, actions act."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from jikim import clock
from jikim.accounts.models import Member
from jikim.audit.context import client_ip
from jikim.rights import actions, forms, mail, package
from jikim.rights.models import Channel, Request
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
