"""The push API's per-call look-ups (written-out SQL): the key and its tenant, and the
recipients of the pushed lines for the freeze (C6-03). They must answer exactly what the
ORM queries they replaced answered, and find lines through the unique index."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jikim import clock
from jikim.accounts.models import Tenant
from jikim.audit.models import AccessRecord
from jikim.shipping import apikeys, pushing
from jikim.shipping.models import Party
from tests.shipping.test_api import make_key, order, push

pytestmark = pytest.mark.django_db


def test_verify_loads_the_key_with_its_tenant(alice) -> None:
    plaintext = make_key(alice)
    key = apikeys.verify(plaintext)
    assert key is not None and key.scopes == ["orders:read", "orders:write"]
    with CaptureQueriesContext(connection) as queries:
        assert key.tenant.slug == "alice"
    assert not queries.captured_queries, "the tenant comes with the key"


def test_verify_refuses_a_revoked_key_and_an_ended_contract(alice) -> None:
    plaintext = make_key(alice)
    key = apikeys.verify(plaintext)
    assert key is not None
    Tenant.objects.filter(pk=key.tenant_id).update(contract_ended_at=clock.now())
    assert apikeys.verify(plaintext) is None
    Tenant.objects.filter(pk=key.tenant_id).update(contract_ended_at=None)
    assert apikeys.verify(plaintext) == key
    apikeys.do_revoke_api_key(alice, key)
    assert apikeys.verify(plaintext) is None, "revocation stops the very next call"


def test_verify_refuses_a_wrong_secret_under_a_real_prefix(alice) -> None:
    plaintext = make_key(alice)
    forged = plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B")
    assert apikeys.verify(forged) is None
    assert apikeys.verify(plaintext.upper()) is None


def test_recipients_of_lines_match_marketplace_and_number(alice, bob) -> None:
    key = make_key(alice)
    push(key, [order(1, marketplace="coupang"), order(2, marketplace="smartstore")])
    push(make_key(bob), [order(1, marketplace="coupang")])
    tenant = Tenant.objects.get(slug="alice")
    found = pushing._recipients_of_lines(
        tenant.pk, [("coupang", "P-1"), ("coupang", "P-2"), ("smartstore", "P-2"), ("api", "X")]
    )
    expected = {
        (p.order.marketplace, p.order.product_order_no): p.subject
        for p in Party.objects.filter(tenant=tenant).select_related("order")
    }
    assert found == expected, "alice's two lines, not bob's, not a number in another market"


def test_a_frozen_line_elsewhere_does_not_touch_a_push(alice, monkeypatch) -> None:
    """The same number under another marketplace is another line: its frozen recipient
    neither blocks this push nor is named in a refusal record."""
    key = make_key(alice)
    push(key, [order(1, marketplace="coupang")])
    subject = Party.objects.get(order__marketplace="coupang").subject
    monkeypatch.setattr(pushing, "freeze_checkers", [lambda subjects: {subject} & set(subjects)])
    result = push(key, [order(1, marketplace="smartstore")]).json()
    assert result["accepted"] == 1 and result["rejected"] == 0
    assert not AccessRecord.objects.filter(action="create.refused_frozen").exists()
    refused = push(key, [order(1, marketplace="coupang", status="취소")]).json()
    assert refused["rejected"] == 1 and refused["errors"][0]["code"] == "subject_frozen"
    assert AccessRecord.objects.filter(action="create.refused_frozen", subjects=[subject]).exists()


def test_line_lookup_uses_the_unique_index(alice) -> None:
    """Not a walk over every recipient of the tenant: the cost of a push must not grow with
    the number of orders the seller already has."""
    if connection.vendor != "sqlite":
        pytest.skip("the plan is read from SQLite's EXPLAIN QUERY PLAN")
    push(make_key(alice), [order(n) for n in range(3)])
    tenant = Tenant.objects.get(slug="alice")
    with CaptureQueriesContext(connection) as queries:
        pushing._recipients_of_lines(tenant.pk, [("api", "P-1"), ("api", "P-2")])
    (query,) = queries.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
        plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
    assert "SCAN" not in plan, plan
    assert "shipping_party_tenant" not in plan, plan
    assert "sqlite_autoindex_shipping_order" in plan, plan
