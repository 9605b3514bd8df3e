"""A CS case taken "from the order's recipient" is about one order line. An order number
covering several product orders with different recipients makes the staff choose the line
(recipients shown masked) — never the first line's person copied silently; a
product-order number names its line at once."""

import pytest

from jikim.cases.models import Case
from jikim.shipping.models import Order, Party, PartyRole
from tests.cases import helpers
from tests.vaulthelp import plain

pytestmark = pytest.mark.django_db

OTHER_NAME = "김영수"
OTHER_PHONE = "01055556666"


def _shared_order(alice) -> tuple[Order, Order]:
    tenant = helpers.tenant_of(alice)
    first, _ = helpers.make_order(tenant, order_no="2026110199999")
    second = Order.objects.create(
        tenant=tenant,
        marketplace="smartstore",
        order_no=first.order_no,
        product_order_no=first.order_no + "02",
        product_name="접시",
    )
    Party.objects.create(
        tenant=tenant,
        order=second,
        role=PartyRole.RECIPIENT,
        name=OTHER_NAME,
        phone1=OTHER_PHONE,
        address_base="부산광역시 해운대구 해운대로 1",
    )
    return first, second


def _post(client, number: str, **extra):
    return client.post(
        "/t/alice/cases/new/",
        {
            "order_no": number,
            "from_recipient": "1",
            "channel": "phone",
            "title": "접시가 깨져 왔어요",
            "body": "접시가 깨졌습니다.",
            "identity_confirmed": "on",
            **extra,
        },
    )


def test_an_order_number_with_several_recipients_makes_the_staff_choose(alice, login) -> None:
    first, second = _shared_order(alice)
    seller = login(alice)
    form = seller.get("/t/alice/cases/new/").content.decode()
    assert "주문번호 또는 상품주문번호" in form
    page = _post(seller, first.order_no).content.decode()
    assert not Case.objects.exists(), "nobody is copied before the line is chosen"
    assert "상품주문을 고르세요" in page
    assert "김*수" in page and "홍*동" in page, "the recipients are shown masked"
    assert OTHER_NAME not in page and helpers.RECIPIENT_NAME not in page
    assert second.product_order_no in page

    response = _post(seller, first.order_no, order_line=str(second.pk))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.order == second
    assert plain(case, "complainant_name") == OTHER_NAME
    assert plain(case, "contact_phone") == OTHER_PHONE


def test_a_product_order_number_names_its_line(alice, login) -> None:
    _first, second = _shared_order(alice)
    response = _post(login(alice), second.product_order_no)
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.order == second and plain(case, "complainant_name") == OTHER_NAME


def test_an_unknown_number_is_refused_in_korean(alice, login) -> None:
    page = _post(login(alice), "0000").content.decode()
    assert "그런 주문번호가 없습니다" in page and not Case.objects.exists()
