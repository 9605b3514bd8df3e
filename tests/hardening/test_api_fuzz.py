"""The order API fuzzed from its own OpenAPI document (schemathesis, bounded and
deterministic): whatever a client sends, valid or not, the answer is never a server error
and always one the document describes — a listed status code with a body that validates,
and a request the document forbids is refused. Without a key, or with a revoked, unknown or
malformed one, every operation answers the documented 401."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jikim.accounts.models import Tenant
from jikim.api import api
from jikim.shipping import apikeys, pushing
from jikim.shipping.models import ApiKey, Marketplace, Order

pytestmark = pytest.mark.django_db

SCHEMA_PATH = "/api/openapi.json"


def bounded(examples: int) -> Any:
    return settings(
        max_examples=examples,
        derandomize=True,  # the same examples on every run: CI stays reproducible
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


class InProcessApp:
    """Django's WSGI application, answering inside the test's transaction.

    Like Django's own test client, it keeps the request signals from closing the test's
    database connection, so each request sees the data of the test that makes it."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, start_response)
            body = b"".join(response)
            response.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return [body]


def served_document() -> dict[str, Any]:
    # As a client reads it: JSON, so status codes are strings.
    return json.loads(json.dumps(api.get_openapi_schema()))


def _load() -> Any:
    loaded = schemathesis.openapi.from_dict(served_document())
    loaded.app = InProcessApp()
    return loaded


schema = _load()
PUSH = schema["/api/v1/orders"]["POST"]
READ = schema["/api/v1/orders/{product_order_no}"]["GET"]


def new_key(member: Any, scopes: Iterable[str] = ("orders:write", "orders:read")) -> str:
    tenant = Tenant.objects.get(memberships__member=member)
    return apikeys.do_create_api_key(member, tenant, "연동 점검", list(scopes))[1]


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(autouse=True)
def _unthrottled(settings: Any) -> None:
    # Hundreds of requests per key within one clock minute: the per-key limit has its own
    # tests in tests/shipping and is not what is fuzzed here.
    settings.JIKIM_API_RATE_PER_MINUTE = 1_000_000


@pytest.fixture
def live_key(alice: Any) -> str:
    return new_key(alice)


@pytest.fixture(params=["none", "revoked", "unknown", "malformed", "wrong scheme"])
def bad_credentials(request: Any, alice: Any) -> dict[str, str]:
    if request.param == "none":
        return {}
    if request.param == "revoked":
        key = new_key(alice)
        apikeys.do_revoke_api_key(alice, ApiKey.objects.get(revoked_at__isnull=True))
        return bearer(key)
    if request.param == "unknown":
        return bearer(f"jk_{'0' * 10}_{'A' * 43}")
    if request.param == "malformed":
        return bearer("jk_not-a-key")
    return {"Authorization": f"Basic {new_key(alice)}"}


def test_the_fuzzed_document_is_the_one_served(client: Any) -> None:
    assert client.get(SCHEMA_PATH).json() == served_document()


# ------------------------------------------------------------------ generated from the document


@schema.parametrize()
@bounded(40)
def test_every_operation_with_a_live_key(case: Any, live_key: str) -> None:
    # All of schemathesis' checks: no 5xx, documented status codes, content types and
    # bodies, data the document forbids is refused and data it allows is not.
    case.call_and_validate(headers=bearer(live_key))


@schema.parametrize()
@bounded(10)
def test_every_operation_refuses_a_missing_or_dead_key(
    case: Any, bad_credentials: dict[str, str]
) -> None:
    if case.headers and not bad_credentials:
        case.headers.pop("Authorization", None)  # schemathesis fills in an empty bearer
    response = case.call_and_validate(headers=bad_credentials)
    if case.method.upper() != case.operation.method.upper():
        assert response.status_code == 405  # schemathesis tries the other methods too
        return
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == ["Bearer"]
    assert "API 키" in json.loads(response.content)["detail"]


@schema.parametrize()
@bounded(10)
def test_a_key_without_the_scope_is_refused(case: Any, alice: Any) -> None:
    scope = "orders:read" if case.method == "POST" else "orders:write"
    response = case.call_and_validate(headers=bearer(new_key(alice, [scope])))
    if "authorization" not in {name.lower() for name in response.request.headers}:
        assert response.status_code == 401  # a case schemathesis sends without credentials
    elif case.method.upper() == case.operation.method.upper():
        assert response.status_code == 403


# ------------------------------------------------------------------ realistic orders

# Random text rarely makes a valid phone number, so the generated cases above almost never
# store an order or read one back; these draw from values sellers really send.
PHONES = ["010-2345-6789", "01098765432", "+82 10-2222-3333", "02-123-4567", "0505-123-4567"]
DATES = ["2026-03-01T10:00:00+09:00", "2026-03-01T01:00:00Z", "2026-03-01 10:05:00", "2026.03.01"]
NUMBERS = ["P-1", "P-2", "P-3", "2024060112345678"]


def _maybe(values: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(values), st.just(""), st.text(max_size=10))


recipients = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["홍길동", "김민준", "", "Lee Seo-yeon"]),
        "phone1": _maybe(PHONES),
        "postcode": _maybe(["06236", "6236", "135-080"]),
        "address_base": st.sampled_from(["서울특별시 강남구 테헤란로 123", "부산 해운대구", ""]),
        "address_detail": st.sampled_from(["4층", "", "101동 1001호"]),
        "message": st.sampled_from(["문 앞", "주민번호 900101-1234567 확인", ""]),
        "customs_code": st.sampled_from(["", "P123456789012", "P12"]),
    }
)
orders = st.fixed_dictionaries(
    {
        "marketplace": st.sampled_from([*Marketplace.values, "", "gmarket"]),
        "order_no": st.sampled_from(["A-1", "A-2", ""]),
        "product_order_no": st.sampled_from([*NUMBERS, ""]),
        "recipient": recipients,
    },
    optional={
        "quantity": st.integers(1, 100_000),
        "amount": st.one_of(st.none(), st.integers(0, 10**12)),
        "ordered_at": _maybe(DATES),
        "paid_at": _maybe(DATES),
        "shipped_at": _maybe(DATES),
        "courier": st.sampled_from(["CJ대한통운", "우체국택배", ""]),
        "tracking_no": st.sampled_from(["6543-2109-8765", "", "x"]),
        "status": st.sampled_from(["결제완료", "배송중", ""]),
    },
)


@given(batch=st.lists(orders, min_size=1, max_size=6), frozen=st.booleans())
@bounded(30)
def test_realistic_pushes_and_reads_conform(
    live_key: str, batch: list[dict[str, Any]], frozen: bool, monkeypatch: Any
) -> None:
    response = PUSH.Case(body={"orders": batch}, media_type="application/json").call_and_validate(
        headers=bearer(live_key)
    )
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["accepted"] + body["rejected"] == len(batch)
    assert body["accepted"] == body["new"] + body["updated"] + body["unchanged"]
    # A recipient under a pending correction or deletion is withheld (C6-03): that
    # answer has to conform too.
    checkers = list(pushing.freeze_checkers)
    if frozen:
        monkeypatch.setattr(pushing, "freeze_checkers", [*checkers, set])
    for number in dict.fromkeys(o["product_order_no"] for o in batch if o["product_order_no"]):
        for marketplace in ("", "api", "coupang"):
            query = {"marketplace": marketplace} if marketplace else {}
            read = READ.Case(path_parameters={"product_order_no": number}, query=query)
            answer = read.call_and_validate(headers=bearer(live_key))
            assert answer.status_code in (200, 404, 409)
            if answer.status_code == 200:
                out = json.loads(answer.content)
                assert out["recipient_withheld"] is (frozen and out["recipient"] is None)
    monkeypatch.setattr(pushing, "freeze_checkers", checkers)


def test_the_realistic_pushes_store_and_read_back_orders(live_key: str) -> None:
    """The strategies above reach the paths they are for: stored orders, a 409 between
    marketplaces, a masked recipient."""
    batch = [
        {"marketplace": m, "order_no": "A-1", "product_order_no": "P-1", "recipient": r}
        for m, r in (
            ("api", {"name": "홍길동", "phone1": PHONES[0], "address_base": "서울 강남구"}),
            ("coupang", {"name": "김민준", "phone1": PHONES[1], "address_base": "부산 해운대구"}),
        )
    ]
    pushed = PUSH.Case(body={"orders": batch}, media_type="application/json").call_and_validate(
        headers=bearer(live_key)
    )
    assert json.loads(pushed.content)["new"] == 2 and Order.objects.count() == 2
    both = READ.Case(path_parameters={"product_order_no": "P-1"}).call_and_validate(
        headers=bearer(live_key)
    )
    assert both.status_code == 409
    one = READ.Case(
        path_parameters={"product_order_no": "P-1"}, query={"marketplace": "coupang"}
    ).call_and_validate(headers=bearer(live_key))
    recipient = json.loads(one.content)["recipient"]
    assert recipient["name"] == "김*준" and "98765432" not in recipient["phone1"]
