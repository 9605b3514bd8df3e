"""Case pages for both desks (seller CS under /t/<slug>/cases/, members' complaints under
/console/cases/) and a member's own complaints under /complaints/. Thin: forms check
shape, actions change state, the desk scopes every lookup; lists are masked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from jikim.accounts.models import Member
from jikim.audit.records import record
from jikim.cases import actions, orderlines
from jikim.cases.desks import Desk, desk_for
from jikim.cases.forms import (
    AnswerForm,
    ContactForm,
    DisputeForm,
    MemberComplaintForm,
    OwnComplaintForm,
    ResolveForm,
    SellerCaseForm,
    UnmaskForm,
)
from jikim.cases.models import (
    OPEN_FILTER,
    OPEN_STATUSES,
    Case,
    CaseKind,
    CaseStatus,
    NotifyState,
)
from jikim.shipping.models import Order
from jikim.vault import access

PURPOSE = "complaint_handling"
LIST_FIELDS = ["complainant_name", "contact_phone"]
CONTACT_FIELDS = ["complainant_name", "contact_phone", "contact_email"]
CONTENT_FIELDS = ["body", "answer"]
FROZEN = (
    "민원인이 개인정보의 정정·삭제 또는 처리정지를 요구하여, 그 요구를 처리하는 동안(처리정지는 "
    "해제될 때까지) 이 민원의 개인정보는 이용하거나 제공하지 않습니다 (처리 보류). 원문 보기도 "
    "할 수 없으며, 시도는 접속기록에 거부로 남습니다."
)


def _member(request: HttpRequest) -> Member:
    user = request.user
    assert isinstance(user, Member)
    return user


def _context(desk: Desk, **extra: Any) -> dict[str, Any]:
    return {"desk": desk, "scope": desk.scope, **extra}


@login_required
def case_list(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    desk = desk_for(request, slug, "handle_cases")
    cases = desk.cases().select_related("complainant_member", "order").order_by("-received_at")
    status = request.GET.get("status", "")
    if status == OPEN_FILTER:
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif status in CaseStatus.values:
        cases = cases.filter(status=status)
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    # Masked: one access record for the page, naming every case shown.
    values = access.reveal_rows(
        rows,
        LIST_FIELDS,
        purpose=PURPOSE,
        actor=desk.member,
        action="list",
        tenant_id=desk.tenant_id,
    )
    return render(
        request,
        "cases/case_list.html",
        _context(
            desk,
            page=page,
            status=status,
            statuses=[(OPEN_FILTER, "처리 중 (접수·조사 중)"), *CaseStatus.choices],
            rows=[(c, v, desk.url("case_detail", c.pk)) for c, v in zip(rows, values, strict=True)],
            new_url=desk.url("case_new"),
        ),
    )


@login_required
def case_new(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    desk = desk_for(request, slug, "handle_cases")
    form_class = MemberComplaintForm if desk.is_console else SellerCaseForm
    form: Any = form_class(request.POST or None, initial=_initial(desk, request))
    if request.method == "POST" and desk.tenant is not None and not desk.is_console:
        found = orderlines.lines(desk.tenant, request.POST.get("order_no", ""))
        if len(found) > 1:
            form.offer_lines(orderlines.choices(desk.member, desk.tenant, found))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = _receive(desk, data)
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, f"민원 {case.number}을(를) 접수했습니다.")
            for notice in form.masking_notices():
                messages.warning(request, notice)
            return redirect(desk.url("case_detail", case.pk))
    return render(request, "cases/case_new.html", _context(desk, form=form))


def _initial(desk: Desk, request: HttpRequest) -> dict[str, str]:
    """The order a case is opened from (its page's 민원 접수 link names it by id, not by its
    number, which stays out of the address)."""
    order_id = request.GET.get("order", "")
    if desk.is_console or not order_id.isdigit():
        return {}
    order = Order.objects.filter(tenant=desk.tenant, pk=int(order_id)).first()
    return {"order_no": order.product_order_no or order.order_no} if order else {}


def _receive(desk: Desk, data: dict[str, Any]) -> Case:
    if desk.is_console:
        # A withdrawn member too: their data is kept a year to settle disputes, and a
        # complaint is how one is raised.
        member = Member.objects.filter(login_id=data["login_id"].strip()).first()
        if member is None:
            raise ValidationError("그런 로그인ID의 회원이 없습니다.")
        return actions.do_receive_member_complaint(
            desk.member,
            member,
            title=data["title"],
            body=data["body"],
            channel=data["channel"],
            identity_confirmed=data["identity_confirmed"],
            contact_phone=data["contact_phone"],
            contact_email=data["contact_email"],
        )
    assert desk.tenant is not None
    order = orderlines.chosen(desk.tenant, data["order_no"], data.get("order_line"))
    return actions.do_receive_seller_case(
        desk.member,
        desk.tenant,
        order,
        title=data["title"],
        body=data["body"],
        channel=data["channel"],
        identity_confirmed=data["identity_confirmed"],
        from_recipient=data["from_recipient"],
        name=data["name"],
        phone=data["phone"],
        email=data["email"],
    )


class StatusForm(forms.Form):
    to = forms.ChoiceField(choices=CaseStatus.choices)


class NoFields(forms.Form):
    pass


@dataclass(frozen=True)
class Op:
    form: type[forms.Form]
    run: Callable[[Desk, Case, dict[str, Any]], Any]
    done: str | Callable[[Any], str]

    def told(self, result: Any) -> str:
        return self.done if isinstance(self.done, str) else self.done(result)


def _answered(case: Case) -> str:
    if case.notify_state == NotifyState.QUEUED:
        return "처리 결과를 등록했습니다. 민원인에게 결과 안내 메일을 곧 보냅니다."
    return (
        "처리 결과를 등록했습니다. 민원인의 이메일 주소가 없어 메일은 보내지 않습니다. "
        "전화 등으로 결과를 안내한 뒤 '결과를 전화로 안내함'을 누르세요."
    )


OPS: dict[str, Op] = {
    "contact": Op(
        ContactForm,
        lambda d, c, f: actions.do_add_contact(
            d.member, c, kind=f["kind"], note=f["note"], at=f["at"]
        ),
        "연락 기록을 남겼습니다.",
    ),
    "status": Op(
        StatusForm,
        lambda d, c, f: actions.do_transition(d.member, c, f["to"]),
        "상태를 바꿨습니다.",
    ),
    "answer": Op(
        AnswerForm,
        lambda d, c, f: actions.do_answer(d.member, c, result=f["result"]),
        _answered,
    ),
    "dispute": Op(
        DisputeForm,
        lambda d, c, f: actions.do_mark_dispute(d.member, c, kind=f["kind"], note=f["note"]),
        "분쟁으로 등록했습니다. 해결될 때까지 이 민원의 기록은 파기되지 않습니다.",
    ),
    "resolve": Op(
        ResolveForm,
        lambda d, c, f: actions.do_resolve_dispute(d.member, c, reason=f["reason"]),
        "분쟁 해결을 등록했습니다. 보존 조치가 해제되어 원래 보유기간을 따릅니다.",
    ),
    "notify": Op(
        NoFields,
        lambda d, c, f: actions.do_resend_result(d.member, c),
        "처리 결과 안내 메일을 다시 보냅니다.",
    ),
    "phoned": Op(
        NoFields,
        lambda d, c, f: actions.do_record_phone_notice(d.member, c),
        "결과를 전화로 안내했다고 기록했습니다.",
    ),
}


def _ids(op: str) -> str:
    # Several forms on one page: their element ids must not collide (labels point at them).
    return f"id_{op}_%s"


@login_required
def case_detail(request: HttpRequest, case_id: int, slug: str | None = None) -> HttpResponse:
    desk = desk_for(request, slug, "handle_cases")
    case = desk.get(desk.cases().select_related("complainant_member", "order"), pk=case_id)
    bound: dict[str, Any] = {}
    reason = ""
    if request.method == "POST":
        op = request.POST.get("op", "")
        if op == "unmask":
            unmask = bound["unmask"] = UnmaskForm(request.POST, auto_id=_ids("unmask"))
            if unmask.is_valid():
                reason = unmask.cleaned_data["reason"]
        elif op in OPS:
            form: Any = OPS[op].form(request.POST, auto_id=_ids(op))
            bound[op] = form
            if form.is_valid():
                try:
                    result = OPS[op].run(desk, case, form.cleaned_data)
                except ValidationError as exc:
                    form.add_error(None, exc.messages[0])
                else:
                    messages.success(request, OPS[op].told(result))
                    for notice in getattr(form, "masking_notices", list)():
                        messages.warning(request, notice)
                    return redirect(desk.url("case_detail", case.pk))
        else:
            messages.error(request, "알 수 없는 요청입니다.")
            return redirect(desk.url("case_detail", case.pk))
    return render(request, "cases/case_detail.html", _detail_context(desk, case, bound, reason))


def _detail_context(desk: Desk, case: Case, bound: dict[str, Any], reason: str) -> dict[str, Any]:
    values = access.reveal_rows(
        [case], CONTACT_FIELDS + CONTENT_FIELDS, purpose=PURPOSE, actor=desk.member, action="view"
    )[0]
    member_mobile = None
    # The complainant asked to correct or delete their data, or to stop its processing
    # (C6-03): nothing of it is shown or given while that stands, not even on request.
    frozen = bool(access.frozen({case.subject}))
    unmask_refused = bool(reason) and frozen
    if unmask_refused:
        record(
            "refused.frozen",
            actor=desk.member,
            tenant_id=case.tenant_id,
            subjects=[case.subject],
            purpose=PURPOSE,
            reason=reason,
            detail={"attempted": "unmask", "fields": [f"cases.Case.{f}" for f in CONTACT_FIELDS]},
        )
        reason = ""
    if reason:
        values.update(
            access.reveal_rows(
                [case],
                CONTACT_FIELDS,
                purpose=PURPOSE,
                actor=desk.member,
                action="unmask",
                reason=reason,
            )[0]
        )
        if case.complainant_member is not None:
            member_mobile = access.reveal(
                case.complainant_member,
                "mobile",
                purpose=PURPOSE,
                actor=desk.member,
                action="unmask",
                reason=reason,
            )
    contacts = list(case.contacts.all())
    notes = access.reveal_rows(
        contacts, ["note"], purpose=PURPOSE, actor=desk.member, tenant_id=desk.tenant_id
    )
    forms_ = {
        "unmask": UnmaskForm(auto_id=_ids("unmask")),
        **{op: spec.form(auto_id=_ids(op)) for op, spec in OPS.items()},
        **bound,
    }
    order_url = (
        reverse("order_detail", args=[desk.tenant.slug, case.order_id])
        if desk.tenant and case.order_id
        else ""
    )
    return _context(
        desk,
        case=case,
        v=values,
        unmasked=bool(reason),
        frozen=frozen,
        frozen_message=FROZEN,
        unmask_refused=unmask_refused,
        member_mobile=member_mobile,
        contacts=list(zip(contacts, notes, strict=True)),
        forms=forms_,
        next_statuses=[
            (s, CaseStatus(s).label)
            for s in CaseStatus.values
            if s in case.allowed_next() and s != CaseStatus.ANSWERED
        ],
        can_answer=CaseStatus.ANSWERED in case.allowed_next(),
        events=list(case.events.all()),
        consultations=[
            (c, desk.url("consultation_detail", c.pk))
            for c in desk.consultations().filter(case=case).order_by("-started_at")
        ],
        order_url=order_url,
        list_url=desk.url("cases"),
    )


# --- a member's own complaints to the operator (C1-02) -------------------------------


@login_required
def my_complaints(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    form = OwnComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = actions.do_file_complaint(
                member,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                contact_phone=form.cleaned_data["contact_phone"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(
                request,
                f"민원 {case.number}이(가) 접수되었습니다. "
                "처리 결과는 회원 이메일로 알려 드립니다.",
            )
            for notice in form.masking_notices():
                messages.warning(request, notice)
            return redirect("my_complaint", case_id=case.pk)
    # Titles and statuses only: the member's own list reads no sealed field.
    cases = Case.objects.filter(kind=CaseKind.MEMBER, complainant_member=member).order_by(
        "-received_at"
    )
    return render(request, "cases/my_complaints.html", {"form": form, "cases": cases})


@login_required
def my_complaint(request: HttpRequest, case_id: int) -> HttpResponse:
    member = _member(request)
    case = get_object_or_404(Case, pk=case_id, kind=CaseKind.MEMBER, complainant_member=member)
    values = access.reveal_rows(
        [case], ["contact_phone", *CONTENT_FIELDS], purpose=PURPOSE, actor=member, action="view"
    )[0]
    return render(request, "cases/my_complaint.html", {"case": case, "v": values})
