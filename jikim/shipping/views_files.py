"""Seller pages for files out: courier upload sheets and the marketplaces' tracking uploads,
with the form pieces the other files-out pages share. Tracking numbers from a courier's
result file are in ``views_tracking``, the adjustable courier layouts in ``views_layouts``.
Thin: forms validate, ``outbound`` builds and records."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from jikim.accounts.tenancy import Scope, scope_for
from jikim.shipping import outbound
from jikim.shipping.listing import marketplace_field
from jikim.shipping.models import BatchStatus, ImportBatch, Marketplace

_DATE = forms.DateInput(attrs={"type": "date"})
NO_FILE = {"required": "파일을 선택하세요."}


def password_field(label: str, *, required: bool) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        strip=False,
        min_length=outbound.MIN_PASSWORD if required else None,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password" if required else "off"}),
        error_messages={
            "required": "파일 비밀번호를 입력하세요.",
            "min_length": f"파일 비밀번호는 {outbound.MIN_PASSWORD}자 이상이어야 합니다.",
        },
    )


class CourierSheetForm(forms.Form):
    layout = forms.ChoiceField(label="택배사 양식", initial="cj_cnplus", widget=forms.RadioSelect)
    which = forms.ChoiceField(
        label="주문",
        choices=[("untracked", "송장번호가 없는 주문만"), ("all", "모든 주문")],
        initial="untracked",
        widget=forms.RadioSelect,
    )
    batch = forms.TypedChoiceField(
        label="업로드",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "선택한 업로드를 찾을 수 없습니다."},
    )
    marketplace = marketplace_field("모든 판매처")
    date_from = forms.DateField(label="주문일 (부터)", required=False, widget=_DATE)
    date_to = forms.DateField(label="주문일 (까지)", required=False, widget=_DATE)
    pickup_date = forms.DateField(
        label="집하예정일 (CJ대한통운, 선택)", required=False, widget=_DATE
    )
    # A browser sends nothing for an unticked box: absent from a post means off.
    combine = forms.BooleanField(
        label=_("합포장 (같은 주문·같은 받는 분은 한 상자로)"),
        required=False,
        initial=True,
        help_text=_(
            "같은 주문번호에서 받는 분 이름·전화번호·주소가 모두 같은 상품주문은 한 줄(한 상자)로 "
            "넣고 상품명을 이어 적습니다. 택배사 결과 파일의 운송장번호는 그 상자의 모든 "
            "상품주문에 들어갑니다. 끄면 상품주문마다 한 줄입니다."
        ),
    )
    reason = forms.CharField(
        label="내려받는 사유",
        max_length=200,
        error_messages={"required": "개인정보가 담긴 파일을 내려받는 사유를 입력하세요."},
    )
    password = password_field("파일 비밀번호 (6자 이상)", required=True)

    def __init__(self, scope: Scope, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        layout = self.fields["layout"]
        batch = self.fields["batch"]
        assert isinstance(layout, forms.ChoiceField) and isinstance(batch, forms.ChoiceField)
        layout.choices = [
            (key, f"{label} ({outbound.UNVERIFIED_NOTE})" if key in outbound.ADJUSTABLE else label)
            for key, label in outbound.COURIER_SHEETS.items()
        ]
        batches = scope.filter(ImportBatch.objects.filter(status=BatchStatus.COMMITTED))
        batch.choices = [("", "모든 업로드")] + [
            (b.pk, f"{timezone.localtime(b.created_at):%Y-%m-%d %H:%M} {b.filename or '(파일)'}")
            for b in batches.order_by("-created_at")[:200]
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "끝 날짜가 시작 날짜보다 앞섭니다.")
        reason = outbound.clean_reason(data.get("reason") or "")
        if "reason" in data and len(reason) < 2:
            self.add_error("reason", "사유를 구체적으로 입력하세요.")
        data["reason"] = reason
        return data


class ShippedRangeForm(forms.Form):
    shipped_from = forms.DateField(label="발송일 (부터)", required=False, widget=_DATE)
    shipped_to = forms.DateField(label="발송일 (까지)", required=False, widget=_DATE)


class CoupangForm(ShippedRangeForm):
    file = forms.FileField(label="쿠팡 Wing 배송목록 파일 (DeliveryList)", error_messages=NO_FILE)
    password = password_field("파일 비밀번호 (있을 때만)", required=False)


def download_response(export: outbound.ExportFile) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = (
        content_disposition_header(True, export.filename) or "attachment"
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def files_index(request: HttpRequest, slug: str) -> HttpResponse:
    scope = scope_for(request, slug)
    tenant = scope.tenant
    untracked = outbound.count_sheet(tenant, outbound.select_orders(tenant))
    counts = {
        "untracked": untracked.chosen,
        "smartstore": outbound.select_tracked(tenant, Marketplace.SMARTSTORE).count(),
        "coupang": outbound.select_tracked(tenant, Marketplace.COUPANG).count(),
    }
    return render(
        request,
        "shipping/files/index.html",
        {
            "scope": scope,
            "counts": counts,
            "untracked": untracked,
            "can_export": scope.can("export"),
            "can_edit": scope.can("edit_orders"),
        },
    )


# The fields that choose the orders of a courier sheet: the count before downloading
# follows them (never the reason or the password).
SELECTION = ("which", "batch", "marketplace", "date_from", "date_to", "combine")


def _sheet_count(scope: Scope, form: CourierSheetForm) -> outbound.SheetCount | None:
    """What a download with the form's current choice would hold and leave out; None while
    the choice itself has an error."""
    if form.is_bound:
        form.is_valid()
        if any(name in form.errors for name in SELECTION):
            return None
        data = form.cleaned_data
    else:
        data = {name: form.initial.get(name, form.fields[name].initial) for name in SELECTION}
    return outbound.count_sheet(
        scope.tenant,
        outbound.select_orders(
            scope.tenant,
            untracked_only=(data.get("which") or "untracked") == "untracked",
            batch_id=data.get("batch"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            marketplace=data.get("marketplace") or "",
        ),
        combine=bool(data.get("combine")),
    )


@sensitive_post_parameters("password")
@login_required
def files_courier(request: HttpRequest, slug: str) -> HttpResponse:
    scope = scope_for(request, slug, "export")
    initial: dict[str, Any] = {}
    if request.GET.get("batch"):  # "" is the form's own "모든 업로드"
        batch_id = request.GET["batch"]
        if not batch_id.isdigit():
            raise Http404
        initial["batch"] = scope.get(ImportBatch.objects.all(), pk=int(batch_id)).pk
    if request.GET.get("marketplace") in Marketplace.values:  # from the order list's filters
        initial["marketplace"] = request.GET["marketplace"]
    if request.GET.get("which") in ("untracked", "all"):  # the count following the form
        initial["which"] = request.GET["which"]
    if request.headers.get("HX-Request") == "true":  # the count: a ticked box is sent, only
        initial["combine"] = request.GET.get("combine") == "on"
    for name in ("date_from", "date_to"):  # carried from the order list's filters
        try:
            day = parse_date(request.GET.get(name, ""))
        except ValueError:  # the shape of a date, not a real one
            day = None
        if day is not None:
            initial[name] = day
    form = CourierSheetForm(scope, request.POST or None, initial=initial)
    # Saved layouts that put no 상품주문번호 where the courier's result file reads it.
    outdated = outbound.outdated_layouts(scope.tenant)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        orders = outbound.select_orders(
            scope.tenant,
            untracked_only=data["which"] == "untracked",
            batch_id=data["batch"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            marketplace=data["marketplace"],
        )
        try:
            export = outbound.do_download_courier_sheet(
                scope.member,
                scope.tenant,
                layout_id=data["layout"],
                orders=orders,
                reason=data["reason"],
                password=data["password"],
                pickup_date=data["pickup_date"],
                combine=data["combine"],
            )
        except outbound.OutboundError as exc:
            form.add_error(None, exc.message)
            problems = exc.problems
        else:
            stale = [o for o in outdated if o.layout_id == data["layout"]]
            if stale:  # the file is the seller's to choose; its result file is not matchable
                messages.warning(request, stale[0].message)
            # Shown on the next page: the download itself can carry no message.
            said = _download_note(export)
            if said:
                messages.info(request, said)
            return download_response(export)
    context = {"scope": scope, "form": form, "problems": problems, "outdated": outdated}
    context |= {"can_fix": True, "back_to": "files_courier", "count": _sheet_count(scope, form)}
    if request.method == "GET" and request.headers.get("HX-Request") == "true":
        return render(request, "shipping/files/_sheet_count.html", context)
    return render(request, "shipping/files/courier.html", context)


def _download_note(export: outbound.ExportFile) -> str:
    """What the seller is told after a courier sheet: how many lines went into how many
    boxes, and how many chosen orders were left out and why."""
    parts = []
    if export.combined:
        parts.append(
            gettext(
                "내려받은 택배사 접수 파일에 상품주문 %(lines)s건을 %(parcels)s상자로 "
                "합포장해 넣었습니다."
            )
            % {"lines": f"{export.lines:,}", "parcels": f"{export.rows:,}"}
        )
    elif export.excluded.total:
        parts.append(f"내려받은 택배사 접수 파일에 주문 {export.rows:,}건을 넣었습니다.")
    if export.excluded.total:
        parts.append(f"{export.excluded.total:,}건은 제외했습니다: {export.excluded.reasons}.")
    return " ".join(parts)


def _marketplace_page(
    request: HttpRequest,
    scope: Scope,
    *,
    smartstore: ShippedRangeForm | None = None,
    coupang: CoupangForm | None = None,
    problems: list[str] | None = None,
) -> HttpResponse:
    return render(
        request,
        "shipping/files/marketplace.html",
        {
            "scope": scope,
            "smartstore": smartstore or ShippedRangeForm(prefix="ss"),
            "coupang": coupang or CoupangForm(prefix="cp"),
            "problems": problems or [],
        },
    )


@login_required
def files_marketplace(request: HttpRequest, slug: str) -> HttpResponse:
    return _marketplace_page(request, scope_for(request, slug, "edit_orders"))


@login_required
@require_POST
def files_smartstore(request: HttpRequest, slug: str) -> HttpResponse:
    scope = scope_for(request, slug, "edit_orders")
    form = ShippedRangeForm(request.POST, prefix="ss")
    if form.is_valid():
        orders = outbound.select_tracked(scope.tenant, Marketplace.SMARTSTORE, **form.cleaned_data)
        try:
            return download_response(
                outbound.do_download_smartstore_dispatch(scope.member, scope.tenant, orders=orders)
            )
        except outbound.OutboundError as exc:
            form.add_error(None, exc.message)
            return _marketplace_page(request, scope, smartstore=form, problems=exc.problems)
    return _marketplace_page(request, scope, smartstore=form)


@sensitive_post_parameters("cp-password")
@login_required
@require_POST
def files_coupang(request: HttpRequest, slug: str) -> HttpResponse:
    scope = scope_for(request, slug, "edit_orders")
    form = CoupangForm(request.POST, request.FILES, prefix="cp")
    if form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        orders = outbound.select_tracked(
            scope.tenant,
            Marketplace.COUPANG,
            shipped_from=data["shipped_from"],
            shipped_to=data["shipped_to"],
        )
        try:
            return download_response(
                outbound.do_download_coupang_invoice(
                    scope.member,
                    scope.tenant,
                    orders=orders,
                    delivery_list=upload.read(),
                    filename=upload.name or "",
                    password=data["password"] or None,
                )
            )
        except outbound.OutboundError as exc:
            form.add_error("file", exc.message)
            return _marketplace_page(request, scope, coupang=form, problems=exc.problems)
    return _marketplace_page(request, scope, coupang=form)
