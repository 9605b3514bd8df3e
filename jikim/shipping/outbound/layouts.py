"""Which courier sheets exist, which of them a tenant may adjust, and what personal data
each one needs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from jikim.accounts.models import Member, Tenant
from jikim.audit.records import record
from jikim.shipping.exports.couriers import LAYOUTS
from jikim.shipping.exports.layout import SOURCE_FIELDS, Layout, LayoutError
from jikim.shipping.exports.tracking import header_key
from jikim.shipping.models import CourierLayout
from jikim.shipping.outbound.base import OutboundError

COURIER_SHEETS: dict[str, str] = {
    "cj_cnplus": "CJ대한통운 (CNPlus 일괄접수)",
    "epost_pre_receipt": "우체국 (사전접수)",
    "hanjin_default": "한진택배",
    "lotte": "롯데택배",
    "logen_default": "로젠택배",
}
# No official upload header list is known for these: the tenant may adjust the columns.
ADJUSTABLE = ("hanjin_default", "lotte", "logen_default")
UNVERIFIED_NOTE = "공식 양식 미확인 — 열 순서를 조정할 수 있습니다"

# The recipient's fields (Party) and the sheet field each one fills.
PARTY_TO_SHEET = {
    "name": "recipient_name",
    "phone1": "recipient_phone1",
    "phone2": "recipient_phone2",
    "postcode": "recipient_postcode",
    "address_base": "recipient_address_base",
    "address_detail": "recipient_address_detail",
    "message": "delivery_message",
}
# Which Party fields a sheet field is read from. A sheet reads only what its columns name
# (C2-04: what the courier needs, nothing more); no layout names the customs code, so it
# is never read for a courier sheet.
SHEET_NEEDS: dict[str, tuple[str, ...]] = {
    "recipient_name": ("name",),
    "recipient_phone1": ("phone1",),
    "recipient_phone2": ("phone2",),
    # Which of the two numbers is the mobile one is known only once both are read.
    "recipient_mobile": ("phone1", "phone2"),
    "recipient_other_phone": ("phone1", "phone2"),
    "recipient_postcode": ("postcode",),
    "recipient_address": ("address_base", "address_detail"),
    "recipient_address_base": ("address_base",),
    "recipient_address_detail": ("address_detail",),
    "delivery_message": ("message",),
}


def layout_for(tenant: Tenant, layout_id: str) -> Layout:
    """The layout as this tenant uses it: its adjusted columns where it saved some."""
    base = LAYOUTS.get(layout_id)
    if base is None:
        raise OutboundError("알 수 없는 양식입니다.")
    if layout_id not in ADJUSTABLE:
        return base
    saved = CourierLayout.objects.filter(tenant=tenant, layout_id=layout_id).first()
    if saved is None:
        return base
    try:
        return base.customised(_saved_columns(saved))
    except (LayoutError, TypeError, ValueError):
        return base  # a saved list that no longer validates: the default still works


def _saved_columns(saved: CourierLayout) -> list[tuple[str, str]]:
    return [(str(h), str(s)) for h, s in saved.columns]


# --- saved layouts from before the line's own number was printed ---------------------------
#
# A courier's result file echoes one column of the sheet (한진 메모3, 롯데 상품코드1; 로젠's
# is named by the seller at import), and result rows are matched to order lines by the
# 상품주문번호 found there: an order number can be shared by lines going to different
# people. A layout saved before the default layouts carried it there may still map that
# column to the shared 주문번호. It is never rewritten behind the seller's back: the pages
# say so, and the seller updates it (do_update_courier_layout) or resets it.

_LINE_NUMBER = "product_order_no"


@dataclass(frozen=True, slots=True)
class OutdatedLayout:
    layout_id: str
    courier: str  # tracking.COURIERS id: its result files are the ones affected
    label: str
    message: str  # Korean: what is wrong and what it breaks, never any order's data


def _echoed_header(layout_id: str) -> str:
    """The column the default layout puts the product-order number in."""
    return next(c.header for c in LAYOUTS[layout_id].columns if c.source == _LINE_NUMBER)


def _at_header(columns: Sequence[tuple[str, str]], header: str) -> int | None:
    wanted = header_key(header)
    return next((i for i, (h, _) in enumerate(columns) if header_key(h) == wanted), None)


def _why_outdated(layout_id: str, columns: Sequence[tuple[str, str]]) -> str | None:
    label = COURIER_SHEETS[layout_id]
    echoed = _echoed_header(layout_id)
    at = _at_header(columns, echoed)
    if at is not None and columns[at][1] != _LINE_NUMBER:
        now = SOURCE_FIELDS.get(columns[at][1], "비움")
        return (
            f"저장해 둔 {label} 양식의 '{columns[at][0]}' 열에 상품주문번호가 아닌 항목"
            f"({now})이 들어갑니다. 택배사 결과 파일이 이 열을 그대로 돌려주므로, 한 주문에 "
            "상품이 여럿이면 운송장번호를 상품주문(받는 분)마다 맞출 수 없습니다."
        )
    if not any(source == _LINE_NUMBER for _, source in columns):
        return (
            f"저장해 둔 {label} 양식에 상품주문번호를 넣는 열이 없습니다. 한 주문에 상품이 "
            "여럿이면 택배사 결과 파일의 운송장번호를 상품주문(받는 분)마다 맞출 수 없습니다."
        )
    return None


def outdated_layouts(tenant: Tenant) -> list[OutdatedLayout]:
    """The tenant's saved layouts whose result file cannot be matched line by line."""
    found = []
    saved = CourierLayout.objects.filter(tenant=tenant, layout_id__in=ADJUSTABLE)
    for layout in sorted(saved, key=lambda s: ADJUSTABLE.index(s.layout_id)):
        try:
            columns = _saved_columns(layout)
        except (TypeError, ValueError):
            continue  # unreadable: layout_for uses the default, which is fine
        why = _why_outdated(layout.layout_id, columns)
        if why:
            layout_id = layout.layout_id
            courier = LAYOUTS[layout_id].courier or ""
            found.append(OutdatedLayout(layout_id, courier, COURIER_SHEETS[layout_id], why))
    return found


def updated_columns(layout_id: str, columns: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The saved columns with the product-order number where the result file reads it.

    Every column keeps its name and place. The echoed column takes the product-order
    number and a column that carried it takes what the echoed column held (the old
    한진·롯데 defaults swapped 주문번호 and 상품주문번호). A layout without the echoed column
    and without the number gains the default's column for it at the end.
    """
    fixed = list(columns)
    echoed = _echoed_header(layout_id)
    at = _at_header(fixed, echoed)
    if at is None:
        if any(source == _LINE_NUMBER for _, source in fixed):
            return fixed
        return [*fixed, (echoed, _LINE_NUMBER)]
    header, held = fixed[at]
    fixed = [(h, held if source == _LINE_NUMBER else source) for h, source in fixed]
    fixed[at] = (header, _LINE_NUMBER)
    return fixed


def personal_fields(layout: Layout) -> list[str]:
    """The recipient fields this layout's columns need, in the Party's order."""
    wanted = {f for c in layout.columns if c.source for f in SHEET_NEEDS.get(c.source, ())}
    return [name for name in PARTY_TO_SHEET if name in wanted]


@transaction.atomic
def do_save_courier_layout(
    actor: Member, tenant: Tenant, layout_id: str, columns: Sequence[tuple[str, str]]
) -> Layout:
    if layout_id not in ADJUSTABLE:
        raise OutboundError("이 양식은 열을 조정할 수 없습니다.")
    try:
        layout = LAYOUTS[layout_id].customised(columns)
    except LayoutError as exc:
        raise OutboundError(str(exc)) from None
    saved = [[c.header, c.source or ""] for c in layout.columns]
    CourierLayout.objects.update_or_create(
        tenant=tenant, layout_id=layout_id, defaults={"columns": saved}
    )
    record(
        "shipping.courier_layout",
        actor=actor,
        tenant_id=tenant.pk,
        detail={"layout": layout_id, "columns": len(saved)},
    )
    return layout


@transaction.atomic
def do_reset_courier_layout(actor: Member, tenant: Tenant, layout_id: str) -> None:
    if layout_id not in ADJUSTABLE:
        raise OutboundError("이 양식은 열을 조정할 수 없습니다.")
    deleted, _ = CourierLayout.objects.filter(tenant=tenant, layout_id=layout_id).delete()
    if deleted:
        record(
            "shipping.courier_layout",
            actor=actor,
            tenant_id=tenant.pk,
            detail={"layout": layout_id, "reset": True},
        )


@transaction.atomic
def do_update_courier_layout(actor: Member, tenant: Tenant, layout_id: str) -> Layout:
    """Put the product-order number in the saved layout's echoed column (the seller asked
    for it on the page that said the layout is outdated); nothing else changes."""
    if layout_id not in ADJUSTABLE:
        raise OutboundError("이 양식은 열을 조정할 수 없습니다.")
    saved = (
        CourierLayout.objects.select_for_update().filter(tenant=tenant, layout_id=layout_id).first()
    )
    if saved is None:
        raise OutboundError("저장해 둔 양식이 없습니다. 기본 양식에는 상품주문번호 열이 있습니다.")
    try:
        layout = LAYOUTS[layout_id].customised(updated_columns(layout_id, _saved_columns(saved)))
    except (LayoutError, TypeError, ValueError):
        raise OutboundError(
            "저장해 둔 양식을 고칠 수 없습니다. 기본 양식으로 되돌린 뒤 다시 조정해 주세요."
        ) from None
    saved.columns = [[c.header, c.source or ""] for c in layout.columns]
    saved.save(update_fields=["columns"])
    record(
        "shipping.courier_layout",
        actor=actor,
        tenant_id=tenant.pk,
        detail={"layout": layout_id, "columns": len(saved.columns), "line_number": True},
    )
    return layout
