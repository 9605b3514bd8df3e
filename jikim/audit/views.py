"""Operator console pages for the access records: the monthly review and the permission-
change log. OperatorMfaMiddleware admits only operators with TOTP to /console/; these pages
also need the privacy officer's permission (others get 404, like strangers)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jikim import clock
from jikim.accounts.models import Member, Tenant
from jikim.accounts.roles import OperatorRole, TenantRole, operator_role_allows
from jikim.audit import actions, review
from jikim.audit.labels import action_label
from jikim.audit.models import AccessRecord
from jikim.audit.records import PERMISSION_ACTIONS, Action, member_subject, record

ROLE_LABELS = {**dict(TenantRole.choices), **dict(OperatorRole.choices), "": "없음"}


def _officer(request: HttpRequest, *permissions: str) -> Member:
    user = request.user
    role = getattr(user, "operator_role", "")
    if not isinstance(user, Member) or not any(operator_role_allows(role, p) for p in permissions):
        raise Http404
    return user


def _month(text: str | None) -> dt.date:
    try:
        return review.parse_month(text) if text else review.previous_month()
    except ValueError:
        raise Http404 from None


def access_review(request: HttpRequest) -> HttpResponse:
    officer = _officer(request, "review_access")
    month = _month(request.GET.get("month") or request.POST.get("month"))
    if request.method == "POST":
        try:
            actions.do_sign_review(officer, month, request.POST.get("note", ""))
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, f"{month:%Y년 %m월} 접속기록 검토를 완료했습니다.")
        return redirect(f"{reverse('audit_review')}?month={month:%Y-%m}")
    result = review.compute(month)
    shown = sorted({row.actor_id for row in result.staff})
    record(
        Action.AUDIT_VIEW,
        actor=officer,
        subjects=[member_subject(pk) for pk in shown],
        detail={"page": "review", "month": f"{month:%Y-%m}"},
    )
    context = {
        "review": result,
        "month_text": f"{month:%Y-%m}",
        "can_sign": month < clock.today().replace(day=1) and result.signed is None,
    }
    return render(request, "audit/review.html", context)


@require_POST
def confirm_download(request: HttpRequest, seq: int) -> HttpResponse:
    officer = _officer(request, "review_access")
    month = request.POST.get("month", "")
    try:
        actions.do_confirm_download(officer, seq, request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, f"다운로드 기록 {seq}의 사유 확인을 기록했습니다.")
    return redirect(f"{reverse('audit_review')}?month={month}" if month else "audit_review")


def _filters(request: HttpRequest) -> tuple[Any, dict[str, str]]:
    changes = AccessRecord.objects.filter(action__in=PERMISSION_ACTIONS)
    given = {k: request.GET.get(k, "").strip() for k in ("tenant", "target", "month")}
    if given["tenant"]:
        tenant = Tenant.objects.filter(slug=given["tenant"]).values_list("pk", flat=True).first()
        changes = changes.filter(tenant_id=tenant if tenant is not None else -1)
    if given["target"]:
        target = (
            Member.objects.filter(login_id=given["target"]).values_list("pk", flat=True).first()
        )
        changes = changes.filter(detail__target=target if target is not None else -1)
    if given["month"]:
        start, end = review.month_bounds(_month(given["month"]))
        changes = changes.filter(at__gte=start, at__lt=end)
    return changes.order_by("-seq"), given


def _target(detail: dict[str, Any], names: dict[int, str]) -> str:
    """Whose access changed: a member by login ID, or a seller's API key by name."""
    target = detail.get("target")
    if isinstance(target, str) and target.startswith("api_key:"):
        return f"API 키 「{detail.get('name', '')}」 ({detail.get('api_key', '')})"
    return names.get(target, f"#{target}") if isinstance(target, int) else f"#{target}"


def permission_changes(request: HttpRequest) -> HttpResponse:
    officer = _officer(request, "review_access", "manage_operators")
    changes, given = _filters(request)
    page = Paginator(changes, 100).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    # Targets are members' ids, or "api_key:…" for a seller's API key (no one's account).
    people = {t for r in rows if isinstance(t := r.detail.get("target"), int)}
    people |= {r.actor_id for r in rows if r.actor_id is not None}
    names = dict(Member.objects.filter(pk__in=people).values_list("pk", "login_id"))
    tenants = dict(
        Tenant.objects.filter(pk__in={r.tenant_id for r in rows}).values_list("pk", "slug")
    )
    record(
        Action.AUDIT_VIEW,
        actor=officer,
        subjects=[member_subject(pk) for pk in sorted(people)],
        detail={"page": "permission_changes", **{k: v for k, v in given.items() if v}},
    )
    entries = [
        {
            "seq": r.seq,
            "at": r.at,
            "action": action_label(r.action),
            "actor": r.actor_name or ("명령줄(운영 서버)" if r.detail.get("via") == "cli" else "-"),
            "tenant": tenants.get(r.tenant_id, "운영사" if r.tenant_id is None else "-"),
            "target": _target(r.detail, names),
            "before": ROLE_LABELS.get(r.detail.get("before", ""), r.detail.get("before")),
            "after": ROLE_LABELS.get(r.detail.get("after", ""), r.detail.get("after")),
        }
        for r in rows
    ]
    return render(
        request, "audit/permissions.html", {"entries": entries, "page": page, "given": given}
    )
