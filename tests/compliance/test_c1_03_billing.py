"""C1-03: service delivery and billing — the seller chooses a plan, the month's invoice is
issued, paid and shown as a receipt; the pages are the owner's alone, masked, and bad
input gets a Korean error without a 500."""

import pytest

from jikim import clock
from jikim.accounts.models import Tenant
from jikim.accounts.roles import TenantRole
from jikim.audit.models import AccessRecord
from jikim.billing.models import Invoice, InvoiceStatus, Payment, Plan, Subscription
from tests.audit.support import make_operator
from tests.billing import helpers

pytestmark = pytest.mark.django_db


def _now_local() -> str:
    return f"{clock.local(clock.now()):%Y-%m-%d %H:%M}"


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_c1_03_plan_invoice_bank_transfer_and_receipt_through_the_pages(alice, login) -> None:
    staff = helpers.staff()
    desk, owner = login(staff), login(alice)
    assert (
        desk.post("/console/billing/plans/", {"name": "기본", "monthly_price": "30000"}).status_code
        == 302
    )
    plan = Plan.objects.get(name="기본")
    page = owner.get("/t/alice/billing/")
    assert page.status_code == 200 and "기본" in page.content.decode()
    chosen = owner.post("/t/alice/billing/plan/", {"plan": plan.pk}, follow=True)
    assert Subscription.objects.get(tenant__slug="alice").agreed_by == alice
    assert "요금제에 가입했습니다: 기본" in _messages(chosen), "a first choice is no change"

    response = desk.post(
        "/console/billing/issue/", {"month": helpers.month_of(clock.now())}, follow=True
    )
    assert "1건을 발행" in _messages(response)
    invoice = Invoice.objects.get(tenant__slug="alice")
    total = f"{invoice.total:,}원"  # the first month, billed by the day from today
    page = owner.get(f"/t/alice/billing/invoices/{invoice.pk}/").content.decode()
    assert total in page and invoice.number in page and 'data-testid="bank-transfer"' in page

    response = desk.post(
        f"/console/billing/invoices/{invoice.pk}/confirm/",
        {
            "amount": str(invoice.total),
            "paid_at": _now_local(),
            "depositor_name": helpers.PAYER,
            "payer_phone": "010-5555-6666",
        },
        follow=True,
    )
    assert "수납 처리" in _messages(response)

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    receipt = owner.get(f"/t/alice/billing/invoices/{invoice.pk}/").content.decode()
    assert "영수증" in receipt and "완납" in receipt and total in receipt
    assert 'data-testid="bank-transfer"' not in receipt
    console = desk.get(f"/console/billing/invoices/{invoice.pk}/").content.decode()
    for page in (receipt, console):
        assert helpers.PAYER not in page and helpers.PAYER_PHONE not in page, "masked by default"
    assert "홍*동" in console and "010-****-6666" in console
    shown = AccessRecord.objects.filter(
        actor_id=alice.pk, action="list", subjects=[invoice.subject]
    )
    assert shown.exists(), "showing the payer (even masked) is an access record"


def test_c1_03_billing_is_the_owners_alone(alice, bob, charlie, login, staff_of_alice) -> None:
    invoice, _ = helpers.paid_invoice(alice)
    bobs, _ = helpers.paid_invoice(bob)
    urls = ["/t/alice/billing/", f"/t/alice/billing/invoices/{invoice.pk}/"]
    for url in urls:
        assert login(alice).get(url).status_code == 200
        assert login(charlie).get(url).status_code == 404, "a stranger learns nothing"
    assert login(alice).get(f"/t/alice/billing/invoices/{bobs.pk}/").status_code == 404
    assert login(charlie).post("/t/alice/billing/plan/", {"plan": 1}).status_code == 404
    for role in (TenantRole.MANAGER, TenantRole.CS_AGENT, TenantRole.VIEWER):
        member = staff_of_alice(role)
        for url in urls:
            assert login(member).get(url).status_code == 403, role
    assert "요금·결제" in login(alice).get("/t/alice/").content.decode()


def test_c1_03_the_operator_desk_is_for_billing_staff(alice, login) -> None:
    officer = make_operator("officer_c", "privacy_officer")
    invoice, _ = helpers.paid_invoice(alice)
    assert login(alice).get("/console/billing/").status_code == 404
    assert login(officer).get("/console/billing/").status_code == 403
    desk = login(helpers.staff())
    for url in (
        "/console/billing/?status=all",
        f"/console/billing/invoices/{invoice.pk}/",
        "/console/billing/tenants/",
        "/console/billing/plans/",
    ):
        assert desk.get(url).status_code == 200, url
    assert desk.get("/console/billing/invoices/999999/").status_code == 404


def test_c1_03_bad_input_on_the_pages_gets_korean_errors_and_changes_nothing(alice, login) -> None:
    desk, owner = login(helpers.staff()), login(alice)
    tenant = helpers.subscribe(alice)
    invoice = helpers.issue(tenant)
    cases = [
        (owner, "/t/alice/billing/plan/", {"plan": "999999"}, "요금제를 선택"),
        (owner, "/t/alice/billing/plan/", {"plan": "abc"}, "요금제를 선택"),
        (desk, "/console/billing/issue/", {"month": "2026-1"}, "YYYY-MM"),
        (desk, "/console/billing/issue/", {"month": ""}, "이용월을 입력"),
        (
            desk,
            f"/console/billing/invoices/{invoice.pk}/confirm/",
            {"amount": "천원", "paid_at": _now_local(), "depositor_name": "홍"},
            "숫자",
        ),
        (
            desk,
            f"/console/billing/invoices/{invoice.pk}/confirm/",
            {"amount": "50000", "paid_at": _now_local(), "depositor_name": "홍"},
            "남은 청구액",
        ),
        (
            desk,
            f"/console/billing/invoices/{invoice.pk}/confirm/",
            {"amount": "1000", "paid_at": "내일", "depositor_name": "홍"},
            "입금일시",
        ),
        (
            desk,
            f"/console/billing/invoices/{invoice.pk}/confirm/",
            {"amount": "1000", "paid_at": _now_local(), "payer_phone": "12"},
            "입금자명",
        ),
        (desk, f"/console/billing/invoices/{invoice.pk}/cancel/", {"reason": ""}, "사유"),
        (desk, "/console/billing/tenants/alice/end/", {"reason": ""}, "사유"),
        (desk, "/console/billing/plans/", {"name": "x", "monthly_price": "-1"}, "0원 이상"),
    ]
    for client, url, data, message in cases:
        response = client.post(url, data, follow=True)
        assert response.status_code == 200, url
        assert message in response.content.decode(), (url, data)
    assert not Payment.objects.exists()
    assert Invoice.objects.get().status == InvoiceStatus.ISSUED
    assert Tenant.objects.get(slug="alice").contract_ended_at is None
    assert desk.post("/console/billing/payments/999999/refund/", {}).status_code == 404
    assert desk.get("/console/billing/invoices/1/confirm/").status_code == 405


def test_c1_03_ending_a_contract_twice_is_refused(alice, login) -> None:
    desk = login(helpers.staff())
    helpers.subscribe(alice)
    first = desk.post("/console/billing/tenants/alice/end/", {"reason": "해지 요청"}, follow=True)
    second = desk.post("/console/billing/tenants/alice/end/", {"reason": "또"}, follow=True)
    assert "계약을 해지했습니다" in first.content.decode()
    assert "이미 해지된 계약" in second.content.decode()
    tenant = Tenant.objects.get(slug="alice")
    assert tenant.contract_ended_at is not None
    assert Subscription.objects.get(tenant=tenant).ended_at == tenant.contract_ended_at
    page = login(alice).get("/t/alice/billing/").content.decode()
    assert "해지되었습니다" in page and 'action="/t/alice/billing/plan/"' not in page
