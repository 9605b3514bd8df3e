"""Courier upload sheets (personal data: reason, password, recorded per recipient) and the
marketplaces' tracking uploads (no personal data: recorded as an export without subjects)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from jikim import clock
from jikim.accounts.models import Member, Tenant
from jikim.audit.records import record
from jikim.shipping.exports.couriers import COUPANG_INVOICE, SMARTSTORE_DISPATCH
from jikim.shipping.exports.layout import Layout
from jikim.shipping.exports.parcels import combined_row
from jikim.shipping.exports.render import RenderError, render
from jikim.shipping.exports.workbook import ExportError, build_xlsx
from jikim.shipping.importers import FileRefused, parse_file
from jikim.shipping.models import Marketplace, Order, Party, PartyRole, Shipment
from jikim.shipping.normalizers.phone import PhoneError, normalise_phone
from jikim.shipping.normalizers.text import clean_text
from jikim.shipping.outbound.base import PURPOSE, Exclusions, ExportFile, OutboundError
from jikim.shipping.outbound.layouts import (
    COURIER_SHEETS,
    PARTY_TO_SHEET,
    layout_for,
    personal_fields,
)
from jikim.shipping.outbound.parcels import remember_parcels, sheet_parcels
from jikim.shipping.outbound.recipients import is_destroyed, sort_recipients
from jikim.vault import access

MIN_PASSWORD = 6
MAX_ORDERS = 20_000
# The access record of a download must say why (audit.records.REASON_REQUIRED). A sheet
# without any personal-data column is made for the marketplace's dispatch, and says so.
NO_PERSONAL_DATA_REASON = "마켓 송장 업로드 파일 생성(개인정보 항목 없음)"
_FILE_LABELS = {
    "cj_cnplus": "CJ대한통운_CNPlus",
    "epost_pre_receipt": "우체국_사전접수",
    "hanjin_default": "한진택배",
    "lotte": "롯데택배",
    "logen_default": "로젠택배",
    "smartstore_dispatch": "스마트스토어_발송처리",
    "coupang_invoice": "쿠팡_송장업로드",
}
# Coupang matches an invoice by its 묶음배송번호, which jikim does not keep: it is taken
# from the seller's current DeliveryList. Only these identifier columns are copied from it;
# the recipient columns of the 39-column layout stay blank.
_COUPANG_COPIED = ("묶음배송번호", "옵션ID", "노출상품ID")


def select_orders(
    tenant: Tenant,
    *,
    untracked_only: bool = True,
    batch_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    marketplace: str = "",
) -> QuerySet[Order]:
    """The tenant's orders for a courier sheet, oldest order first."""
    orders = Order.objects.filter(tenant=tenant)
    if marketplace:
        orders = orders.filter(marketplace=marketplace)
    if untracked_only:
        orders = orders.filter(Q(shipment__isnull=True) | Q(shipment__tracking_no=""))
    if batch_id is not None:
        orders = orders.filter(batch_id=batch_id)
    if date_from is not None:
        orders = orders.filter(ordered_at__date__gte=date_from)
    if date_to is not None:
        orders = orders.filter(ordered_at__date__lte=date_to)
    return orders.order_by(F("ordered_at").asc(nulls_last=True), "pk")


def select_tracked(
    tenant: Tenant,
    marketplace: str,
    *,
    shipped_from: dt.date | None = None,
    shipped_to: dt.date | None = None,
) -> QuerySet[Order]:
    """The tenant's orders of one marketplace that have a tracking number."""
    orders = Order.objects.filter(tenant=tenant, marketplace=marketplace).exclude(
        Q(shipment__isnull=True) | Q(shipment__tracking_no="")
    )
    if shipped_from is not None:
        orders = orders.filter(shipment__shipped_at__date__gte=shipped_from)
    if shipped_to is not None:
        orders = orders.filter(shipment__shipped_at__date__lte=shipped_to)
    return orders.order_by("pk")


def shipments_of(order_ids: Iterable[int]) -> dict[int, Shipment]:
    return {s.order_id: s for s in Shipment.objects.filter(order_id__in=list(order_ids))}


def display_phone(digits: str) -> str:
    if not digits:
        return ""
    try:
        return normalise_phone(digits).display
    except PhoneError:
        return digits


def _sheet_row(
    order: Order, shipment: Shipment | None, recipient: Mapping[str, Any], extra: Mapping[str, Any]
) -> dict[str, object]:
    row: dict[str, object] = {
        "product_name": order.product_name,
        "option": order.option,
        "quantity": order.quantity,
        "order_no": order.order_no,
        "product_order_no": order.product_order_no,
        "courier": shipment.courier if shipment else "",
        "tracking_no": shipment.tracking_no if shipment else "",
        **extra,
    }
    for name, pii in recipient.items():
        value = pii.value
        row[PARTY_TO_SHEET[name]] = display_phone(value) if name.startswith("phone") else value
    return row


_RENDER_TEXT = {
    "missing": "넣을 값이 없습니다",
    "unknown_courier": "택배사 이름을 알 수 없습니다",
    "bad_date": "날짜를 읽을 수 없습니다",
}


def _write(
    layout: Layout, rows: Sequence[Mapping[str, object]], orders: Sequence[Order], password: str
) -> bytes:
    try:
        headers, cells = render(layout, rows)
        return build_xlsx(layout.sheet_name, headers, cells, password=password or None)
    except RenderError as exc:
        problems = [
            f"주문번호 {orders[p.index - 1].order_no}: '{p.header}' 칸 — "
            f"{_RENDER_TEXT.get(p.code, '값이 올바르지 않습니다')}"
            for p in exc.problems
        ]
        raise OutboundError(
            "양식에 맞출 수 없는 주문이 있어 파일을 만들지 않았습니다. "
            "아래 주문을 확인한 뒤 다시 내려받아 주세요.",
            problems,
        ) from None
    except ExportError as exc:
        raise OutboundError(str(exc)) from None


def _filename(layout_id: str) -> str:
    stamp = timezone.localtime(clock.now()).strftime("%Y%m%d_%H%M")
    return f"{_FILE_LABELS.get(layout_id, layout_id)}_{stamp}.xlsx"


def clean_reason(reason: str) -> str:
    """A download reason as it goes into the access record: one plain line."""
    return clean_text(reason or "")[:200]


def checked_reason(reason: str, password: str) -> str:
    reason = clean_reason(reason)
    if len(reason) < 2:
        raise OutboundError("개인정보가 담긴 파일을 내려받는 사유를 입력하세요.")
    if len(password or "") < MIN_PASSWORD:
        raise OutboundError(f"파일 비밀번호를 {MIN_PASSWORD}자 이상 입력하세요.")
    return reason


def record_export(
    actor: Member, tenant: Tenant, layout_id: str, rows: int, reason: str = NO_PERSONAL_DATA_REASON
) -> None:
    """The access record of a file without personal data: an export naming no one."""
    record(
        "export",
        actor=actor,
        tenant_id=tenant.pk,
        subjects=[],
        purpose=PURPOSE,
        reason=reason,
        detail={"layout": layout_id, "rows": rows, "personal_data": False},
    )


# --- courier upload sheets ---------------------------------------------------------------


@transaction.atomic
def do_download_courier_sheet(
    actor: Member,
    tenant: Tenant,
    *,
    layout_id: str,
    orders: Iterable[Order] | QuerySet[Order],
    reason: str,
    password: str,
    pickup_date: dt.date | None = None,
    combine: bool = True,
) -> ExportFile:
    """A courier's upload sheet for ``orders``: password-protected, its download recorded
    with the reason and every recipient in it. With ``combine`` (합포장) the lines of one
    order going to one recipient at one address share one row, and the sheet's parcels are
    recorded for the courier's result file."""
    if layout_id not in COURIER_SHEETS:
        raise OutboundError("알 수 없는 택배사 양식입니다.")
    layout = layout_for(tenant, layout_id)
    fields = personal_fields(layout)
    if fields:
        reason = checked_reason(reason, password)
    sorted_out = sort_recipients(tenant, orders, actor)
    parties = sorted_out.parties
    if not parties:
        raise OutboundError(_nothing_to_write(sorted_out.excluded))
    if len(parties) > MAX_ORDERS:
        raise OutboundError(
            f"한 번에 {MAX_ORDERS:,}건까지 내려받을 수 있습니다. 기간이나 업로드를 나눠 주세요."
        )
    if fields:
        recipients = access.reveal_rows(
            parties,
            fields,
            purpose=PURPOSE,
            actor=actor,
            action="download",
            reason=reason,
            tenant_id=tenant.pk,
        )
    else:  # a tenant's layout without any recipient column (not reachable today)
        recipients = [{} for _ in parties]
        record_export(actor, tenant, layout.id, len(parties))
    # A recipient shredded by a sweep that has not deleted the row yet is destroyed too.
    kept = [(p, v) for p, v in zip(parties, recipients, strict=True) if not is_destroyed(v)]
    excluded = Exclusions(
        destroyed=len(sorted_out.destroyed) + len(parties) - len(kept),
        frozen=len(sorted_out.frozen),
    )
    if not kept:
        raise OutboundError(_nothing_to_write(excluded))
    shipments = shipments_of(p.order_id for p, _ in kept)
    extra = {"pickup_date": pickup_date.isoformat() if pickup_date else ""}
    rows = [_sheet_row(p.order, shipments.get(p.order_id), values, extra) for p, values in kept]
    lines = [p.order for p, _ in kept]
    parcels = sheet_parcels(rows, lines, combine=combine)
    content = _write(
        layout,
        [combined_row(layout, [rows[i] for i in parcel]) for parcel in parcels],
        [lines[parcel[0]] for parcel in parcels],
        password if fields else "",
    )
    remember_parcels(tenant, [[lines[i] for i in parcel] for parcel in parcels])
    return ExportFile(
        _filename(layout_id),
        content,
        len(parcels),
        personal=bool(fields),
        excluded=excluded,
        lines=len(lines),
    )


def _nothing_to_write(excluded: Exclusions) -> str:
    if not excluded.total:
        return "조건에 맞는 주문이 없습니다. 선택한 조건을 확인해 주세요."
    return (
        f"조건에 맞는 주문 {excluded.total:,}건을 모두 파일에 넣을 수 없어 파일을 만들지 "
        f"않았습니다: {excluded.reasons}."
    )


# --- marketplace tracking uploads ------------------------------------------------------


@transaction.atomic
def do_download_smartstore_dispatch(
    actor: Member, tenant: Tenant, *, orders: Iterable[Order] | QuerySet[Order]
) -> ExportFile:
    """Smartstore's 엑셀 일괄발송 sheet ('발송처리'): product-order number, method, courier
    and tracking number. No personal data: recorded as an export without subjects."""
    layout = SMARTSTORE_DISPATCH
    assert not personal_fields(layout)
    chosen = list(_tracked_only(tenant, Marketplace.SMARTSTORE, orders))
    if not chosen:
        raise OutboundError("송장번호가 입력된 스마트스토어 주문이 없습니다.")
    shipments = shipments_of(o.pk for o in chosen)
    rows = [_sheet_row(o, shipments.get(o.pk), {}, {}) for o in chosen]
    content = _write(layout, rows, chosen, "")
    record_export(actor, tenant, layout.id, len(rows))
    return ExportFile(_filename(layout.id), content, len(rows), personal=False)


@transaction.atomic
def do_download_coupang_invoice(
    actor: Member,
    tenant: Tenant,
    *,
    orders: Iterable[Order] | QuerySet[Order],
    delivery_list: bytes,
    filename: str = "",
    password: str | None = None,
) -> ExportFile:
    """Coupang Wing's invoice upload (the 39-column DeliveryList layout) for the orders
    with a tracking number that appear in the seller's current DeliveryList.

    Only order identifiers, courier and tracking number are written; the recipient and
    buyer columns stay blank, so the file holds no personal data. The DeliveryList is
    read in memory for its 묶음배송번호 and is not kept.
    """
    layout = COUPANG_INVOICE
    bundles = _coupang_bundles(delivery_list, filename, password)
    chosen = [
        o
        for o in _tracked_only(tenant, Marketplace.COUPANG, orders)
        if o.product_order_no in bundles
    ]
    if not chosen:
        raise OutboundError(
            "올린 배송목록에 있는 주문 가운데 송장번호가 입력된 쿠팡 주문이 없습니다."
        )
    shipments = shipments_of(o.pk for o in chosen)
    rows = []
    for order in chosen:
        row = _sheet_row(order, shipments.get(order.pk), {}, bundles[order.product_order_no])
        # 묶음배송번호 comes from the DeliveryList, not from jikim's line key.
        row["product_order_no"] = ""
        row.update(
            {
                "등록상품명": order.product_name,
                "등록옵션명": order.option,
                "구매수(수량)": order.quantity,
            }
        )
        rows.append(row)
    content = _write(layout, rows, chosen, "")
    record_export(actor, tenant, layout.id, len(rows))
    return ExportFile(_filename(layout.id), content, len(rows), personal=False)


def _tracked_only(
    tenant: Tenant, marketplace: str, orders: Iterable[Order] | QuerySet[Order]
) -> QuerySet[Order]:
    chosen = orders.values("pk") if isinstance(orders, QuerySet) else [o.pk for o in orders]
    tracked = select_tracked(tenant, marketplace).filter(pk__in=chosen)
    # A frozen recipient's order is not reported to the marketplace either (C6-03).
    held = access.frozen(
        set(
            Party.objects.filter(order__in=tracked, role=PartyRole.RECIPIENT).values_list(
                "subject", flat=True
            )
        )
    )
    if held:
        record(
            "refused.frozen",
            actor=None,
            tenant_id=tenant.pk,
            subjects=sorted(held),
            detail={"attempted": "marketplace_upload"},
        )
        tracked = tracked.exclude(parties__subject__in=held)
    return tracked


def _coupang_bundles(data: bytes, filename: str, password: str | None) -> dict[str, dict[str, str]]:
    if not data:
        raise OutboundError("쿠팡 Wing에서 내려받은 배송목록(DeliveryList) 파일을 올려 주세요.")
    try:
        parsed = parse_file(data, filename=filename or None, password=password or None)
    except FileRefused as exc:
        raise OutboundError(exc.message) from None
    if parsed.marketplace != Marketplace.COUPANG:
        raise OutboundError(
            "쿠팡 Wing 배송목록(DeliveryList) 파일이 아닙니다. 쿠팡 Wing에서 내려받은 "
            "배송목록을 고치지 않고 올려 주세요."
        )
    return {
        row.product_order_no: {h: row.extra.get(h, "") for h in _COUPANG_COPIED}
        for row in parsed.rows
        if row.extra.get("묶음배송번호")
    }
