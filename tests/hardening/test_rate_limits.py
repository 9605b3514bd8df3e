"""Rate limits on the public data-subject request page, its confirmation code and the push
API: a clear refusal (429 with Retry-After, in Korean on pages, the API's error schema on
the API), recorded once per window without the limited value itself."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from jikim import clock
from jikim.accounts.models import Member, Tenant
from jikim.audit.models import AccessRecord
from jikim.rights import actions as rights_actions
from jikim.rights.models import Channel, Request, State
from jikim.rights.views import SIGNER_SALT
from jikim.shipping import apikeys
from jikim.web import ratelimit
from jikim.web.models import RateCount
from jikim.web.ratelimit import Limit

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 1, 0, 0, tzinfo=dt.UTC)  # on a ten-minute boundary
ORDER_NO = "2026030112345"
PHONE = "01098765432"


def _form(order_no: str = ORDER_NO, phone: str = PHONE) -> dict[str, str]:
    return {
        "order_no": order_no,
        "phone": phone,
        "kind": "access",
        "name": "요구인",
        "email": "asker@example.com",
    }


def _submit(ip: str, **form: str) -> Any:
    return Client(REMOTE_ADDR=ip).post("/rights/", _form(**form))


def _refusals() -> list[AccessRecord]:
    return list(AccessRecord.objects.filter(action=ratelimit.REFUSED).order_by("seq"))


def _assert_no_values(record: AccessRecord, *values: str) -> None:
    text = json.dumps(record.detail, ensure_ascii=False) + " ".join(record.subjects)
    for value in values:
        assert value not in text, f"{value!r} is in the refusal record"


def _refused_page(response: Any) -> str:
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    return response.content.decode()


# --- the public request form ----------------------------------------------------------


def test_request_form_is_limited_per_ip(settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "rights_request_ip": "10/600"}
    with clock.frozen(T0 + dt.timedelta(seconds=30)):
        for n in range(10):  # a different order number each time: only the IP counts
            assert _submit("203.0.113.7", order_no=f"99{n}").status_code == 200
        refused = _submit("203.0.113.7", order_no="998")
        page = _refused_page(refused)
        assert "요청이 너무 많습니다" in page and "10분 후에" in page
        assert refused["Retry-After"] == "570"
        assert _submit("203.0.113.7").status_code == 429, "still refused in the same window"
        assert _submit("198.51.100.2").status_code == 200, "another IP is not affected"
        assert Client(REMOTE_ADDR="203.0.113.7").get("/rights/").status_code == 200
    with clock.frozen(T0 + dt.timedelta(seconds=600)):
        assert _submit("203.0.113.7").status_code == 200, "a new window, a new allowance"
    records = _refusals()
    assert len(records) == 1, "one record per key and window, however many refusals"
    assert records[0].detail["limit"] == "rights_request_ip"
    _assert_no_values(records[0], "203.0.113.7", ORDER_NO, PHONE)


def test_request_form_is_limited_per_order_number() -> None:
    with clock.frozen(T0):
        for n in range(5):  # five IPs, one order number: someone trying phone numbers
            response = _submit(f"192.0.2.{n}", phone=f"0101234000{n}")
            assert response.status_code == 200
            assert "찾지 못했습니다" in response.content.decode()
        page = _refused_page(_submit("192.0.2.99", phone="01012340099"))
        assert "요청이 너무 많습니다" in page
        assert _submit("192.0.2.99", order_no="2026030199999").status_code == 200
    (record,) = _refusals()
    assert record.detail["limit"] == "rights_request_target"
    _assert_no_values(record, ORDER_NO, "01012340099", "192.0.2.99")


# --- the confirmation code ------------------------------------------------------------


def _pending_request(alice: Member) -> tuple[Request, str, str]:
    from django.core import signing

    tenant = Tenant.objects.get(slug="alice")
    req = rights_actions.do_receive(
        None,
        kind="access",
        channel=Channel.PUBLIC_PAGE,
        subjects=["r_ratelimit"],
        requester_name="요구인",
        requester_contact="asker@example.com",
        tenant=tenant,
        needs_identity_check=True,
    )
    code = rights_actions.do_send_confirmation(None, req)
    return req, code, signing.dumps(req.pk, salt=SIGNER_SALT)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_five_wrong_codes_use_up_a_request(alice: Member) -> None:
    req, code, token = _pending_request(alice)
    other, other_code, other_token = _pending_request(alice)
    with clock.frozen(T0):
        for n in range(5):  # from five addresses: the count is the request's
            client = Client(REMOTE_ADDR=f"192.0.2.{n}")
            response = client.post(f"/rights/confirm/{token}/", {"code": _wrong(code)})
            assert response.status_code == 200
            assert "확인 코드가 맞지 않습니다" in response.content.decode()
        # The sixth try is refused even with the right code: guessing must not go on.
        refused = Client(REMOTE_ADDR="192.0.2.50").post(f"/rights/confirm/{token}/", {"code": code})
        page = _refused_page(refused)
        assert "더 이상 코드로 확인할 수 없습니다" in page
        req.refresh_from_db()
        assert req.state == State.IDENTITY_CHECK
        # Another request is not affected, and a right code still confirms it.
        ok = Client(REMOTE_ADDR="192.0.2.50").post(
            f"/rights/confirm/{other_token}/", {"code": other_code}
        )
        assert ok.status_code == 200
    other.refresh_from_db()
    assert other.state == State.IN_PROGRESS
    (record,) = _refusals()
    assert record.detail["limit"] == "rights_code_failures" and record.tenant_id == req.tenant_id
    _assert_no_values(record, code, "192.0.2.50")


def test_code_attempts_are_limited_per_ip(alice: Member, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "rights_confirm_ip": "3/600"}
    tokens = [_pending_request(alice) for _ in range(4)]
    client = Client(REMOTE_ADDR="203.0.113.9")
    with clock.frozen(T0):
        for _, code, token in tokens[:3]:  # one wrong code each: no request is used up
            response = client.post(f"/rights/confirm/{token}/", {"code": _wrong(code)})
            assert response.status_code == 200
        _, code, token = tokens[3]
        page = _refused_page(client.post(f"/rights/confirm/{token}/", {"code": code}))
        assert "요청이 너무 많습니다" in page
        assert client.get(f"/rights/confirm/{token}/").status_code == 200, "reading is free"
    (record,) = _refusals()
    assert record.detail["limit"] == "rights_confirm_ip"


# --- the push API ---------------------------------------------------------------------


def _get(key: str) -> Any:
    return Client().get("/api/v1/orders/P-404", HTTP_AUTHORIZATION=f"Bearer {key}")


def test_push_api_is_limited_per_key_and_the_refusal_recorded(alice: Member, settings) -> None:
    settings.JIKIM_API_RATE_PER_MINUTE = 3
    tenant = Tenant.objects.get(slug="alice")
    key_row, key = apikeys.do_create_api_key(alice, tenant, "연동", ["orders:read"])
    with clock.frozen(T0 + dt.timedelta(seconds=45)):
        for _ in range(3):
            assert _get(key).status_code == 404
        for _ in range(3):
            refused = _get(key)
            assert refused.status_code == 429
            assert refused["Retry-After"] == "15"
            body = refused.json()
            assert set(body) <= {"detail", "errors"} and "잠시 후" in body["detail"]
    with clock.frozen(T0 + dt.timedelta(seconds=60)):
        assert _get(key).status_code == 404
    (record,) = _refusals()
    assert record.tenant_id == tenant.pk and record.detail["limit"] == "api_key"
    _assert_no_values(record, key, key_row.prefix)


def test_refused_api_calls_are_documented_in_the_schema() -> None:
    spec = Client().get("/api/openapi.json").json()
    for path in spec["paths"].values():
        for operation in path.values():
            assert "429" in operation["responses"], operation["operationId"]


# --- settings ---------------------------------------------------------------------------


def test_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from jikim import envconfig

    monkeypatch.setenv("JIKIM_RATE_RIGHTS_REQUEST_IP", "20/300")
    assert envconfig.rate("JIKIM_RATE_RIGHTS_REQUEST_IP", "10/600") == "20/300"
    monkeypatch.setenv("JIKIM_RATE_RIGHTS_REQUEST_IP", "")
    assert envconfig.rate("JIKIM_RATE_RIGHTS_REQUEST_IP", "10/600") == "10/600"
    for bad in ("20", "20/0", "many/60", "-1/60"):
        monkeypatch.setenv("JIKIM_RATE_RIGHTS_REQUEST_IP", bad)
        with pytest.raises(ImproperlyConfigured):
            envconfig.rate("JIKIM_RATE_RIGHTS_REQUEST_IP", "10/600")


def test_limit_keys_are_keyed_hashes() -> None:
    digest = ratelimit.keyed(f"rights_request_target:{ORDER_NO}")
    assert re.fullmatch(r"[0-9a-f]{32}", digest) and ORDER_NO not in digest
    assert digest != ratelimit.keyed(f"rights_request_ip:{ORDER_NO}")


def test_a_week_long_window_keeps_its_count_for_the_week() -> None:
    limit = Limit("code_failures_test", 5, 7 * 86400)
    with clock.frozen(T0):
        assert [ratelimit.hit(limit, "request:7") for _ in range(5)] == [None] * 5
    with clock.frozen(T0 + dt.timedelta(days=2)):  # the same window (weeks start on Thursdays)
        assert ratelimit.exhausted(limit, "request:7") is not None
        assert ratelimit.hit(limit, "request:7") is not None


def test_counts_are_forgotten_once_their_window_ends() -> None:
    limit = Limit("forget_test", 5, 600)
    with clock.frozen(T0):
        ratelimit.hit(limit, "203.0.113.9")
        assert RateCount.objects.count() == 1
        assert ratelimit.forget_ended() == 0
        (row,) = RateCount.objects.all()
        assert "203.0.113.9" not in row.key
    with clock.frozen(T0 + dt.timedelta(seconds=600)):
        assert ratelimit.forget_ended() == 1
        assert not RateCount.objects.exists()
        # A process deletes ended windows on its own, at most once a minute.
        ratelimit.hit(limit, "203.0.113.9")
    with clock.frozen(T0 + dt.timedelta(seconds=1200)):
        ratelimit._forgotten_at["monotonic"] = float("-inf")
        ratelimit.hit(limit, "198.51.100.7")
        assert [r.key.split(":")[1] for r in RateCount.objects.all()] == [
            ratelimit.keyed("forget_test:198.51.100.7")
        ]


def test_the_daily_sweep_deletes_ended_counts_of_a_quiet_service() -> None:
    from jikim.retention import sweep

    with clock.frozen(T0):
        ratelimit.hit(Limit("quiet_test", 5, 600), "203.0.113.9")
    with clock.frozen(T0 + dt.timedelta(days=1)):
        report = sweep.run()
    assert report.ended_rate_counts == 1 and not RateCount.objects.exists()


def test_the_privacy_contact_form_is_limited_per_address_and_the_refusal_recorded(
    settings,
) -> None:
    from jikim.policy.models import Inquiry
    from tests.compliance.test_c10_01_privacy_desk import FORM

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "privacy_contact_ip": "2/3600"}
    client = Client()
    for _ in range(2):
        assert client.post("/privacy/contact/", FORM).status_code == 302
    refused = client.post("/privacy/contact/", FORM)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "접수가 너무 많습니다" in refused.content.decode()
    assert Inquiry.objects.count() == 2, "the refused inquiry is not taken"
    record = AccessRecord.objects.get(action=ratelimit.REFUSED)
    assert record.detail["limit"] == "privacy_contact_ip"
    assert "127.0.0.1" not in json.dumps(record.detail) and record.ip != ""
    other = Client(REMOTE_ADDR="203.0.113.7")
    assert other.post("/privacy/contact/", FORM).status_code == 302, "another address may"
