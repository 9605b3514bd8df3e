"""The order list as an Excel file, what a seller reconciles orders, payments and shipments
with. Without the recipient columns it names no one (recorded as an export, like the
marketplaces' tracking sheets); with them it is a download of personal data like a courier
sheet: a reason, a password, every recipient in it on record, frozen ones left out."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from jikim import clock
from jikim.accounts.models import Member, Tenant
from jikim.shipping.exports.workbook import ExportError, build_xlsx
from jikim.shipping.models import Order
from jikim.shipping.outbound.base import PURPOSE, ExportFile, OutboundError
from jikim.shipping.outbound.recipients import is_destroyed, sort_recipients
from jikim.shipping.outbound.sheets import (
    MAX_ORDERS,
    checked_reason,
    clean_reason,
    display_phone,
    record_export,
    shipments_of,
)
from jikim.vault import access
from jikim.vault.pii import Pii

HEADERS = (
    "판매처",
    "주문번호",
    "상품주문번호",
    "주문일시",
    "상품명",
    "옵션",
    "수량",
    "금액",
    "주문상태",
    "택배사",
    "송장번호",
    "발송일시",
    "배송완료일시",
    "구매확정일시",
)
# (field, header): the recipient's columns, in the order a courier sheet puts them.
RECIPIENT_COLUMNS = (
    ("name", "수취인명"),
    ("phone1", "수취인연락처1"),
    ("phone2", "수취인연락처2"),
    ("postcode", "우편번호"),
    ("address_base", "주소"),
    ("address_detail", "상세주소"),
    ("message", "배송메시지"),
)
# In the name cell of a recipient left out: frozen while their request is handled (C6-03),
# or destroyed (the retention period ended, or the recipient asked for deletion: the order
# keeps no trace of which).
WITHHELD = "(처리정지 요청으로 제외)"
DESTROYED = "(보관 기간 경과 또는 삭제 요구로 파기됨)"
NO_PERSONAL_DATA_REASON = "주문 내역 파일 생성(수취인 정보 없음)"


def _when(moment: dt.datetime | None) -> dt.datetime | str:
    """A moment as an Excel date in Korean time (to the minute), or a blank."""
    if moment is None:
        return ""
    return timezone.localtime(moment).replace(tzinfo=None, second=0, microsecond=0)


def _recipient_cells(values: dict[str, Pii] | None, frozen: bool) -> list[str]:
    if frozen:
        return [WITHHELD] + [""] * (len(RECIPIENT_COLUMNS) - 1)
    if values is None or is_destroyed(values):
        return [DESTROYED] + [""] * (len(RECIPIENT_COLUMNS) - 1)
    cells = []
    for name, _header in RECIPIENT_COLUMNS:
        text = values[name].value if name in values else ""
        cells.append(display_phone(text) if name.startswith("phone") else text)
    return cells


@transaction.atomic
def do_download_order_list(
    actor: Member,
    tenant: Tenant,
    *,
    orders: QuerySet[Order],
    with_recipients: bool,
    reason: str,
    password: str,
) -> ExportFile:
    """The chosen orders, oldest first, one row each; with the recipients' columns only
    when asked, and then under a password with the reason on record."""
    if with_recipients:
        reason = checked_reason(reason, password)
    chosen = list(
        orders.filter(tenant=tenant).order_by(F("ordered_at").asc(nulls_last=True), "pk")[
            : MAX_ORDERS + 1
        ]
    )
    if not chosen:
        raise OutboundError("조건에 맞는 주문이 없습니다. 선택한 조건을 확인해 주세요.")
    if len(chosen) > MAX_ORDERS:
        raise OutboundError(
            f"한 번에 {MAX_ORDERS:,}건까지 내려받을 수 있습니다. 기간이나 판매처를 나눠 주세요."
        )
    headers = list(HEADERS)
    recipients: dict[int, dict[str, Pii]] = {}
    frozen: frozenset[int] = frozenset()
    if with_recipients:
        headers += [header for _name, header in RECIPIENT_COLUMNS]
        sorted_out = sort_recipients(tenant, chosen, actor)
        parties, frozen = sorted_out.parties, sorted_out.frozen
        if parties:
            values = access.reveal_rows(
                parties,
                [name for name, _header in RECIPIENT_COLUMNS],
                purpose=PURPOSE,
                actor=actor,
                action="download",
                reason=reason,
                tenant_id=tenant.pk,
            )
            recipients = {p.order_id: v for p, v in zip(parties, values, strict=True)}
    else:
        reason = clean_reason(reason) or NO_PERSONAL_DATA_REASON
        record_export(actor, tenant, "order_list", len(chosen), reason)
    shipments = shipments_of(o.pk for o in chosen)
    rows = []
    for order in chosen:
        shipment = shipments.get(order.pk)
        row: list[object] = [
            order.marketplace_label,
            order.order_no,
            order.product_order_no,
            _when(order.ordered_at),
            order.product_name,
            order.option,
            order.quantity,
            "" if order.amount is None else order.amount,
            order.status,
            shipment.courier if shipment else "",
            shipment.tracking_no if shipment else "",
            _when(shipment.shipped_at if shipment else None),
            _when(shipment.delivered_at if shipment else None),
            _when(shipment.purchase_confirmed_at if shipment else None),
        ]
        if with_recipients:
            row += _recipient_cells(recipients.get(order.pk), order.pk in frozen)
        rows.append(row)
    try:
        content = build_xlsx("주문내역", headers, rows, password=password or None)
    except ExportError as exc:
        raise OutboundError(str(exc)) from None
    stamp = timezone.localtime(clock.now()).strftime("%Y%m%d_%H%M")
    return ExportFile(f"주문내역_{stamp}.xlsx", content, len(rows), personal=with_recipients)
