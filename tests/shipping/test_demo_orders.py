"""`jikim seed_demo` gives the demo seller made-up orders, imported the way a seller's own
Smartstore download is: customers to search, an import report with its masked
identifiers, nothing of it in plaintext in the database, and only once."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from jikim.accounts.models import Tenant
from jikim.shipping import demo
from jikim.shipping.models import ImportBatch, Order, Party
from tests.dbscan import database_bytes
from tests.vaulthelp import plain


@pytest.mark.django_db(transaction=True)  # reads the database files as a copy would be read
def test_seed_demo_imports_searchable_orders_once(capsys, login) -> None:
    call_command("seed_demo")
    out = capsys.readouterr().out
    tenant = Tenant.objects.get(slug="demo")
    (batch,) = ImportBatch.objects.filter(tenant=tenant)
    assert batch.format_id == "smartstore_v2" and batch.new_rows == demo.ROWS
    assert Order.objects.filter(tenant=tenant).count() == demo.ROWS
    assert not Order.objects.filter(tenant__slug="demo2").exists()
    shipped = Order.objects.filter(tenant=tenant, shipment__tracking_no__gt="")
    assert shipped.count() == demo.ROWS - demo.SHIPPED_FROM_ROW > 0
    assert f"뒤 4자리 {demo.SEARCH_HINT}" in out and f"/t/demo/imports/{batch.pk}/" in out

    # The needless identifiers the file carries were masked and reported, not stored.
    assert batch.identifiers_masked == 2
    messages = [plain(p, "message") for p in Party.objects.filter(tenant=tenant)]
    assert "문 앞에 놓아 주세요 (주민번호 900101-1******)" in messages
    assert "카드 ****-****-****-1111 로 결제했어요" in messages
    stored = database_bytes() + database_bytes("keyring")
    for raw in ("900101-1234560", "9001011234560", "4111-1111-1111-1111", "4111111111111111"):
        assert raw not in " ".join(messages) and raw.encode() not in stored

    from jikim.accounts.models import Member

    seller = login(Member.objects.get(login_id="demo"))
    page = seller.post("/t/demo/orders/", {"q": demo.SEARCH_HINT}).content.decode()
    assert "검색 결과 0건" not in page and f"****-{demo.SEARCH_HINT}" in page
    report = seller.get(f"/t/demo/imports/{batch.pk}/").content.decode()
    assert "주민등록번호로 보이는 값" in report and "카드번호로 보이는 값" in report

    # Two CS cases about its orders, still open: the home page counts them.
    assert "고객 CS 민원 2건" in out
    home = seller.get("/t/demo/").content.decode()
    assert 'data-testid="stat-cases"><b>2</b>' in home
    call_command("seed_demo")
    again = capsys.readouterr().out
    assert "예시 주문" not in again and "고객 CS 민원" not in again
    assert tenant.cases.count() == 2
    # Plans to choose on the billing page, made once.
    assert "요금제 2개" in out and "요금제" not in again
    billing = seller.get("/t/demo/billing/").content.decode()
    assert "베이직 (월 29,000원, 부가세 별도 · 포함 31,900원)" in billing
    assert "프로 (월 59,000원, 부가세 별도 · 포함 64,900원)" in billing
    assert ImportBatch.objects.filter(tenant=tenant).count() == 1
    assert Order.objects.filter(tenant=tenant).count() == demo.ROWS
