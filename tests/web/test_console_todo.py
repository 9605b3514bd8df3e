"""What waits on people, on their first screen: the operator console counts the open data
subjects' requests (and those past their 10-day due date), members' open complaints, open
privacy-desk tickets, destruction waiting for approval and last month's access-record review;
a seller's home counts its own open requests. Each count opens its queue, and a role sees
only the counts it can act on."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from jikim import clock
from jikim.accounts.models import Tenant
from jikim.audit import actions as audit_actions
from jikim.audit import review
from jikim.cases.actions import complaints
from jikim.policy import actions as policy_actions
from jikim.rights import actions as rights_actions
from jikim.rights.models import Channel, Kind
from tests.audit.support import make_operator

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def _card(page: str, name: str) -> tuple[str, str, str]:
    card = rf'<a class="(stat[^"]*)" href="([^"]+)" data-testid="{name}">'
    found = re.search(card + r"<b>([^<]+)</b><span>([^<]*)</span>", page)
    assert found, f"no {name} card"
    return (
        found.group(3),
        found.group(4),
        found.group(2) + (" warn" if "warn" in found.group(1) else ""),
    )


def _requests(alice) -> None:
    tenant = Tenant.objects.get(slug="alice")
    common = {
        "channel": Channel.EMAIL,
        "requester_name": "요구인",
        "requester_contact": "r@example.com",
    }
    with time_machine.travel(clock.now() - 15 * DAY, tick=False):  # 10 days have passed since
        rights_actions.do_receive(
            None, kind=Kind.ACCESS, subjects=["r_late"], tenant=tenant, **common
        )
    rights_actions.do_receive(None, kind=Kind.ACCESS, subjects=["r_new"], tenant=tenant, **common)


def test_the_officer_sees_every_clock_and_each_opens_its_queue(alice, login) -> None:
    officer = make_operator("officer", "privacy_officer")
    _requests(alice)
    complaints.do_file_complaint(alice, title="탈퇴 처리 문의", body="탈퇴가 되지 않아요")
    policy_actions.do_submit_inquiry(
        None, kind="inquiry", name="문의인", email="q@example.com", phone="", message="보관 기간?"
    )
    client = login(officer)
    page = client.get("/console/").content.decode()
    number, label, link = _card(page, "todo-rights")
    assert (number, label) == ("2", "처리 중인 정보주체 요구 · 기한 지남 1건")
    assert link == "/console/rights/ warn"
    assert _card(page, "todo-complaints")[:2] == ("1", "처리 중인 회원 민원")
    assert _card(page, "todo-inquiries")[:2] == ("1", "종결되지 않은 개인정보 문의")
    assert _card(page, "todo-approvals")[0] == "0"
    month = review.previous_month()
    assert _card(page, "todo-review")[:2] == (
        "미완료",
        f"{month.year}년 {month.month}월 접속기록 검토",
    )
    for href in re.findall(r'href="([^"]+)" data-testid="todo-', page):
        assert client.get(href.replace("&amp;", "&")).status_code == 200, href
    assert 'href="/console/rights/">정보주체 요구</a>' in page  # in the console's own menu

    audit_actions.do_sign_review(officer, month)
    assert _card(client.get("/console/").content.decode(), "todo-review")[0] == "완료"


def test_cs_staff_see_the_queues_they_work(alice, login) -> None:
    staff = make_operator("cs", "cs_staff")
    _requests(alice)
    page = login(staff).get("/console/").content.decode()
    assert _card(page, "todo-rights")[0] == "2"
    assert 'data-testid="todo-complaints"' in page
    for officer_only in ("todo-inquiries", "todo-approvals", "todo-review"):
        assert f'data-testid="{officer_only}"' not in page


def test_a_seller_home_counts_its_own_requests(alice, bob, login, staff_of_alice) -> None:
    _requests(alice)
    page = login(alice).get("/t/alice/").content.decode()
    number, label, link = _card(page, "stat-rights")
    assert (number, label, link) == (
        "2",
        "처리 중인 정보주체 요구 · 기한 지남 1건",
        "/t/alice/rights/ warn",
    )
    assert 'href="/t/alice/rights/">정보주체 요구</a>' in page  # and in the menu
    assert _card(login(bob).get("/t/bob/").content.decode(), "stat-rights")[0] == "0"
    viewer = login(staff_of_alice("viewer")).get("/t/alice/").content.decode()
    assert 'data-testid="stat-rights"' not in viewer


def test_an_operator_without_a_queue_sees_no_to_do_list(login) -> None:
    admin = make_operator("sysadmin", "admin")
    page = login(admin).get("/console/").content.decode()
    assert "판매자" in page and "할 일" not in page and 'data-testid="todo"' not in page
