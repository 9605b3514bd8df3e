"""C6-07 through the API: identifiers shipping does not need, pushed in any text field, are
masked before storing, counted, and reported per order — without echoing them."""

import pytest

from jikim.shipping.models import Order, Party
from tests.dbscan import database_contains
from tests.shipping.test_api import make_key, order, push
from tests.vaulthelp import plain

RRN = "900101-1234567"


@pytest.mark.django_db(transaction=True)
def test_c6_07_api_masks_identifiers(alice) -> None:
    key = make_key(alice)
    flagged = order(
        2, recipient={"message": f"주민번호 {RRN} 입니다", "customs_code": "P123456789012"}
    )
    response = push(key, [order(1), flagged])
    assert response.status_code == 200
    body = response.json()
    assert body["accepted"] == 2 and body["identifiers_masked"] == 1
    (warning,) = [e for e in body["errors"] if e["code"].startswith("identifier_")]
    assert warning["index"] == 1 and warning["product_order_no"] == "P-2"
    assert warning["field"] == "recipient.message" and warning["severity"] == "warning"
    assert "주민등록번호" in warning["message"]
    text = response.content.decode()
    assert RRN not in text and "1234567" not in text, "the response never echoes the value"
    party = Party.objects.get(order__product_order_no="P-2")
    message = plain(party, "message")
    assert RRN not in message and "1234567" not in message and message.startswith("주민번호 ")
    assert plain(party, "customs_code") == "P123456789012", "the customs code is kept"
    for raw in (RRN, RRN.replace("-", ""), "P123456789012"):
        assert not database_contains(raw)
    assert Order.objects.count() == 2
