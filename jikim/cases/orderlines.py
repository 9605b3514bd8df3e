"""Which order line a seller's CS case is about. Staff type the number the customer reads
out: a product-order number names one line; an order number may cover several lines with
different recipients, and then the staff choose the line (its recipient shown masked)
instead of the first one being taken — which would copy the wrong person into the case."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from jikim.accounts.models import Member, Tenant
from jikim.shipping.models import Order, Party, PartyRole
from jikim.vault import access

PURPOSE = "complaint_handling"
NOT_FOUND = "이 판매자의 주문 중 그런 주문번호가 없습니다 (주문번호나 상품주문번호를 확인하세요)."
CHOOSE = (
    "이 주문번호에는 상품주문이 여러 건 있습니다. 민원에 해당하는 상품주문을 고르거나 "
    "상품주문번호를 입력하세요."
)


def lines(tenant: Tenant, number: str) -> list[Order]:
    """The order lines the number names: the line of a product-order number, else every
    line of an order number."""
    number = (number or "").strip()
    if not number:
        return []
    orders = Order.objects.filter(tenant=tenant).order_by("pk")
    by_line = list(orders.filter(product_order_no=number))
    return by_line or list(orders.filter(order_no=number))


def choices(actor: Member, tenant: Tenant, found: list[Order]) -> list[tuple[int, str]]:
    """The lines to choose from, each with its product and masked recipient (one recorded
    read for the list)."""
    recipients = {
        p.order_id: p
        for p in Party.objects.filter(order__in=found, role=PartyRole.RECIPIENT).order_by("pk")
    }
    parties = [recipients[o.pk] for o in found if o.pk in recipients]
    names = access.reveal_rows(
        parties, ["name"], purpose=PURPOSE, actor=actor, action="list", tenant_id=tenant.pk
    )
    masked = {p.order_id: str(v["name"]) for p, v in zip(parties, names, strict=True)}
    return [
        (
            o.pk,
            f"상품주문번호 {o.product_order_no} · {o.product_name[:30] or '-'} · "
            f"수취인 {masked.get(o.pk, '-')}",
        )
        for o in found
    ]


def chosen(tenant: Tenant, number: str, line: int | None) -> Order:
    """The one line the case is about, or a Korean refusal."""
    found = lines(tenant, number)
    if not found:
        raise ValidationError(NOT_FOUND, code="order")
    if len(found) == 1:
        return found[0]
    for order in found:
        if order.pk == line:
            return order
    raise ValidationError(CHOOSE, code="order_line")
