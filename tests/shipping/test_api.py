"""The order push API: keys (shown once, hashed, scoped, revocable), POST /api/v1/orders
through the same normalising and masking as the files, GET one order masked, tenant
isolation, the per-key rate limit, and the docs."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from jikim import clock
from jikim.accounts.models import Tenant
from jikim.audit.models import AccessRecord
from jikim.shipping import apikeys, pushing
from jikim.shipping.models import ApiKey, Order, Party
from tests.dbscan import database_contains
from tests.vaulthelp import plain

pytestmark = pytest.mark.django_db

PHONES = ["010-9876-5432", "01022223333", "01077778888"]


def make_key(member: Any, scopes: tuple[str, ...] = ("orders:write", "orders:read")) -> str:
    tenant = Tenant.objects.get(memberships__member=member)
    return apikeys.do_create_api_key(member, tenant, "자사몰", list(scopes))[1]


def order(n: int, **overrides: Any) -> dict[str, Any]:
    recipient = {
        "name": "홍길동",
        "phone1": PHONES[n % len(PHONES)],
        "phone2": "",
        "postcode": "06236",
        "address_base": "서울특별시 강남구 테헤란로 123",
        "address_detail": "4층",
        "message": "문 앞에 놓아 주세요",
        "customs_code": "",
    }
    recipient.update(overrides.pop("recipient", {}))
    data = {
        "marketplace": "api",
        "order_no": f"A-{n}",
        "product_order_no": f"P-{n}",
        "product_name": "유기농 사과 5kg",
        "option": "",
        "quantity": 1,
        "amount": 35000,
        "ordered_at": "2026-03-01T10:00:00+09:00",
        "paid_at": "2026-03-01 10:05:00",
        "status": "결제완료",
        "recipient": recipient,
    }
    data.update(overrides)
    return data


def push(key: str, orders: list[dict[str, Any]] | str, client: Client | None = None) -> Any:
    body = orders if isinstance(orders, str) else json.dumps({"orders": orders})
    return (client or Client()).post(
        "/api/v1/orders",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


def get(key: str, number: str, **params: str) -> Any:
    return Client().get(f"/api/v1/orders/{number}", params, HTTP_AUTHORIZATION=f"Bearer {key}")


# ------------------------------------------------------------------ keys


@pytest.mark.django_db(transaction=True)  # the database file is scanned
def test_owner_creates_a_key_shown_once_and_stored_hashed(alice, login) -> None:
    client = login(alice)
    response = client.post("/t/alice/api-keys/", {"name": "자사몰", "scopes": ["orders:write"]})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    key = ApiKey.objects.get()
    plaintext = next(
        w
        for w in html.replace("<", " ").replace(">", " ").split()
        if w.startswith(f"jk_{key.prefix}_")
    )
    assert apikeys.KEY_PATTERN.fullmatch(plaintext)
    assert key.scopes == ["orders:write"] and key.created_by == alice
    assert key.hashed != plaintext and len(key.hashed) == 64
    assert not database_contains(plaintext)
    secret = plaintext.removeprefix(f"jk_{key.prefix}_")  # the secret itself may hold "_"
    assert not database_contains(secret), "the secret is never stored"
    assert plaintext not in client.get("/t/alice/api-keys/").content.decode(), "shown once"
    record = AccessRecord.objects.get(action="api_key.create")
    assert record.actor_id == alice.pk and record.detail["api_key"] == f"jk_{key.prefix}"
    assert plaintext not in json.dumps(record.detail)
    assert apikeys.verify(plaintext) == key


def test_key_form_needs_a_name_and_a_scope(alice, login) -> None:
    html = login(alice).post("/t/alice/api-keys/", {"name": "", "scopes": []}).content.decode()
    assert "키 이름을 입력하세요" in html and "권한을 하나 이상 고르세요" in html
    assert not ApiKey.objects.exists()


def test_only_the_owner_manages_keys(alice, charlie, staff_of_alice, login) -> None:
    make_key(alice)
    key = ApiKey.objects.get()
    for role in ("viewer", "manager", "cs_agent"):
        client = login(staff_of_alice(role))
        assert client.get("/t/alice/api-keys/").status_code == 403, role
        assert client.post(f"/t/alice/api-keys/{key.pk}/revoke/").status_code == 403, role
    stranger = login(charlie)
    assert stranger.get("/t/alice/api-keys/").status_code == 404
    assert stranger.post(f"/t/alice/api-keys/{key.pk}/revoke/").status_code == 404
    assert stranger.post(f"/t/charlie/api-keys/{key.pk}/revoke/").status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None
    manager = staff_of_alice("manager")
    with pytest.raises(apikeys.PermissionDenied):
        apikeys.do_create_api_key(manager, key.tenant, "x", ["orders:write"])


def test_nav_shows_api_link_to_the_owner_only(alice, staff_of_alice, login) -> None:
    assert "API 연동" in login(alice).get("/t/alice/").content.decode()
    assert "API 연동" not in login(staff_of_alice("manager")).get("/t/alice/").content.decode()


def test_revoked_unknown_or_missing_key_is_401(alice, login) -> None:
    plaintext = make_key(alice)
    key = ApiKey.objects.get()
    assert push(plaintext, [order(1)]).status_code == 200
    response = login(alice).post(f"/t/alice/api-keys/{key.pk}/revoke/")
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert AccessRecord.objects.filter(action="api_key.revoke", actor_id=alice.pk).exists()
    response = push(plaintext, [order(2)])
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"
    assert "API 키" in response.json()["detail"]
    forged = plaintext[:-4] + ("AAAA" if not plaintext.endswith("AAAA") else "BBBB")
    assert push(forged, [order(2)]).status_code == 401
    assert push("jk_nope", [order(2)]).status_code == 401
    assert Client().post("/api/v1/orders", "{}", content_type="application/json").status_code == 401
    assert Order.objects.count() == 1


def test_scopes_are_enforced(alice) -> None:
    writer = make_key(alice, ("orders:write",))
    reader = make_key(alice, ("orders:read",))
    assert push(writer, [order(1)]).status_code == 200
    response = push(reader, [order(2)])
    assert response.status_code == 403 and "orders:write" in response.json()["detail"]
    assert get(writer, "P-1").status_code == 403
    assert get(reader, "P-1").status_code == 200


# ------------------------------------------------------------------ push


@pytest.mark.django_db(transaction=True)  # the database file is scanned
def test_push_three_orders_stores_them_sealed(alice) -> None:
    key = make_key(alice)
    response = push(key, [order(1), order(2), order(3)])
    assert response.status_code == 200, response.content
    body = response.json()
    assert body == {
        "accepted": 3,
        "new": 3,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "identifiers_masked": 0,
        "errors": [],
    }
    orders = Order.objects.filter(tenant__slug="alice").order_by("product_order_no")
    assert [o.product_order_no for o in orders] == ["P-1", "P-2", "P-3"]
    first = orders[0]
    assert first.marketplace == "api" and first.amount == 35000
    assert first.ordered_at == dt.datetime(2026, 3, 1, 1, 0, tzinfo=dt.UTC)
    party = Party.objects.get(order=first)
    assert plain(party, "name") == "홍길동"
    assert plain(party, "phone1") == "01022223333"
    assert plain(party, "address_base").endswith("테헤란로 123")
    for secret in ("홍길동", "01022223333", "01098765432", "테헤란로 123"):
        assert not database_contains(secret), secret
    record = AccessRecord.objects.get(action="create")
    assert record.actor_id is None and record.tenant_id == first.tenant_id
    assert record.detail["api_key"].startswith("jk_") and record.detail["new"] == 3
    assert sorted(record.subjects) == sorted(Party.objects.values_list("subject", flat=True))
    assert ApiKey.objects.get().last_used_at is not None


def test_pushing_the_same_orders_again_changes_nothing(alice) -> None:
    key = make_key(alice)
    push(key, [order(1), order(2), order(3)])
    before = sorted(Party.objects.values_list("subject", "name"))
    body = push(key, [order(1), order(2), order(3)]).json()
    assert (body["new"], body["updated"], body["unchanged"]) == (0, 0, 3)
    assert sorted(Party.objects.values_list("subject", "name")) == before
    shipped = order(1, status="배송중", courier="CJ대한통운", tracking_no="6543-2109-8765")
    body = push(key, [shipped]).json()
    assert (body["new"], body["updated"], body["unchanged"]) == (0, 1, 0)
    updated = Order.objects.get(product_order_no="P-1")
    assert updated.status == "배송중" and updated.shipment.tracking_no == "654321098765"
    assert Order.objects.count() == 3


def test_invalid_phone_is_reported_without_the_value(alice) -> None:
    key = make_key(alice)
    bad = order(2, recipient={"phone1": "12-34"})
    response = push(key, [order(1), bad, order(3, recipient={"name": ""})])
    body = response.json()
    assert response.status_code == 200
    assert (body["accepted"], body["new"], body["rejected"]) == (1, 1, 2)
    first = body["errors"][0]
    assert first["index"] == 1 and first["product_order_no"] == "P-2"
    assert first["field"] == "recipient.phone1" and first["code"].startswith("phone_")
    assert first["severity"] == "error" and "연락처" in first["message"]
    assert set(first) == {"index", "product_order_no", "field", "code", "message", "severity"}
    assert "12-34" not in response.content.decode() and "1234" not in response.content.decode()
    assert body["errors"][1]["field"] == "recipient.name" and body["errors"][1]["index"] == 2
    assert list(Order.objects.values_list("product_order_no", flat=True)) == ["P-1"]


@pytest.mark.django_db(transaction=True)  # the database file is scanned
def test_card_number_in_any_text_is_masked(alice) -> None:
    key = make_key(alice)
    card = "4111 1111 1111 1111"
    response = push(key, [order(1, option=f"카드 {card} 결제")])
    body = response.json()
    assert body["identifiers_masked"] == 1 and body["accepted"] == 1
    assert body["errors"][0]["field"] == "option" and body["errors"][0]["severity"] == "warning"
    assert card not in response.content.decode()
    assert "4111" not in Order.objects.get().option
    assert not database_contains("4111111111111111") and not database_contains(card)


def test_marketplace_codes_are_validated(alice) -> None:
    key = make_key(alice)
    body = push(
        key,
        [
            order(1, marketplace="coupang"),
            order(2, marketplace="gmarket"),
            order(3, marketplace=""),
        ],
    ).json()
    assert body["accepted"] == 2 and body["rejected"] == 1
    error = body["errors"][0]
    assert error["field"] == "marketplace" and "smartstore" in error["message"]
    assert dict(Order.objects.values_list("product_order_no", "marketplace")) == {
        "P-1": "coupang",
        "P-3": "api",
    }


def test_the_same_line_twice_in_one_request_keeps_the_last(alice) -> None:
    key = make_key(alice)
    body = push(key, [order(1, status="결제완료"), order(1, status="배송준비")]).json()
    assert body["accepted"] == body["new"] == 1
    assert body["errors"][0]["code"] == "duplicate_in_request"
    assert Order.objects.get().status == "배송준비"


def test_a_quantity_out_of_range_refuses_that_order_only(alice) -> None:
    """One bad order in a batch is that order's error; the others are saved."""
    key = make_key(alice)
    response = push(key, [order(1), order(2, quantity=0), order(3, quantity=100_001)])
    assert response.status_code == 200
    body = response.json()
    assert (body["accepted"], body["rejected"]) == (1, 2)
    assert {(e["index"], e["field"]) for e in body["errors"]} == {(1, "quantity"), (2, "quantity")}
    assert all(e["severity"] == "error" and "수량" in e["message"] for e in body["errors"])
    assert list(Order.objects.values_list("order_no", flat=True)) == [order(1)["order_no"]]


def test_more_than_1000_orders_is_refused_as_a_whole(alice) -> None:
    key = make_key(alice)
    response = push(key, [order(n) for n in range(1001)])
    assert response.status_code == 422
    assert "1,000건" in response.json()["detail"]
    assert not Order.objects.exists()


def test_exactly_1000_orders_are_taken(alice) -> None:
    key = make_key(alice)
    response = push(key, [order(n) for n in range(1000)])
    assert response.status_code == 200 and response.json()["new"] == 1000


def test_bad_json_and_schema_errors_are_422_without_values(alice) -> None:
    key = make_key(alice)
    response = push(key, "{not json")
    assert response.status_code == 422 and "JSON" in response.json()["detail"]
    response = push(key, [order(1, recipient={"phone1": 1098765432}, quantity="많이")])
    assert response.status_code == 422
    body = response.json()
    assert "형식" in body["detail"]
    locs = {tuple(e["loc"]) for e in body["errors"]}
    assert ("orders", 0, "recipient", "phone1") in locs and ("orders", 0, "quantity") in locs
    assert "1098765432" not in response.content.decode() and "많이" not in response.content.decode()
    response = push(key, [{"order_no": "A-1"}])
    assert response.status_code == 422
    missing = {
        "code": "missing",
        "loc": ["orders", 0, "product_order_no"],
        "message": "필수 항목입니다.",
    }
    assert missing in response.json()["errors"]
    assert not Order.objects.exists()


def test_an_oversized_body_is_413_in_korean(alice, settings) -> None:
    key = make_key(alice)
    body = json.dumps({"orders": [], "padding": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    response = push(key, body)
    assert response.status_code == 413 and "나누어" in response.json()["detail"]


# ------------------------------------------------------------------ read


def test_reading_an_order_gives_the_recipient_masked(alice) -> None:
    key = make_key(alice)
    push(key, [order(1, courier="CJ대한통운", tracking_no="123456789012")])
    response = get(key, "P-1")
    assert response.status_code == 200
    body = response.json()
    assert body["order_no"] == "A-1" and body["quantity"] == 1
    assert body["recipient_withheld"] is False
    assert body["recipient"]["name"] != "홍길동" and body["recipient"]["name"].startswith("홍")
    assert body["recipient"]["phone1"] == "010-****-3333"
    assert "테헤란로 123" not in response.content.decode()
    assert body["shipment"]["tracking_no"] == "123456789012"
    record = AccessRecord.objects.filter(action="view").latest("id")
    assert record.actor_id is None and record.detail["system"] is True
    assert "jk_" in record.reason and record.purpose == "service_delivery"


def test_alices_key_cannot_read_bobs_order(alice, bob) -> None:
    push(make_key(bob), [order(7, product_order_no="BOB-7")])
    alices = make_key(alice)
    response = get(alices, "BOB-7")
    assert response.status_code == 404
    assert response.json() == {"detail": "찾을 수 없습니다."}
    assert get(alices, "nothing-here").status_code == 404


def test_same_number_in_two_marketplaces_needs_the_marketplace(alice) -> None:
    key = make_key(alice)
    push(key, [order(1, marketplace="coupang"), order(1, marketplace="smartstore")])
    assert get(key, "P-1").status_code == 409
    response = get(key, "P-1", marketplace="coupang")
    assert response.status_code == 200 and response.json()["marketplace"] == "coupang"


def test_a_frozen_recipient_is_neither_updated_nor_provided(alice, monkeypatch) -> None:
    """C6-03 hook: the rights app registers a freeze check; the API obeys it."""
    key = make_key(alice)
    push(key, [order(1), order(2)])
    subject = Party.objects.get(order__product_order_no="P-1").subject
    monkeypatch.setattr(pushing, "freeze_checkers", [lambda subjects: {subject} & set(subjects)])
    body = get(key, "P-1").json()
    assert body["recipient"] is None and body["recipient_withheld"] is True
    assert get(key, "P-2").json()["recipient"] is not None
    result = push(key, [order(1, status="취소"), order(2, status="취소")]).json()
    assert result["rejected"] == 1 and result["updated"] == 1
    assert result["errors"][0]["code"] == "subject_frozen" and result["errors"][0]["index"] == 0
    assert Order.objects.get(product_order_no="P-1").status == "결제완료"
    assert AccessRecord.objects.filter(action="view.refused_frozen", subjects=[subject]).exists()
    assert AccessRecord.objects.filter(action="create.refused_frozen").exists()


# ------------------------------------------------------------------ limits and docs


def test_rate_limit_per_key(alice, settings) -> None:
    settings.JIKIM_API_RATE_PER_MINUTE = 2
    key, other = make_key(alice), make_key(alice)
    with clock.frozen(dt.datetime(2026, 3, 1, 1, 0, 30, tzinfo=dt.UTC)):
        assert get(key, "P-1").status_code == 404
        assert get(key, "P-1").status_code == 404
        response = get(key, "P-1")
        assert response.status_code == 429
        assert "잠시 후" in response.json()["detail"] and response["Retry-After"] == "30"
        assert push(key, [order(1)]).status_code == 429
        assert get(other, "P-1").status_code == 404, "the limit is per key"
    with clock.frozen(dt.datetime(2026, 3, 1, 1, 1, 0, tzinfo=dt.UTC)):
        assert get(key, "P-1").status_code == 404, "a new minute, a new allowance"


def test_docs_and_openapi_load_without_a_cdn() -> None:
    client = Client()
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    spec = schema.json()
    assert {"/api/v1/orders", "/api/v1/orders/{product_order_no}"} <= set(spec["paths"])
    assert spec["components"]["schemas"]["PushIn"]["properties"]["orders"]["maxItems"] == 1000
    assert spec["components"]["securitySchemes"]["ApiKeyAuth"]["scheme"] == "bearer"
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui-bundle.js" in html and "/static/ninja/" in html
    assert "cdn" not in html.lower() and "https://" not in html
