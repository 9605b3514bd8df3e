"""C5-02: the payment gateway Inicis is the entrusted processor for card and account-transfer
payments, and card data is not stored by the service. C5-03: the processor table of the
policy is the data the code runs on.

The Inicis adapter is exercised against a local stand-in (tests/billing/inicis_standin.py),
not the live service: its field names and signatures are not verified against Inicis."""

import hashlib
import re

import pytest
from django.core import checks
from django.test import Client

from jikim.billing import forms as billing_forms
from jikim.billing import gateways, inicis, models, processors
from jikim.billing.checks import check_gateways
from jikim.billing.models import AttemptStatus, InvoiceStatus, Payment, PaymentAttempt
from jikim.policy import document
from tests.billing import helpers
from tests.billing.inicis_standin import (
    FULL_CARD_NUMBER,
    TEST_MID,
    TEST_SIGN_KEY,
    inicis_standin_fixture,  # noqa: F401 - provides the `inicis_standin` fixture
    published_auth_signature,
)
from tests.vaulthelp import plain

pytestmark = pytest.mark.django_db
CARDISH = re.compile(r"card|cvc|cvv|expir|pan$|카드번호", re.IGNORECASE)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _start(owner_client: Client, invoice) -> tuple[PaymentAttempt, dict[str, str]]:
    response = owner_client.post(
        f"/t/alice/billing/invoices/{invoice.pk}/inicis/",
        {"payer_name": helpers.PAYER, "payer_phone": "010-5555-6666"},
    )
    assert response.status_code == 200, response
    assert response["Cache-Control"] == "no-store"
    return response.context["attempt"], dict(response.context["start"].fields)


def _return(result: dict[str, str], into: Client | None = None):
    # Inicis posts from its own domain: no session cookie (SameSite=Lax), no CSRF token.
    # It must work anyway. `into`: the payer's browser, which keeps the message cookie.
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/billing/inicis/return/", result)
    if into is not None:
        into.cookies.update(browser.cookies)
    return response


def test_c5_02_inicis_is_the_listed_processor_the_code_checks_against() -> None:
    listed = processors.for_gateway("inicis")
    assert listed is not None and listed.name == "이니시스"
    assert listed.task == "계좌이체 결제, 신용카드결제"
    assert "별도로 저장하지 않음" in listed.retention
    assert gateways.known()["inicis"].entrusted
    assert not gateways.known()["bank_transfer"].entrusted


def test_c5_03_an_unlisted_processor_stops_the_gateway(settings) -> None:
    settings.BILLING_GATEWAYS = ["bank_transfer", "inicis"]
    settings.INICIS_MID, settings.INICIS_SIGN_KEY = TEST_MID, TEST_SIGN_KEY
    assert not [e for e in check_gateways() if e.id.startswith("billing.")]
    text = document.source_text()
    without = re.sub(r"\[\[processors\]\][^\[]*", "", text)
    assert "[[processors]]" not in without
    with document.loaded_from(without):
        errors = check_gateways()
    assert [e.id for e in errors] == ["billing.E002"]
    assert all(isinstance(e, checks.Error) for e in errors)
    settings.BILLING_GATEWAYS = ["bank_transfer", "paypal"]
    assert [e.id for e in check_gateways()] == ["billing.E001"]


def test_c5_02_the_request_carries_the_documented_signatures(alice, login, inicis_standin) -> None:
    invoice = helpers.issue(helpers.subscribe(alice))
    attempt, fields = _start(login(alice), invoice)
    oid, price, ts = fields["oid"], fields["price"], fields["timestamp"]
    assert (oid, price) == (attempt.oid, "33000") and ts.isdigit() and len(ts) == 13
    assert fields["signature"] == _sha(f"oid={oid}&price={price}&timestamp={ts}")
    assert fields["verification"] == _sha(
        f"oid={oid}&price={price}&signKey={TEST_SIGN_KEY}&timestamp={ts}"
    )
    assert fields["mKey"] == _sha(TEST_SIGN_KEY)
    assert fields["mid"] == TEST_MID and fields["use_chkfake"] == "Y"
    assert fields["returnUrl"].endswith("/billing/inicis/return/")
    assert fields["buyername"] == helpers.PAYER and fields["buyertel"] == helpers.PAYER_PHONE
    assert not [name for name in fields if CARDISH.search(name)], "no card field is ever sent"


@pytest.mark.parametrize("digit", list("0123456789"))
def test_c5_02_the_approval_signature_recipe_for_every_timestamp_digit(digit) -> None:
    tstamp = "176400000000" + digit
    ours = inicis.auth_signature(mid="INIpayTest", tstamp=tstamp, moid="JK1", tot_price="33000")
    assert ours == published_auth_signature("INIpayTest", tstamp, "JK1", "33000")


def test_c5_02_a_verified_card_payment_is_recorded_without_card_data(
    alice, login, inicis_standin
) -> None:
    invoice = helpers.issue(helpers.subscribe(alice))
    browser = login(alice)
    attempt, _ = _start(browser, invoice)
    result = inicis_standin.authenticate(attempt)
    response = _return(result, into=browser)
    assert response.status_code == 302
    assert response.url == f"/t/alice/billing/invoices/{invoice.pk}/"
    assert inicis_standin.bad_requests == [], "our approval request was signed correctly"
    assert len(inicis_standin.approvals) == 1 and inicis_standin.cancels == []
    payment = Payment.objects.get()
    assert (payment.method, payment.gateway, payment.amount) == ("card", "inicis", 33_000)
    assert payment.reference.startswith("StdpayCARD")
    assert plain(payment, "payer_name") == helpers.PAYER
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.APPROVED and attempt.payment == payment
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    stored = [str(v) for row in Payment.objects.values() for v in row.values()]
    stored += [str(v) for row in PaymentAttempt.objects.values() for v in row.values()]
    assert not any(FULL_CARD_NUMBER in v for v in stored)
    receipt = browser.get(response.url).content.decode()
    assert "결제가 완료되었습니다" in receipt
    assert "영수증" in receipt and "신용카드" in receipt
    assert FULL_CARD_NUMBER not in receipt and helpers.PAYER not in receipt


@pytest.mark.parametrize(
    ("canned", "message", "cancelled"),
    [
        ({"tamper": True}, "위변조 검증", True),
        ({"pay_method": "HPP"}, "지원하지 않는 결제 수단", True),
        ({"result_code": "R201"}, "승인되지 않았습니다", False),
    ],
)
def test_c5_02_an_unacceptable_approval_is_refused(
    alice, login, inicis_standin, canned, message, cancelled
) -> None:
    invoice = helpers.issue(helpers.subscribe(alice))
    browser = login(alice)
    attempt, _ = _start(browser, invoice)
    response = _return(inicis_standin.authenticate(attempt, **canned), into=browser)
    follow = browser.get(response.url)
    assert message in follow.content.decode()
    assert not Payment.objects.exists()
    assert bool(inicis_standin.cancels) is cancelled, "a taken payment is net-cancelled"
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.FAILED


def test_c5_02_an_approved_amount_other_than_signed_is_cancelled(
    alice, login, inicis_standin
) -> None:
    invoice = helpers.issue(helpers.subscribe(alice))
    attempt, _ = _start(login(alice), invoice)
    result = inicis_standin.authenticate(attempt)
    inicis_standin.canned[result["authToken"]].price = 100
    _return(result)
    assert not Payment.objects.exists() and len(inicis_standin.cancels) == 1


def test_c5_02_an_auth_url_from_the_browser_is_never_called(alice, login, inicis_standin) -> None:
    invoice = helpers.issue(helpers.subscribe(alice))
    attempt, _ = _start(login(alice), invoice)
    result = inicis_standin.authenticate(attempt)
    result["authUrl"] = "http://127.0.0.1:9/steal"
    _return(result)
    result = inicis_standin.authenticate(attempt)
    result["idc_name"] = "fc"  # not one of this installation's endpoints
    _return(result)
    assert inicis_standin.approvals == [] and not Payment.objects.exists()


def test_c5_02_a_declined_window_or_a_foreign_order_makes_no_call(
    alice, login, inicis_standin
) -> None:
    invoice = helpers.issue(helpers.subscribe(alice))
    attempt, _ = _start(login(alice), invoice)
    declined = inicis_standin.authenticate(attempt) | {"resultCode": "V802", "resultMsg": "취소"}
    _return(declined)
    attempt, _ = _start(login(alice), invoice)
    foreign = inicis_standin.authenticate(attempt) | {"mid": "SOMEONEELS"}
    _return(foreign)
    unknown = inicis_standin.authenticate(attempt) | {"orderNumber": "JKNOSUCH"}
    assert _return(unknown).url == "/"
    assert inicis_standin.approvals == [] and not Payment.objects.exists()


def test_c5_02_a_broken_approval_call_is_cancelled(alice, login, inicis_standin) -> None:
    inicis_standin.broken = True
    invoice = helpers.issue(helpers.subscribe(alice))
    attempt, _ = _start(login(alice), invoice)
    _return(inicis_standin.authenticate(attempt))
    assert not Payment.objects.exists() and len(inicis_standin.cancels) == 1


def test_c5_02_a_replayed_return_is_refused(alice, login, inicis_standin) -> None:
    invoice = helpers.issue(helpers.subscribe(alice))
    attempt, _ = _start(login(alice), invoice)
    result = inicis_standin.authenticate(attempt)
    _return(result)
    _return(result)
    assert Payment.objects.count() == 1 and len(inicis_standin.approvals) == 1


def test_c5_02_an_approval_that_cannot_be_recorded_is_cancelled(
    alice, login, inicis_standin
) -> None:
    invoice = helpers.issue(helpers.subscribe(alice))
    browser = login(alice)
    attempt, _ = _start(browser, invoice)
    helpers.pay_by_bank(invoice)  # paid another way while the window was open
    response = _return(inicis_standin.authenticate(attempt), into=browser)
    assert "이미 완납" in browser.get(response.url).content.decode()
    assert Payment.objects.count() == 1 and len(inicis_standin.cancels) == 1


def test_c5_02_no_model_or_form_of_billing_has_a_place_for_card_data() -> None:
    names = [
        f.name
        for m in (getattr(models, n) for n in dir(models))
        if hasattr(m, "_meta")
        for f in m._meta.get_fields()
    ]
    names += [
        name
        for form in vars(billing_forms).values()
        if isinstance(form, type) and hasattr(form, "base_fields")
        for name in form.base_fields
    ]
    assert names and not [n for n in names if CARDISH.search(n)]


def test_c5_02_card_numbers_posted_to_our_forms_are_dropped(alice, login, inicis_standin) -> None:
    invoice = helpers.issue(helpers.subscribe(alice))
    response = login(alice).post(
        f"/t/alice/billing/invoices/{invoice.pk}/inicis/",
        {
            "payer_name": helpers.PAYER,
            "payer_phone": "01055556666",
            "card_number": FULL_CARD_NUMBER,
            "cardnum": FULL_CARD_NUMBER,
        },
    )
    assert FULL_CARD_NUMBER not in response.content.decode()
    login(helpers.staff()).post(
        f"/console/billing/invoices/{invoice.pk}/confirm/",
        {
            "amount": "33000",
            "paid_at": "2026-01-01 10:00",
            "depositor_name": "홍길동",
            "card_number": FULL_CARD_NUMBER,
        },
    )
    stored = [
        str(v)
        for m in (Payment, PaymentAttempt)
        for row in m.objects.values()
        for v in row.values()
    ]
    assert Payment.objects.count() == 1 and not any(FULL_CARD_NUMBER in v for v in stored)


def test_c5_02_inicis_pages_render_fields_and_leave_the_script_to_production(
    alice, login, inicis_standin
) -> None:
    invoice = helpers.issue(helpers.subscribe(alice))
    page = login(alice).get(f"/t/alice/billing/invoices/{invoice.pk}/").content.decode()
    assert 'data-testid="inicis"' in page and "지킴으로 전달되지 않습니다" in page
    response = login(alice).post(
        f"/t/alice/billing/invoices/{invoice.pk}/inicis/",
        {"payer_name": helpers.PAYER, "payer_phone": "01055556666"},
    )
    html = response.content.decode()
    assert 'name="signature"' in html and 'id="inicis-form"' in html
    assert "stdjs/INIStdPay.js" not in html and 'data-testid="inicis-script-note"' in html
    bad = login(alice).post(
        f"/t/alice/billing/invoices/{invoice.pk}/inicis/", {"payer_name": "", "payer_phone": "12"}
    )
    text = bad.content.decode()
    assert "결제자 이름을 입력하세요" in text and "숫자로 입력하세요" in text
    assert Client().get("/billing/inicis/close/").status_code == 200
    assert Client().get("/billing/inicis/return/").status_code == 405


def test_c5_02_inicis_is_refused_where_it_is_not_enabled(alice, login, settings) -> None:
    settings.BILLING_GATEWAYS = ["bank_transfer"]
    invoice = helpers.issue(helpers.subscribe(alice))
    page = login(alice).get(f"/t/alice/billing/invoices/{invoice.pk}/").content.decode()
    assert 'data-testid="inicis"' not in page
    response = login(alice).post(
        f"/t/alice/billing/invoices/{invoice.pk}/inicis/",
        {"payer_name": helpers.PAYER, "payer_phone": "01055556666"},
        follow=True,
    )
    assert "사용할 수 없는 결제 수단" in response.content.decode()
    assert not PaymentAttempt.objects.exists()
