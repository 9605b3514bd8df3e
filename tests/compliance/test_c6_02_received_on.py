"""C6-02: a request that came by post, e-mail or fax is entered with the day it was
received, and its 10-day clock counts from that day, not from the day it was typed in."""

import datetime as dt

import pytest
import time_machine

from jikim import clock
from jikim.audit.models import AccessRecord
from jikim.rights.models import Request
from tests.audit.support import make_operator

pytestmark = pytest.mark.django_db
# 2026-04-10 10:00 in Seoul.
NOW = dt.datetime(2026, 4, 10, 1, 0, tzinfo=dt.UTC)


def _enter(client, received_on: str | None) -> str:
    data = {
        "channel": "written",
        "kind": "access",
        "login_id": "alice",
        "name": "앨리스",
        "contact": "alice@example.com",
        "details": "우편으로 받은 열람 요구서",
        "agent_type": "",
    }
    if received_on is not None:
        data["received_on"] = received_on
    response = client.post("/console/rights/new/", data)
    return response.content.decode() if response.status_code == 200 else ""


def test_c6_02_letter_received_days_ago_counts_from_its_receipt(alice, login) -> None:
    officer = make_operator("officer", "privacy_officer")
    with time_machine.travel(NOW, tick=False):
        client = login(officer)
        form = client.get("/console/rights/new/").content.decode()
        assert "접수일" in form and 'value="2026-04-10"' in form, "defaults to today"
        assert _enter(client, "2026-04-06") == ""
        req = Request.objects.get()
        assert clock.local(req.received_at).date() == dt.date(2026, 4, 6)
        assert clock.local(req.due_at).date() == dt.date(2026, 4, 16), "10 days from receipt"
        assert req.days_left() == 6
        page = client.get(f"/console/rights/{req.pk}/").content.decode()
    assert "2026-04-16 (6일 남음)" in page and "2026-04-06" in page
    first = req.events.order_by("pk").first()
    assert "접수일 2026-04-06 (등록 2026-04-10)" in first.note, "the entry date is on record too"
    received = AccessRecord.objects.get(action="rights.received", detail__request=req.pk)
    assert received.detail["received_on"] == "2026-04-06"


def test_c6_02_received_on_defaults_to_today_and_is_bounded(alice, login) -> None:
    officer = make_operator("officer", "privacy_officer")
    with time_machine.travel(NOW, tick=False):
        client = login(officer)
        html = _enter(client, "2026-04-11")
        assert "접수일은 오늘보다 뒤일 수 없습니다" in html
        html = _enter(client, "2026-03-10")
        assert "접수일은 30일 전까지만 입력할 수 있습니다" in html
        assert not Request.objects.exists()
        assert _enter(client, "2026-03-11") == "", "30 days ago is accepted"
        assert _enter(client, None) == "", "left empty: today"
        oldest, today = Request.objects.order_by("pk")
    assert clock.local(oldest.due_at).date() == dt.date(2026, 3, 21)
    assert today.received_at == NOW and today.due_at == NOW + dt.timedelta(days=10)
