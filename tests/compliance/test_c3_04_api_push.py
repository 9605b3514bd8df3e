"""C3-04, the integration half: a seller's system pushes orders through the API with a key
the owner made, and they land in the database sealed, once, whatever the number of pushes."""

import pytest

from jikim.audit.models import AccessRecord
from jikim.shipping.models import Order, Party
from tests.dbscan import database_contains
from tests.shipping.test_api import make_key, order, push
from tests.vaulthelp import plain


@pytest.mark.django_db(transaction=True)
def test_c3_04_api_pushes_orders_into_the_database(alice, bob) -> None:
    key = make_key(alice)
    orders = [order(1), order(2), order(3, marketplace="coupang")]
    response = push(key, orders)
    assert response.status_code == 200, response.content
    assert response.json()["new"] == 3
    stored = Order.objects.filter(tenant__slug="alice")
    assert sorted(stored.values_list("marketplace", "product_order_no")) == [
        ("api", "P-1"),
        ("api", "P-2"),
        ("coupang", "P-3"),
    ]
    parties = Party.objects.filter(tenant__slug="alice")
    assert {plain(p, "name") for p in parties} == {"홍길동"}
    for secret in ("홍길동", "01098765432", "01022223333", "테헤란로 123"):
        assert not database_contains(secret), f"{secret!r} is in the database in the clear"
    # Idempotent by (marketplace, product-order number): pushing again stores nothing new.
    again = push(key, orders).json()
    assert (again["new"], again["updated"], again["unchanged"]) == (0, 0, 3)
    assert stored.count() == 3
    # The push is an access record naming the key, with the subjects written.
    records = AccessRecord.objects.filter(action="create", tenant_id=stored[0].tenant_id)
    assert records.count() == 2
    assert sorted(records.order_by("id").first().subjects) == sorted(p.subject for p in parties)
    # The key is the tenant's: Bob's tenant got nothing.
    assert not Order.objects.filter(tenant__slug="bob").exists()
