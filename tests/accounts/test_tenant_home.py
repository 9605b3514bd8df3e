"""The seller's home page: counts that are the order list's own (each card opens the list
showing the same number), open CS cases, uploads waiting to be saved, and the shipping data
the sweep destroys within the week — each shown only to roles that can act on it."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
import time_machine
from django.test import Client

from jikim.accounts.models import Tenant
from jikim.cases.actions import complaints, results
from jikim.cases.models import CaseStatus, Channel
from jikim.retention import actions as retention_actions
from jikim.retention import rules
from jikim.retention.models import HoldKind
from jikim.shipping import actions
from jikim.shipping.models import BatchStatus, Order, Party, Shipment
from tests.shipping import marketplace_files as files
from tests.shipping.test_import_flow import _import

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 10, 3, 0, tzinfo=dt.UTC)  # 12:00 in Korea
DAY = dt.timedelta(days=1)


def _card(page: str, name: str) -> tuple[int, str]:
    found = re.search(
        rf'<a class="stat" href="([^"]+)" data-testid="stat-{name}"><b>(\d+)</b>', page
    )
    assert found, f"no {name} card"
    return int(found.group(2)), html.unescape(found.group(1))


def _listed(client: Client, url: str) -> int:
    page = client.get(url).content.decode()
    found = re.search(r"(?:조건에 맞는 주문|전체 주문) (\d+)건", page)
    assert found, url
    return int(found.group(1))


def _home(client: Client) -> str:
    response = client.get("/t/alice/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_cards_count_what_the_order_list_shows_behind_them(alice, login) -> None:
    with time_machine.travel(NOW - 3 * DAY, tick=False):
        _import(alice, files.smartstore_xlsx())
    orders = list(Order.objects.filter(tenant__slug="alice").order_by("pk"))
    assert len(orders) >= 3
    # Two ordered today in Korea (one just after midnight there), one the evening before.
    Order.objects.filter(pk=orders[0].pk).update(ordered_at=NOW - dt.timedelta(hours=2))
    Order.objects.filter(pk=orders[1].pk).update(
        ordered_at=dt.datetime(2026, 3, 9, 15, 5, tzinfo=dt.UTC)
    )
    Order.objects.filter(pk=orders[2].pk).update(
        ordered_at=dt.datetime(2026, 3, 9, 14, 55, tzinfo=dt.UTC)
    )
    Shipment.objects.update_or_create(
        order=orders[0], defaults={"tenant_id": orders[0].tenant_id, "tracking_no": "1234"}
    )
    with time_machine.travel(NOW, tick=False):
        client = login(alice)
        page = _home(client)
        today, today_url = _card(page, "today")
        waiting, waiting_url = _card(page, "waiting")
        assert today == 2 == _listed(client, today_url)
        untracked = [
            o
            for o in orders
            if not Shipment.objects.filter(order=o).exclude(tracking_no="").exists()
        ]
        assert waiting == len(untracked) == _listed(client, waiting_url)
        assert 0 < waiting < len(orders)
    assert "곧 이 화면에서" not in page  # the page promised features instead of showing them
    assert '<span class="badge">대표</span>' in page
    assert 'action="/t/alice/orders/"' in page and 'name="q"' in page


def test_open_cases_are_received_and_investigating_ones(alice, login, staff_of_alice) -> None:
    _import(alice, files.smartstore_xlsx())
    tenant = Tenant.objects.get(slug="alice")
    order = Order.objects.filter(tenant=tenant).first()

    def case(title: str):
        return complaints.do_receive_seller_case(
            alice,
            tenant,
            order,
            title=title,
            body="상자가 찌그러져 왔어요",
            channel=Channel.PHONE,
            identity_confirmed=True,
            from_recipient=True,
        )

    case("접수만 됨")
    complaints.do_transition(alice, case("조사 중"), CaseStatus.INVESTIGATING)
    answered = complaints.do_transition(alice, case("답변함"), CaseStatus.INVESTIGATING)
    results.do_answer(alice, answered, result="교환해 드렸습니다.")
    client = login(alice)
    count, url = _card(_home(client), "cases")
    assert (count, url) == (2, "/t/alice/cases/?status=open")
    listed = client.get(url).content.decode()
    assert "접수만 됨" in listed and "조사 중" in listed and "답변함" not in listed
    # A read-only member handles no cases: no card to a page that would refuse them.
    assert 'data-testid="stat-cases"' not in _home(login(staff_of_alice("viewer")))


def test_uploads_waiting_to_be_saved_are_listed_for_those_who_import(
    alice, login, staff_of_alice
) -> None:
    tenant = Tenant.objects.get(slug="alice")
    batch = actions.do_receive_upload(
        alice, tenant, data=files.smartstore_xlsx(), filename="3월_발주.xlsx", password=None
    )
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PREVIEWED, batch.problems
    page = _home(login(alice))
    assert f'href="/t/alice/imports/{batch.pk}/">3월_발주.xlsx</a>' in page
    assert "3월_발주.xlsx" not in _home(login(staff_of_alice("cs_agent")))
    actions.do_commit(alice, batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED
    assert "3월_발주.xlsx" not in _home(login(alice))


def test_the_week_ahead_of_destruction_is_counted_for_the_owner(
    alice, login, staff_of_alice
) -> None:
    with time_machine.travel(NOW - 100 * DAY, tick=False):
        _import(alice, files.smartstore_xlsx())
    parties = list(Party.objects.filter(tenant__slug="alice").order_by("pk"))
    soon, later = parties[0], parties[1]
    for party, delivered in ((soon, NOW - 85 * DAY), (later, NOW - 60 * DAY)):
        Shipment.objects.update_or_create(
            order_id=party.order_id,
            defaults={"tenant_id": party.tenant_id, "delivered_at": delivered},
        )
    with time_machine.travel(NOW, tick=False):
        client = login(alice)
        # Delivered 85 days ago: due in 5 days under the default 90. The undelivered ones
        # arrived 100 days ago: due at 180.
        assert "파기되는 수취인·보내는 분 정보: 1건" in _home(client)
        retention_actions.do_place_hold(
            alice, kind=HoldKind.DISPUTE, reason="분쟁 접수", subject=soon.subject
        )
        assert "파기되는 수취인·보내는 분 정보: 0건" in _home(client)
        manager_page = _home(login(staff_of_alice("manager")))
    assert 'data-testid="due-soon"' not in manager_page


def test_after_the_contract_ends_the_week_ahead_counts_every_recipient(alice, login) -> None:
    with time_machine.travel(NOW - 100 * DAY, tick=False):
        _import(alice, files.smartstore_xlsx())
    total = Party.objects.filter(tenant__slug="alice").count()
    notice = rules.rule("seller_contract_end").due(NOW) - NOW
    Tenant.objects.filter(slug="alice").update(contract_ended_at=NOW - notice + 2 * DAY)
    with time_machine.travel(NOW, tick=False):
        page = _home(login(alice))
    assert f"파기되는 수취인·보내는 분 정보: {total}건" in page
    assert 'data-testid="contract-ended"' in page
