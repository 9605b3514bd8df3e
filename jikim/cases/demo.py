"""Two CS cases for the demo seller (`jikim seed_demo`), about its demo orders: one just
received, one being looked into — so the home page, the case desk and the order pages have
something to show. Taken the way staff take them: the recipient's name and phone copied
from the order, a recorded read."""

from __future__ import annotations

from django.db.models import Q

from jikim.accounts.models import Member, Tenant
from jikim.cases.actions import complaints
from jikim.cases.models import CaseStatus, Channel
from jikim.shipping.models import Order

CASES = (
    ("배송 언제 오나요", "주문한 지 사흘이 지났는데 아직 발송 전이라고 나와요.", None),
    (
        "상자가 찌그러져 왔어요",
        "받은 상자 모서리가 눌려 있어 내용물을 확인하고 있습니다.",
        CaseStatus.INVESTIGATING,
    ),
)


def seed_cases(owner: Member, tenant: Tenant) -> int:
    """Receive the demo cases once; 0 when the seller has any case already."""
    if tenant.cases.exists():
        return 0
    orders_of = Order.objects.filter(tenant=tenant).order_by("pk")
    untracked = Q(shipment__isnull=True) | Q(shipment__tracking_no="")
    waiting, shipped = orders_of.filter(untracked), orders_of.exclude(untracked)
    orders = [waiting.first(), shipped.first()]
    made = 0
    for order, (title, body, status) in zip(orders, CASES, strict=True):
        if order is None:
            continue
        case = complaints.do_receive_seller_case(
            owner,
            tenant,
            order,
            title=title,
            body=body,
            channel=Channel.PHONE,
            identity_confirmed=True,
            from_recipient=True,
        )
        if status is not None:
            complaints.do_transition(owner, case, status)
        made += 1
    return made
