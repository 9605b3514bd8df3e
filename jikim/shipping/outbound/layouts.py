"""Which courier sheets exist, which of them a tenant may adjust, and what personal data
each one needs."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from jikim.accounts.models import Member, Tenant
from jikim.audit.records import record
from jikim.shipping.exports.couriers import LAYOUTS, Layout, LayoutError
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
        return base.customised([(str(h), str(s)) for h, s in saved.columns])
    except (LayoutError, TypeError, ValueError):
        return base  # a saved list that no longer validates: the default still works


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
