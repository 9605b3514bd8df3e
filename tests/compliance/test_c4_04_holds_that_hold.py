"""C4-03, C4-04: a hold keeps data past its period until released — so it must be on data
that exists, and its release must say why. A hold typed on an id no stored data carries
(a typo) is refused, not accepted while the real data is destroyed; releasing needs a
reason, kept on the hold and in the access record; the page shows placed and released
times, and links the case or request behind a hold."""

import datetime as dt

import pytest
import time_machine

from jikim.audit.models import AccessRecord
from jikim.policy.models import VisitRecord
from jikim.retention import actions
from jikim.retention.models import Hold, HoldKind
from jikim.retention.subjects import Standing, standing
from jikim.rights import actions as rights_actions
from jikim.rights.models import Channel
from jikim.vault import access
from tests.cases.helpers import member_complaint
from tests.retention.helpers import T0, seller_with_orders
from tests.retention.test_pages import _operator

pytestmark = pytest.mark.django_db
HOLDS = "/console/retention/holds/"


def _place(client, subject: str, **extra: str):
    return client.post(
        HOLDS, {"kind": "dispute", "subject": subject, "reason": "소비자 분쟁 접수", **extra}
    )


def test_c4_04_a_hold_on_an_id_no_data_carries_is_refused(login) -> None:
    officer = login(_operator("privacy_officer"))
    response = _place(officer, "r_doesnotexist")
    html = response.content.decode()
    assert response.status_code == 200
    assert "이 정보주체 ID를 가진 데이터가 없습니다" in html
    assert "보존 조치를 등록했습니다" not in html
    assert not Hold.objects.exists()
    assert not AccessRecord.objects.filter(action="retention.hold").exists()


def test_c4_04_a_hold_on_data_already_destroyed_is_refused(alice, login) -> None:
    with time_machine.travel(T0, tick=False):
        party = seller_with_orders(alice)[0]
    access.shred([party.subject], actor=access.SYSTEM, reason="test")
    html = _place(login(_operator("privacy_officer")), party.subject).content.decode()
    assert "이미 파기되어" in html and not Hold.objects.exists()


def test_c4_04_holds_on_stored_data_are_accepted(alice, login) -> None:
    with time_machine.travel(T0, tick=False):
        party = seller_with_orders(alice)[0]
    officer = login(_operator("privacy_officer"))
    assert _place(officer, party.subject).status_code == 302  # a recipient
    assert _place(officer, f" {alice.subject} ").status_code == 302  # a member, spaces cut
    assert set(Hold.objects.values_list("subject", flat=True)) == {party.subject, alice.subject}
    # Data with no data key (visit records carry random ids, no vault field) counts too.
    VisitRecord.objects.create(visitor="v_1", day="visit_20270503", started_at=T0, last_at=T0)
    assert standing("visit_20270503") is Standing.STORED
    assert standing("visit_20270504") is Standing.UNKNOWN
    # Code that places holds on rows it holds is not asked to prove them again.
    actions.do_place_hold(None, kind=HoldKind.DISPUTE, subject=party.subject, reason="분쟁")


def test_c4_04_release_needs_a_reason_kept_with_the_hold_and_times_shown(alice, login) -> None:
    with time_machine.travel(T0, tick=False):
        party = seller_with_orders(alice)[0]
    officer = login(_operator("privacy_officer"))
    placed = dt.datetime(2026, 1, 5, 3, 7, tzinfo=dt.UTC)
    with time_machine.travel(placed, tick=False):
        hold = actions.do_place_hold(
            None, kind=HoldKind.DISPUTE, subject=party.subject, reason="분쟁 접수"
        )
    refused = officer.post(f"{HOLDS}{hold.pk}/release/", {"reason": "  "}, follow=True)
    assert "해제 사유를 입력하세요" in refused.content.decode()
    hold.refresh_from_db()
    assert hold.active
    with pytest.raises(Exception, match="해제 사유"):
        actions.do_release_hold(None, hold, reason="")
    released = dt.datetime(2026, 2, 1, 14, 30, tzinfo=dt.UTC)
    with time_machine.travel(released, tick=False):
        officer.post(f"{HOLDS}{hold.pk}/release/", {"reason": "분쟁 종결 (조정 성립)"})
    hold.refresh_from_db()
    assert hold.released_at == released and hold.release_reason == "분쟁 종결 (조정 성립)"
    record = AccessRecord.objects.get(action="retention.hold_release")
    assert record.reason == "분쟁 종결 (조정 성립)"
    html = officer.get(HOLDS).content.decode()
    # Korean time, to the minute: 03:07 UTC is 12:07, 14:30 UTC is 23:30 in Seoul.
    assert "2026-01-05 12:07" in html and "2026-02-01 23:30" in html
    assert "사유: 분쟁 종결 (조정 성립)" in html


def test_c4_04_a_hold_links_the_case_or_request_behind_it(alice, login) -> None:
    with time_machine.travel(T0, tick=False):
        party = seller_with_orders(alice)[0]
    officer = login(_operator("privacy_officer"))
    case = member_complaint(alice)
    assert _place(officer, party.subject, reference="case:999999").status_code == 200
    assert not Hold.objects.exists()  # a reference to nothing is refused too
    assert _place(officer, party.subject, reference=f"case:{case.pk}").status_code == 302
    request = rights_actions.do_receive(
        None,
        kind="access",
        channel=Channel.EMAIL,
        subjects=[alice.subject],
        requester_name="요구인",
        requester_contact="r@example.com",
        member=alice,
    )
    assert Hold.objects.filter(reference=f"request:{request.pk}").exists()
    html = officer.get(HOLDS).content.decode()
    assert f'href="/console/cases/{case.pk}/"' in html and f"회원 민원 {case.number}" in html
    assert f'href="/console/rights/{request.pk}/"' in html
    assert f"정보주체 요구 #{request.pk}" in html
