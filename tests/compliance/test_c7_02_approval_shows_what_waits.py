"""C7-02 with approval required: before approving, the privacy officer sees what waits —
per rule and per seller, with counts, due dates and legal basis — and approves all of it or
one group; only what was shown is approved, and who approved when is on the ledger."""

import datetime as dt

import pytest
import time_machine

from jikim.audit.models import AccessRecord
from jikim.retention import sweep
from jikim.retention.models import DestructionItem, ItemStatus, LedgerEntry
from tests.retention.helpers import T0, alive, deliver, seller_with_orders
from tests.retention.test_pages import _operator

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
FORECAST = "/console/retention/?days=30"


def _waiting(tenant_slug: str) -> list[DestructionItem]:
    return list(
        DestructionItem.objects.filter(
            status=ItemStatus.AWAITING_APPROVAL, tenant_id__in=_tenant_ids(tenant_slug)
        )
    )


def _tenant_ids(slug: str) -> list[int]:
    from jikim.accounts.models import Tenant

    return [Tenant.objects.get(slug=slug).pk]


def test_c7_02_the_officer_sees_per_rule_and_seller_what_waits_and_approves_a_group(
    alice, charlie, login, settings
) -> None:
    settings.RETENTION_REQUIRE_APPROVAL = True
    with time_machine.travel(T0, tick=False):
        alice_parties = seller_with_orders(alice)
        charlie_parties = seller_with_orders(charlie)
    deliver(alice_parties[0], T0)
    deliver(alice_parties[1], T0 + 2 * DAY)
    deliver(charlie_parties[0], T0)
    first = T0 + 93 * DAY
    with time_machine.travel(first, tick=False):
        assert sweep.run().awaiting_approval == 3
        officer_member = _operator("privacy_officer")
        officer = login(officer_member)
        page = officer.get(FORECAST).content.decode()
    assert "승인을 기다리는 파기 3건" in page
    table = page.split('data-testid="waiting"')[1].split("</table>")[0]
    assert table.count("<tr>") == 3  # header, alice, charlie
    alice_row = next(r for r in table.split("<tr>") if "<td>alice</td>" in r)
    assert "판매자 배송 데이터" in alice_row and "<td>2</td>" in alice_row
    assert "2026-04-05 ~ 2026-04-07" in alice_row  # the due range, in Korean dates
    assert "처리 목적(배송·민원 처리) 달성 후" in alice_row  # the legal basis
    assert "<td>charlie</td>" in table

    # Approving alice's group approves only it, and only what was shown.
    group = alice_row.split('name="group" value="')[1].split('"')[0]
    upto = alice_row.split('name="upto" value="')[1].split('"')[0]
    approved_at = first + dt.timedelta(minutes=5)
    with time_machine.travel(approved_at, tick=False):
        officer.post("/console/retention/approve/", {"group": group, "upto": upto})
    assert not _waiting("alice") and len(_waiting("charlie")) == 1
    approved = DestructionItem.objects.filter(approved_by="op_privacy_officer")
    assert approved.count() == 2 and {i.approved_at for i in approved} == {approved_at}
    record = AccessRecord.objects.get(action="retention.approve")
    assert record.detail["items"] == 2 and record.detail["rule"] == "shipping_purpose_met"

    # "Approve all" covers what the page showed; work planned after it waits.
    with time_machine.travel(first, tick=False):
        shown_upto = (
            officer.get(FORECAST).content.decode().split('name="upto" value="')[-1].split('"')[0]
        )
    deliver(charlie_parties[1], T0)
    with time_machine.travel(first + DAY, tick=False):
        sweep.run()  # destroys alice's two, plans charlie's second
        officer = login(officer_member)  # a console session lasts hours, not days
        officer.post("/console/retention/approve/", {"upto": shown_upto})
    assert [i.subject for i in _waiting("charlie")] == [charlie_parties[1].subject]
    with time_machine.travel(first + 2 * DAY, tick=False):
        sweep.run()
    assert not alive(alice_parties[0]) and not alive(charlie_parties[0])
    assert alive(charlie_parties[1]), "never shown to the officer: still waiting"
    entries = LedgerEntry.objects.filter(rule="shipping_purpose_met").order_by("done_at")
    assert [e.approved_at for e in entries] == [approved_at, first + DAY]
    assert all(e.approver == "op_privacy_officer" for e in entries)
    ledger = login(officer_member).get("/console/retention/ledger/").content.decode()
    # Shown in Korean time, to the minute.
    assert f"{(approved_at + dt.timedelta(hours=9)):%Y-%m-%d %H:%M}" in ledger


def test_c7_02_an_approval_without_what_was_shown_approves_nothing(alice, login, settings) -> None:
    settings.RETENTION_REQUIRE_APPROVAL = True
    with time_machine.travel(T0, tick=False):
        parties = seller_with_orders(alice)
    deliver(parties[0], T0)
    with time_machine.travel(T0 + 91 * DAY, tick=False):
        sweep.run()
        officer = login(_operator("privacy_officer"))
        page = officer.post("/console/retention/approve/", follow=True).content.decode()
    assert "승인할 목록을 확인한 뒤" in page
    assert len(_waiting("alice")) == 1
