"""The privacy officer's retention desk: forecast, holds, the ledger (with CSV), approvals;
and a seller's own, shorter, period for its shipping data."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from jikim import clock
from jikim.accounts.models import Tenant
from jikim.accounts.roles import operator_role_allows
from jikim.accounts.tenancy import scope_for
from jikim.retention import actions, references, rules
from jikim.retention.forecast import forecast, period_label, waiting
from jikim.retention.models import Hold, HoldKind, LedgerEntry, TenantRetention
from jikim.retention.sources import RecipientSource


def _officer(request: HttpRequest) -> Any:
    # The console middleware admits operators with TOTP; destruction matters are the
    # privacy officer's.
    if not operator_role_allows(getattr(request.user, "operator_role", ""), "review_access"):
        raise PermissionDenied
    return request.user


class HoldForm(forms.Form):
    kind = forms.ChoiceField(label="보존 사유", choices=HoldKind.choices)
    subject = forms.CharField(label="정보주체 ID (예: m_…, r_…)", max_length=40, required=False)
    tenant = forms.SlugField(label="또는 판매자 주소 식별자", max_length=40, required=False)
    reason = forms.CharField(
        label="내용", max_length=200, error_messages={"required": "사유를 입력하세요."}
    )
    document = forms.CharField(label="근거 문서 (법적 보존은 필수)", max_length=200, required=False)
    reference = forms.CharField(
        label="관련 민원·요구 (선택, 예: case:12, request:3)", max_length=60, required=False
    )

    def clean_reference(self) -> str:
        text = self.cleaned_data.get("reference", "").strip()
        if text and not references.TYPED.match(text):
            raise ValidationError("case:번호 또는 request:번호 형식으로 입력하세요.")
        if text and not references.exists(text):
            raise ValidationError("그 번호의 민원이나 정보주체 요구가 없습니다.")
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("subject")) == bool(data.get("tenant")):
            raise ValidationError("정보주체 ID와 판매자 중 하나만 입력하세요.")
        if data.get("tenant"):
            tenant = Tenant.objects.filter(slug=data["tenant"]).first()
            if tenant is None:
                raise ValidationError("그런 판매자가 없습니다.")
            data["tenant_obj"] = tenant
        return data


def console_forecast(request: HttpRequest) -> HttpResponse:
    _officer(request)
    try:
        days = max(1, min(int(request.GET.get("days", "30")), 3650))
    except ValueError:
        days = 30
    waiting_groups = waiting()
    return render(
        request,
        "retention/forecast.html",
        {
            "days": days,
            "lines": forecast(days),
            "rules": sorted(rules.current().values(), key=lambda r: r.commitment),
            "waiting": waiting_groups,
            "awaiting": sum(w.count for w in waiting_groups),
            "waiting_upto": max((w.last_item for w in waiting_groups), default=0),
        },
    )


def console_holds(request: HttpRequest) -> HttpResponse:
    officer = _officer(request)
    form = HoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_place_hold(
                officer,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                subject=form.cleaned_data["subject"],
                tenant=form.cleaned_data.get("tenant_obj"),
                document=form.cleaned_data["document"],
                reference=form.cleaned_data["reference"],
                typed=True,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, "보존 조치를 등록했습니다. 해제 전까지 파기되지 않습니다.")
            return redirect("retention_holds")
    holds = list(Hold.objects.select_related("tenant").order_by("released_at", "-placed_at")[:200])
    linked = references.describe({h.reference for h in holds if h.reference})
    rows = [(h, linked.get(h.reference)) for h in holds]
    return render(request, "retention/holds.html", {"form": form, "rows": rows})


@require_POST
def console_release(request: HttpRequest, hold_id: int) -> HttpResponse:
    officer = _officer(request)
    try:
        actions.do_release_hold(
            officer, get_object_or_404(Hold, pk=hold_id), reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request, "보존 조치를 해제했습니다. 다음 파기 작업부터 다시 일정에 따릅니다."
        )
    return redirect("retention_holds")


def _kst(moment: dt.datetime | None) -> str:
    """A moment as the ledger file writes it: Korean time, with its offset."""
    return clock.local(moment).isoformat(timespec="seconds") if moment else ""


def _sellers(entries: list[LedgerEntry]) -> dict[int, str]:
    ids = {e.tenant_id for e in entries if e.tenant_id is not None}
    return dict(Tenant.objects.filter(pk__in=ids).values_list("pk", "slug"))


def seller_of(entry: LedgerEntry, slugs: dict[int, str]) -> str:
    if entry.several_tenants:
        return "여러 판매자"
    if entry.tenant_id is None:
        return ""
    return slugs.get(entry.tenant_id, f"#{entry.tenant_id} (삭제된 판매자)")


LEDGER_COLUMNS = [
    "번호",
    "작업",
    "계기",
    "단계",
    "규칙",
    "법적 근거",
    "판매자",
    "건수",
    "대상(가명 ID)",
    "예정일(부터)",
    "예정일(까지)",
    "완료",
    "방법",
    "승인자",
    "승인 일시",
]


def _ledger_csv() -> HttpResponse:
    """The whole ledger, every entry; times in Korean time with the offset, as on screen."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(LEDGER_COLUMNS)
    slugs = dict(
        Tenant.objects.filter(
            pk__in=LedgerEntry.objects.filter(tenant_id__isnull=False).values("tenant_id")
        ).values_list("pk", "slug")
    )
    for e in LedgerEntry.objects.select_related("sweep").iterator(chunk_size=1000):
        writer.writerow(
            [
                e.pk,
                e.sweep_id,
                e.sweep.trigger_label,
                e.get_stage_display(),
                e.rule_label,
                e.legal_basis,
                seller_of(e, slugs),
                e.count,
                " ".join(e.subjects),
                _kst(e.due_from),
                _kst(e.due_to),
                _kst(e.done_at),
                e.method,
                e.approver,
                _kst(e.approved_at),
            ]
        )
    response = HttpResponse(
        out.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="destruction-ledger.csv"'
    return response


def console_ledger(request: HttpRequest) -> HttpResponse:
    _officer(request)
    if request.GET.get("format") == "csv":
        return _ledger_csv()
    page = Paginator(LedgerEntry.objects.select_related("sweep"), 200).get_page(
        request.GET.get("page")
    )
    slugs = _sellers(list(page))
    rows = [(e, seller_of(e, slugs)) for e in page]
    return render(request, "retention/ledger.html", {"page": page, "rows": rows})


@require_POST
def console_approve(request: HttpRequest) -> HttpResponse:
    officer = _officer(request)
    try:
        upto = int(request.POST.get("upto", ""))
    except ValueError:
        # Approval covers what the officer was shown: a form without it shows nothing.
        messages.error(request, "승인할 목록을 확인한 뒤 다시 승인하세요.")
        return redirect("retention_forecast")
    try:
        count = actions.do_approve(officer, upto=upto, group=request.POST.get("group", ""))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"파기 {count}건을 승인했습니다. 다음 파기 작업에서 실행됩니다.")
    return redirect("retention_forecast")


class ShippingDaysForm(forms.Form):
    days = forms.IntegerField(
        label="배송 완료(구매확정) 후 보관일수",
        min_value=1,
        max_value=90,
        error_messages={
            "min_value": "1일 이상이어야 합니다.",
            "max_value": "방침의 기본값(90일)보다 길게 정할 수 없습니다.",
            "required": "보관일수를 입력하세요.",
            "invalid": "숫자를 입력하세요.",
        },
    )


@login_required
def tenant_retention(request: HttpRequest, slug: str) -> HttpResponse:
    scope = scope_for(request, slug, "manage_tenant")
    current = getattr(
        TenantRetention.objects.filter(tenant=scope.tenant).first(), "shipping_days", 90
    )
    form = ShippingDaysForm(request.POST or None, initial={"days": current})
    if request.method == "POST" and form.is_valid():
        actions.do_set_shipping_days(scope.member, scope.tenant, form.cleaned_data["days"])
        messages.success(request, "보관일수를 저장했습니다.")
        return redirect("tenant_retention", slug=slug)
    default_days, undelivered = RecipientSource().terms()
    return render(
        request,
        "retention/tenant_settings.html",
        {
            "scope": scope,
            "form": form,
            "current": current,
            "default_days": default_days,
            "undelivered": period_label(undelivered),
        },
    )
