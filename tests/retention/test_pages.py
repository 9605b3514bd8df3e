"""The privacy officer's retention desk and the seller's own period setting."""

import datetime as dt

import pytest
import time_machine
from allauth.mfa.models import Authenticator

from jikim.accounts import actions as account_actions
from jikim.retention import sweep
from jikim.retention.models import Hold, TenantRetention
from tests.conftest import create_member
from tests.retention.helpers import T0, deliver, seller_with_orders
from tests.vaulthelp import plain

pytestmark = pytest.mark.django_db


def _operator(role: str):
    member = create_member(f"op_{role}")
    account_actions.do_set_operator_role(None, member, role)
    Authenticator.objects.create(user=member, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return member


def test_officer_sees_forecast_places_and_releases_a_hold(alice, login) -> None:
    officer = login(_operator("privacy_officer"))
    with time_machine.travel(T0, tick=False):
        parties = seller_with_orders(alice)
    deliver(parties[0], dt.datetime.now(dt.UTC) - dt.timedelta(days=80))
    page = officer.get("/console/retention/?days=30").content.decode()
    assert "판매자 배송 데이터" in page and "C4-00" in page
    response = officer.post(
        "/console/retention/holds/",
        {
            "kind": "dispute",
            "subject": parties[0].subject,
            "reason": "소비자 분쟁 접수",
            "document": "",
        },
    )
    assert response.status_code == 302
    hold = Hold.objects.get()
    assert "보존 중" in officer.get("/console/retention/?days=30").content.decode()
    officer.post(f"/console/retention/holds/{hold.pk}/release/")  # no reason: refused
    hold.refresh_from_db()
    assert hold.released_at is None
    officer.post(f"/console/retention/holds/{hold.pk}/release/", {"reason": "분쟁 종결"})
    hold.refresh_from_db()
    assert hold.released_at is not None and hold.release_reason == "분쟁 종결"


def test_hold_form_errors_are_korean(login) -> None:
    officer = login(_operator("privacy_officer"))
    html = officer.post(
        "/console/retention/holds/", {"kind": "legal", "subject": "m_x", "reason": "보존"}
    ).content.decode()
    assert "근거 문서가 필요합니다" in html
    html = officer.post(
        "/console/retention/holds/", {"kind": "dispute", "reason": "x"}
    ).content.decode()
    assert "하나만 입력하세요" in html


def test_ledger_csv_has_no_personal_data(alice, login) -> None:
    officer = login(_operator("privacy_officer"))
    with time_machine.travel(T0, tick=False):
        parties = seller_with_orders(alice)
    names = [plain(p, "name") for p in parties]
    for p in parties:
        deliver(p, T0)
    with time_machine.travel(T0 + dt.timedelta(days=91), tick=False):
        sweep.run()
    csv_text = officer.get("/console/retention/ledger/?format=csv").content.decode("utf-8-sig")
    assert parties[0].subject in csv_text and "판매자 배송 데이터" in csv_text
    assert not any(n in csv_text for n in names)


def test_only_the_privacy_officer_runs_the_desk(alice, login) -> None:
    cs = login(_operator("cs_staff"))
    assert cs.get("/console/retention/").status_code == 403
    assert login(alice).get("/console/retention/").status_code == 404


def test_seller_owner_shortens_the_period_charlie_gets_404(
    alice, charlie, staff_of_alice, login
) -> None:
    client = login(alice)
    assert client.post("/t/alice/settings/retention/", {"days": "30"}).status_code == 302
    assert TenantRetention.objects.get(tenant__slug="alice").shipping_days == 30
    html = client.post("/t/alice/settings/retention/", {"days": "400"}).content.decode()
    assert "90일" in html
    page = client.get("/t/alice/settings/retention/").content.decode()
    assert "구매확정 중 늦은 날로부터 <b>30일</b>" in page and "기본값은 90일" in page
    assert "지킴에 들어온 날로부터 180일" in page  # orders never delivered
    assert login(charlie).get("/t/alice/settings/retention/").status_code == 404
    assert login(staff_of_alice("manager")).get("/t/alice/settings/retention/").status_code == 403


def test_c7_02_overdue_work_is_marked_with_its_real_due_date(alice, login) -> None:
    """Work past its due date is listed today (the next sweep does it) but never passed off
    as due today: the line says it is late and since when. The CLI says the same, and the
    rules table names the period of orders never delivered."""
    import io

    from django.core.management import call_command

    officer = login(_operator("privacy_officer"))
    with time_machine.travel(T0, tick=False):
        parties = seller_with_orders(alice)
    late = dt.datetime.now(dt.UTC) - dt.timedelta(days=130)  # 90 days: due 40 days ago
    deliver(parties[0], late)
    # The others were never delivered: due 180 days after they arrived (T0), also past.
    kst = dt.timezone(dt.timedelta(hours=9))
    expected = min(late + dt.timedelta(days=90), T0 + dt.timedelta(days=180)).astimezone(kst)
    page = officer.get("/console/retention/?days=30").content.decode()
    assert 'data-testid="overdue"' in page
    assert f"가장 이른 기한 {expected:%Y-%m-%d}" in page
    assert "배송 완료·구매확정 기록이 없는 주문" in page and "180일" in page
    out = io.StringIO()
    call_command("retention_forecast", "--days", "30", stdout=out)
    assert f"기한 지남: 가장 이른 기한 {expected:%Y-%m-%d}" in out.getvalue()
