"""Seller pages for orders: list and one-box search (masked), detail, unmask with a reason,
and the upload → preview → commit flow. Thin: forms validate, actions change state."""

from __future__ import annotations

import functools
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from jikim.accounts.tenancy import Scope, scope_for
from jikim.cases.desks import cases_of_order
from jikim.policy import datamap
from jikim.retention import forecast
from jikim.shipping import actions, listing, search
from jikim.shipping.importers import FileRefused
from jikim.shipping.models import BatchStatus, ImportBatch, Order, Party
from jikim.shipping.normalising import LABELS
from jikim.vault import access
from jikim.vault.fields import PersonalDataField

LIST_FIELDS = ["name", "phone1"]
DETAIL_FIELDS = [
    "name",
    "phone1",
    "phone2",
    "postcode",
    "address_base",
    "address_detail",
    "message",
    "customs_code",
]


class UploadForm(forms.Form):
    file = forms.FileField(label="주문 파일", error_messages={"required": "파일을 선택하세요."})
    password = forms.CharField(
        label="파일 비밀번호 (있을 때만)",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )


class UnmaskForm(forms.Form):
    purpose = forms.ChoiceField(
        label="목적",
        choices=[("complaint_handling", "고객 문의·민원 처리"), ("service_delivery", "배송 처리")],
        error_messages={"invalid_choice": "목적을 선택하세요.", "required": "목적을 선택하세요."},
    )
    reason = forms.CharField(
        label="열람 사유",
        max_length=200,
        min_length=2,
        error_messages={
            "required": "가려진 정보를 보려면 사유를 입력하세요.",
            "min_length": "사유를 구체적으로 입력하세요.",
        },
    )


def _recipients(scope: Scope, orders: list[Order], action: str) -> dict[int, dict[str, Any]]:
    """Masked recipient columns for a page of orders: one access record for the page."""
    parties = search.recipients_of([o.pk for o in orders])
    if not parties:
        return {}
    values = access.reveal_rows(
        parties,
        LIST_FIELDS,
        purpose="service_delivery",
        actor=scope.member,
        action=action,
        tenant_id=scope.tenant.pk,
    )
    return {p.order_id: v for p, v in zip(parties, values, strict=True)}


@login_required
def orders(request: HttpRequest, slug: str) -> HttpResponse:
    """The order list (filters in the address, so a list can be linked and paged) and the
    customer search. A search term is a phone number or a name: it comes only in a form's
    body, never in the address, which browsers keep in their history and servers in their
    logs. A search link from elsewhere (?q=) is not run; the page says why."""
    scope = scope_for(request, slug)
    text = request.POST.get("q", "").strip()[:100] if request.method == "POST" else ""
    if text:
        query = search.classify(text)
        found = list(search.orders_matching(scope.tenant.pk, query))
        page = None
        rows = found
        action = "search"
        filters = None
    else:
        query = None
        filters = listing.OrderFilterForm(request.GET)
        chosen = listing.filtered(scope.filter(Order.objects.all()), filters)
        paginator = Paginator(chosen.order_by("-ordered_at", "-pk"), 50)
        page = paginator.get_page(request.GET.get("page"))
        rows = list(page.object_list)
        action = "list"
    recipients = _recipients(scope, rows, action)
    shipments = search.shipments_of([o.pk for o in rows])
    return render(
        request,
        "shipping/orders.html",
        {
            "scope": scope,
            "q": text,
            "query": query,
            "search_in_address": "q" in request.GET,
            "page": page,
            "filters": filters,
            "filter_query": listing.query_without_page(filters) if filters is not None else "",
            # The shipping sheet for the orders of those days (it keeps to untracked ones).
            "courier_query": (
                listing.courier_query(filters)
                if filters is not None and scope.can("export")
                else None
            ),
            "rows": [(o, recipients.get(o.pk, {}), shipments.get(o.pk)) for o in rows],
        },
    )


@login_required
def order_detail(request: HttpRequest, slug: str, order_id: int) -> HttpResponse:
    scope = scope_for(request, slug)
    order, shipment = search.order_of(scope.tenant.pk, order_id)
    party = next(iter(search.recipients_of([order.pk])), None)
    fate = forecast.recipient_fate(scope.tenant, order, shipment, party.subject) if party else None
    unmasked = False
    form = UnmaskForm(request.POST or None)
    if request.method == "POST":
        scope.require("unmask")
        if form.is_valid() and party is not None:
            purpose = form.cleaned_data["purpose"]
            values = _detail(scope, party)
            values.update(
                access.reveal_rows(
                    [party],
                    _fields_for(purpose),
                    purpose=purpose,
                    actor=scope.member,
                    action="unmask",
                    reason=form.cleaned_data["reason"],
                )[0]
            )
            unmasked = True
        else:
            values = _detail(scope, party)
    else:
        values = _detail(scope, party)
    return render(
        request,
        "shipping/order_detail.html",
        {
            "scope": scope,
            "order": order,
            "party": values,
            "unmasked": unmasked,
            "form": form,
            "blank_fields": None if form.is_bound else _blank_unmask_fields(get_language()),
            "shipment": shipment,
            "fate": fate,
            "may_enter_tracking": scope.can("edit_orders"),
            "cases": (
                cases_of_order(scope.tenant, order.pk) if scope.can("handle_cases") else None
            ),
        },
    )


@functools.lru_cache(maxsize=8)
def _blank_unmask_fields(language: str) -> dict[str, SafeString]:
    """The unmask form's inputs as a blank form draws them, kept per language: every
    detail page shows them, and drawing two widgets through the form renderer took longer
    than the rest of the page's content. A submitted form is drawn afresh (its values,
    its errors)."""
    form = UnmaskForm()
    return {name: SafeString(form[name]) for name in form.fields}


def _fields_for(purpose: str) -> list[str]:
    """Only the fields whose category may be read for this purpose (C1-05)."""
    data_map = datamap.current()
    fields = {f.name: f for f in Party._meta.concrete_fields if isinstance(f, PersonalDataField)}
    return [
        f
        for f in DETAIL_FIELDS
        if data_map.category(fields[f].category).basis_for(purpose) == "collected"
    ]


def _detail(scope: Scope, party: Party | None) -> dict[str, Any]:
    if party is None:
        return {}
    return access.reveal_rows(
        [party], DETAIL_FIELDS, purpose="service_delivery", actor=scope.member, action="view"
    )[0]


@login_required
def imports(request: HttpRequest, slug: str) -> HttpResponse:
    scope = scope_for(request, slug, "import_orders")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > actions.MAX_UPLOAD_BYTES:
            form.add_error("file", "파일이 너무 큽니다. 50MB 이하로 나누어 올려 주세요.")
        else:
            try:
                batch = actions.do_receive_upload(
                    scope.member,
                    scope.tenant,
                    data=upload.read(),
                    filename=upload.name or "",
                    password=form.cleaned_data["password"] or None,
                )
            except FileRefused as exc:
                if exc.code in ("password_required", "wrong_password"):
                    # A browser never refills a file input: say so, or the seller wonders
                    # why the form complains again.
                    form.add_error("password", f"{exc.message} 파일도 다시 선택해 주세요.")
                else:
                    form.add_error("file", str(exc.message))
            else:
                return redirect("import_batch", slug=slug, batch_id=batch.pk)
    batches = scope.filter(ImportBatch.objects.all()).order_by("-created_at")[:20]
    return render(
        request, "shipping/imports.html", {"scope": scope, "form": form, "batches": batches}
    )


@login_required
def import_batch(request: HttpRequest, slug: str, batch_id: int) -> HttpResponse:
    scope = scope_for(request, slug, "import_orders")
    # Not the staged file (the whole upload, sealed): the page shows only the analysis.
    batch = scope.get(ImportBatch.objects.defer("staged"), pk=batch_id)
    busy = batch.status in (BatchStatus.RECEIVED, BatchStatus.COMMITTING)
    template = (
        "shipping/_batch_status.html"
        if request.headers.get("HX-Request")
        else "shipping/import_batch.html"
    )
    errors = [p for p in batch.problems if p.get("severity") == "error"]
    warnings = [p for p in batch.problems if p.get("severity") != "error"]
    return render(
        request,
        template,
        {
            "scope": scope,
            "batch": batch,
            "busy": busy,
            "errors": errors,
            "warnings": warnings,
        },
    )


@login_required
@require_POST
def import_commit(request: HttpRequest, slug: str, batch_id: int) -> HttpResponse:
    scope = scope_for(request, slug, "import_orders")
    batch = scope.get(ImportBatch.objects.all(), pk=batch_id)
    actions.do_commit(scope.member, batch)
    return redirect("import_batch", slug=slug, batch_id=batch.pk)


@login_required
@require_POST
def import_cancel(request: HttpRequest, slug: str, batch_id: int) -> HttpResponse:
    scope = scope_for(request, slug, "import_orders")
    batch = scope.get(ImportBatch.objects.all(), pk=batch_id)
    actions.do_cancel(scope.member, batch)
    messages.info(request, "업로드를 취소했습니다. 올린 파일은 파기했습니다.")
    return redirect("imports", slug=slug)


MAPPED_FIELDS = [
    ("order_no", True),
    ("product_order_no", False),
    ("product_name", False),
    ("option", False),
    ("quantity", False),
    ("amount", False),
    ("ordered_at", False),
    ("recipient_name", True),
    ("recipient_phone1", True),
    ("recipient_phone2", False),
    ("recipient_postcode", False),
    ("recipient_address_base", True),
    ("recipient_address_detail", False),
    ("delivery_message", False),
    ("customs_code", False),
    ("courier", False),
    ("tracking_no", False),
]


class MappingForm(forms.Form):
    save_as = forms.CharField(
        label="이 지정을 이름을 붙여 저장 (다음부터 자동 적용)", max_length=60, required=False
    )

    def __init__(
        self, *args: Any, headers: list[str], suggested: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "— 없음 —"), *[(h, h) for h in headers]]
        for name, required in MAPPED_FIELDS:
            self.fields[name] = forms.ChoiceField(
                label=LABELS.get(name, name) + (" *" if required else ""),
                choices=choices,
                required=required,
                initial=suggested.get(name, ""),
                error_messages={
                    "required": f"{LABELS.get(name, name)} 열을 지정하세요.",
                    "invalid_choice": "파일에 없는 열입니다.",
                },
            )

    def mapping(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[name]
            for name, _ in MAPPED_FIELDS
            if self.cleaned_data.get(name)
        }


@login_required
def import_mapping(request: HttpRequest, slug: str, batch_id: int) -> HttpResponse:
    scope = scope_for(request, slug, "import_orders")
    batch = scope.get(ImportBatch.objects.all(), pk=batch_id)
    if batch.status != BatchStatus.NEEDS_MAPPING:
        return redirect("import_batch", slug=slug, batch_id=batch.pk)
    headers, suggested = actions.header_preview(batch)
    form = MappingForm(request.POST or None, headers=headers, suggested=suggested)
    if request.method == "POST" and form.is_valid():
        actions.do_set_mapping(scope.member, batch, form.mapping(), form.cleaned_data["save_as"])
        return redirect("import_batch", slug=slug, batch_id=batch.pk)
    return render(
        request, "shipping/import_mapping.html", {"scope": scope, "batch": batch, "form": form}
    )


@login_required
def import_errors(request: HttpRequest, slug: str, batch_id: int) -> HttpResponse:
    """The rows left out (and the flagged ones) as a sheet the seller can fix and re-upload.
    It holds row numbers, columns, reasons and masked values only: no personal data."""
    from jikim.shipping.exports.workbook import build_xlsx

    scope = scope_for(request, slug, "import_orders")
    batch = scope.get(ImportBatch.objects.all(), pk=batch_id)
    # The screen's column order; the row number is a number a seller can sort by.
    rows = [
        (
            p.get("row", ""),
            p.get("order_no", ""),
            p.get("column", ""),
            p.get("value", ""),
            p.get("message", ""),
            "제외" if p.get("severity") == "error" else "저장(표시)",
        )
        for p in batch.problems
    ]
    headers = ["행", "주문번호", "열", "값(가림)", "내용", "처리"]
    content = build_xlsx("확인할 내용", headers, rows)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        content_disposition_header(True, f"주문파일_{batch.pk}_확인할내용.xlsx") or "attachment"
    )
    return response
