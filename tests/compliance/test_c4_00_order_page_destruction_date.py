"""The seller's order page says when the order's recipient and sender details are destroyed
(C4-00), and the day it names is the day the sweep destroys them: counted from delivery or
purchase confirmation with the seller's own period, from the order when neither is known,
and never while a hold stands."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from jikim import clock
from jikim.accounts.models import Tenant
from jikim.retention import actions, rules, sweep
from jikim.retention.models import HoldKind, LedgerEntry
from jikim.shipping.models import Order, Party
from tests.retention.helpers import T0, alive, deliver, seller_with_orders

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
MINUTE = dt.timedelta(minutes=1)


def _page(login, member, party: Party, at: dt.datetime) -> str:
    with time_machine.travel(at, tick=False):
        response = login(member).get(f"/t/alice/orders/{party.order_id}/")
    assert response.status_code == 200
    found = re.search(r'data-testid="destroy-on">(.*?)</p>', response.content.decode(), re.S)
    assert found, "the page names no destruction date"
    return found.group(1)


def _named_day(text: str) -> dt.date:
    found = re.search(r"<b>(\d{4}-\d{2}-\d{2})</b>", text)
    assert found, text
    return dt.date.fromisoformat(found.group(1))


def _sweep(at: dt.datetime) -> None:
    with time_machine.travel(at, tick=False):
        sweep.run()


def test_c4_00_the_order_page_names_the_day_the_sweep_destroys_a_delivered_recipient(
    alice, login
) -> None:
    with time_machine.travel(T0, tick=False):
        party = seller_with_orders(alice)[0]
    deliver(party, T0 + DAY, confirmed=T0 + 3 * DAY)
    actions.do_set_shipping_days(alice, Tenant.objects.get(slug="alice"), 30)
    text = _page(login, alice, party, T0 + 4 * DAY)
    due = T0 + 3 * DAY + 30 * DAY  # the later of delivery and confirmation, plus 30 days
    assert "구매확정 후 30일" in text
    assert _named_day(text) == clock.local(due).date()
    _sweep(due - MINUTE)
    assert alive(party)
    _sweep(due + MINUTE)
    assert not alive(party)


def test_c4_00_an_undelivered_order_is_counted_from_its_order_or_its_arrival(alice, login) -> None:
    # The sample file's orders were placed in 2024 and uploaded at T0: counted from the
    # upload, an old order is not destroyed the night it arrives — and the ledger's due date
    # is that same day, not the order's, so the record shows no late destruction.
    with time_machine.travel(T0, tick=False):
        party = seller_with_orders(alice)[0]
    order = Order.objects.get(pk=party.order_id)
    assert order.ordered_at is not None and order.ordered_at < order.created_at
    due = order.created_at + 180 * DAY
    text = _page(login, alice, party, T0 + DAY)
    assert "배송완료·구매확정 기록이 아직 없어" in text and "180일" in text
    assert _named_day(text) == clock.local(due).date()
    _sweep(due - MINUTE)
    assert alive(party)
    _sweep(due + MINUTE)
    assert not alive(party)
    entry = LedgerEntry.objects.get(rule="shipping_purpose_met")
    assert entry.due_to == due and party.subject in entry.subjects
    assert dt.timedelta(0) <= entry.done_at - entry.due_to < 5 * DAY


def test_c4_04_a_held_recipient_is_shown_as_held_and_kept(alice, login) -> None:
    with time_machine.travel(T0, tick=False):
        party = seller_with_orders(alice)[0]
    deliver(party, T0)
    actions.do_place_hold(alice, kind=HoldKind.DISPUTE, reason="분쟁 접수", subject=party.subject)
    text = _page(login, alice, party, T0 + DAY)
    assert "보류" in text and "<b>" not in text
    _sweep(T0 + 120 * DAY)
    assert alive(party)


def test_c4_00_after_the_contract_ends_the_page_names_the_end_of_the_notice(alice, login) -> None:
    with time_machine.travel(T0, tick=False):
        party = seller_with_orders(alice)[0]
    deliver(party, T0)
    Tenant.objects.filter(slug="alice").update(contract_ended_at=T0 + DAY)
    due = rules.rule("seller_contract_end").due(T0 + DAY)
    assert due < T0 + 90 * DAY, "the notice ends before the recipient's own period"
    text = _page(login, alice, party, T0 + 2 * DAY)
    assert "계약이 종료되어" in text and _named_day(text) == clock.local(due).date()
    _sweep(due - MINUTE)
    assert alive(party)
    _sweep(due + MINUTE)
    assert not alive(party)
