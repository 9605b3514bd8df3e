"""The API answers in Korea time: every date and time in a response is ISO 8601 with
+09:00 (Asia/Seoul), as Korean sellers read it, while the orders sent in may carry any
offset (or none: Korea time). The OpenAPI document says both."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.test import Client

from jikim import clock
from jikim.shipping.models import Order
from tests.shipping.test_api import get, make_key, order, push

pytestmark = pytest.mark.django_db

# Sent with different offsets -> the same instants, answered in Korea time.
SENT = {
    "ordered_at": ("2026-02-28T16:30:00Z", "2026-03-01T01:30:00+09:00"),
    "paid_at": ("2026-03-01T01:35:00+09:00", "2026-03-01T01:35:00+09:00"),
    "shipped_at": ("2026-03-01T08:10:00-05:00", "2026-03-01T22:10:00+09:00"),
    "delivered_at": ("2026-03-02 09:00:00", "2026-03-02T09:00:00+09:00"),
    "purchase_confirmed_at": ("2026-03-03T00:30:00+00:00", "2026-03-03T09:30:00+09:00"),
}
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def datetimes(value: Any) -> list[str]:
    """Every date-time string anywhere in a JSON document."""
    if isinstance(value, dict):
        return [found for item in value.values() for found in datetimes(item)]
    if isinstance(value, list):
        return [found for item in value for found in datetimes(item)]
    return [value] if isinstance(value, str) and DATETIME.match(value) else []


def test_an_order_is_answered_in_korea_time_whatever_offset_it_was_sent_with(alice) -> None:
    key = make_key(alice)
    sent = order(1, courier="CJ대한통운", tracking_no="601234567890")
    sent.update({name: given for name, (given, _) in SENT.items()})
    pushed = push(key, [sent])
    assert pushed.status_code == 200 and pushed.json()["accepted"] == 1, pushed.json()
    assert datetimes(pushed.json()) == []  # the push report carries no dates

    body = get(key, "P-1").json()
    shipment = body["shipment"]
    answered = {name: body.get(name, shipment.get(name)) for name in SENT}
    assert answered == {name: expected for name, (_, expected) in SENT.items()}
    # Just after midnight in Korea is still the previous day in UTC: the seller's date.
    assert body["ordered_at"].startswith("2026-03-01")
    # The same instants as stored (in UTC).
    stored = Order.objects.get(product_order_no="P-1")
    assert dt.datetime.fromisoformat(body["ordered_at"]) == stored.ordered_at
    assert stored.ordered_at == dt.datetime(2026, 2, 28, 16, 30, tzinfo=dt.UTC)
    assert all(text.endswith("+09:00") for text in datetimes(body)), body


def test_no_response_carries_utc(alice) -> None:
    key = make_key(alice)
    push(key, [order(2)])
    Order.objects.filter(product_order_no="P-2").update(
        paid_at=dt.datetime(2026, 3, 1, 0, 0, 0, 123456, tzinfo=dt.UTC)
    )
    body = get(key, "P-2").json()
    assert body["paid_at"].startswith("2026-03-01T09:00:00") and body["paid_at"].endswith("+09:00")
    assert dt.datetime.fromisoformat(body["paid_at"]).utcoffset() == dt.timedelta(hours=9)
    for text in datetimes(body):
        assert not text.endswith(("Z", "+00:00")), text
        assert dt.datetime.fromisoformat(text).tzinfo is not None
    assert body["shipment"] is None and body["ordered_at"] == "2026-03-01T10:00:00+09:00"
    assert clock.local(dt.datetime(2026, 3, 1, 1, tzinfo=dt.UTC)).isoformat() == body["ordered_at"]


def test_the_openapi_document_says_korea_time_out_and_any_offset_in() -> None:
    spec = json.loads(Client().get("/api/openapi.json").content)
    assert "+09:00" in spec["info"]["description"]
    assert "어느 시간대" in spec["info"]["description"]
    schemas = spec["components"]["schemas"]

    def description(schema: str, name: str) -> str:
        prop = schemas[schema]["properties"][name]
        texts = [prop.get("description", "")]
        texts += [part.get("description", "") for part in prop.get("anyOf", [])]
        return " ".join(texts)

    for schema, names in {
        "OrderOut": ("ordered_at", "paid_at"),
        "ShipmentOut": ("shipped_at", "delivered_at", "purchase_confirmed_at"),
    }.items():
        for name in names:
            assert "한국 시간" in description(schema, name) and "+09:00" in description(
                schema, name
            ), (schema, name)
    for name in SENT:
        assert "어느 것이든" in description("OrderIn", name), name
    operation = spec["paths"]["/api/v1/orders/{product_order_no}"]["get"]
    assert "+09:00" in operation["description"]
