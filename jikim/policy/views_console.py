"""The privacy officer's console pages: policy versions and publishing (C12-01), and the
privacy desk (C10-01). The console middleware admits operators with TOTP only; these
pages are the privacy officer's (and the manager's, who holds the same role)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from jikim import clock
from jikim.accounts.roles import operator_role_allows
from jikim.policy import actions, versions
from jikim.policy import bundle as bundles
from jikim.policy.document import PolicyError
from jikim.policy.forms import AnswerForm, PublishForm, RevealForm
from jikim.policy.models import Inquiry, InquiryState
from jikim.vault import access

DESK_FIELDS = ["name", "email", "phone", "message", "answer"]


def _officer(request: HttpRequest) -> Any:
    if not operator_role_allows(getattr(request.user, "operator_role", ""), "review_access"):
        raise PermissionDenied
    return request.user


def console_policy(request: HttpRequest) -> HttpResponse:
    officer = _officer(request)
    now = clock.now()
    try:
        running = bundles.current()
        problem = ""
    except PolicyError as exc:
        running, problem = None, str(exc)
    notice_days = running.registers.notice_days if running else 7
    earliest = actions.earliest_effective_date(now, notice_days)
    form = PublishForm(
        request.POST or None,
        initial={"version": running.version if running else "", "effective_date": earliest},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            published = actions.do_publish_version(
                officer,
                data["version"],
                versions.start_of_day(data["effective_date"]),
                data["email_members"],
                summary=data["summary"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(
                request,
                f"버전 {published.label}을(를) 공개했습니다. 공지사항에 게시되었고, "
                f"{clock.local(published.effective_at):%Y-%m-%d}부터 시행됩니다.",
            )
            return redirect("console_policy")
    all_versions = versions.all_versions()
    current = versions.in_force(now)
    status = versions.running_status(now) if running else "invalid"
    draft: list[versions.DiffLine] = []
    if running is not None and status == "unpublished":
        latest = all_versions[-1]
        draft = versions.diff_texts(
            latest.rendered_text,
            versions.rendered_text(running, running.version, versions.start_of_day(earliest)),
            latest.label,
            f"{running.version} (policy.toml)",
        )
    rows = [
        (v, v.notices.order_by("pk").first(), v.pk == current.pk, v.effective_at > now)
        for v in reversed(all_versions)
    ]
    return render(
        request,
        "policy/console_policy.html",
        {
            "form": form,
            "rows": rows,
            "current": current,
            "status": status,
            "problem": problem,
            "warnings": running.warnings() if running else [],
            "running_version": running.version if running else "",
            "draft": draft,
            "notice_days": notice_days,
            "earliest": earliest,
        },
        status=400 if request.method == "POST" else 200,
    )


def desk_list(request: HttpRequest) -> HttpResponse:
    officer = _officer(request)
    state = request.GET.get("state", "open")
    tickets = Inquiry.objects.order_by("-received_at")
    if state == "open":
        tickets = tickets.exclude(state=InquiryState.CLOSED)
    elif state in InquiryState.values:
        tickets = tickets.filter(state=state)
    rows = list(tickets[:200])
    # Masked, but still opened from the vault: a list of whose tickets is an access record.
    shown = access.reveal_rows(
        rows, ["name", "email", "phone"], purpose="complaint_handling", actor=officer
    )
    return render(
        request,
        "policy/desk_list.html",
        {"rows": list(zip(rows, shown, strict=True)), "state": state, "states": InquiryState},
    )


def _detail(
    request: HttpRequest,
    inquiry: Inquiry,
    *,
    unmask: bool = False,
    reason: str = "",
    reveal_form: RevealForm | None = None,
    answer_form: AnswerForm | None = None,
    status: int = 200,
) -> HttpResponse:
    values = access.reveal_rows(
        [inquiry],
        DESK_FIELDS,
        purpose="complaint_handling",
        actor=request.user,
        action="unmask" if unmask else "view",
        reason=reason,
    )[0]
    return render(
        request,
        "policy/desk_detail.html",
        {
            "inquiry": inquiry,
            "values": {k: (v.value if unmask else v.masked) for k, v in values.items()},
            "unmasked": unmask,
            "events": inquiry.events.all(),
            "reveal_form": reveal_form or RevealForm(),
            "answer_form": answer_form
            or AnswerForm(initial={"via": "email" if inquiry.email else "phone"}),
        },
        status=status,
    )


def desk_detail(request: HttpRequest, inquiry_id: int) -> HttpResponse:
    _officer(request)
    return _detail(request, get_object_or_404(Inquiry, pk=inquiry_id))


@require_POST
def desk_reveal(request: HttpRequest, inquiry_id: int) -> HttpResponse:
    _officer(request)
    inquiry = get_object_or_404(Inquiry, pk=inquiry_id)
    form = RevealForm(request.POST)
    if not form.is_valid():
        return _detail(request, inquiry, reveal_form=form, status=400)
    return _detail(request, inquiry, unmask=True, reason=form.cleaned_data["reason"])


@require_POST
def desk_answer(request: HttpRequest, inquiry_id: int) -> HttpResponse:
    officer = _officer(request)
    inquiry = get_object_or_404(Inquiry, pk=inquiry_id)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            actions.do_answer_inquiry(
                officer, inquiry, answer=form.cleaned_data["answer"], via=form.cleaned_data["via"]
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, f"{inquiry.number}에 답변했습니다.")
            return redirect("desk_detail", inquiry_id=inquiry.pk)
    return _detail(request, inquiry, answer_form=form, status=400)


@require_POST
def desk_close(request: HttpRequest, inquiry_id: int) -> HttpResponse:
    officer = _officer(request)
    inquiry = get_object_or_404(Inquiry, pk=inquiry_id)
    try:
        actions.do_close_inquiry(officer, inquiry, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"{inquiry.number}을(를) 종결했습니다.")
    return redirect("desk_detail", inquiry_id=inquiry.pk)
