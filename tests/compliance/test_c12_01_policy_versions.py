"""C12-01: a new version takes effect on its effective date and is announced on the
notice board at least 7 days before; earlier versions stay readable (with a diff)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from jikim.accounts.models import Member
from jikim.audit.models import AccessRecord
from jikim.policy import document, versions
from jikim.policy.models import Notice, PolicyVersion
from tests.audit.support import make_operator
from tests.policy.support import DAY, changed, officer, publish

pytestmark = pytest.mark.django_db

MOMENT = dt.datetime(2027, 3, 2, 1, 0, tzinfo=dt.UTC)  # 10:00 in Korea
EFFECTIVE = versions.start_of_day(dt.date(2027, 3, 10))  # 7 days 14 hours later
TWO_YEARS = (
    'trigger = "member.withdrawn"\nperiod = "1y"',
    'trigger = "member.withdrawn"\nperiod = "2y"',
)
NEXT = "2027-03-10"


def _next_text() -> str:
    return changed(TWO_YEARS, version=NEXT)


def _publish(actor: Member) -> PolicyVersion:
    with time_machine.travel(MOMENT, tick=False):
        return publish(actor, _next_text(), effective_at=EFFECTIVE)


def _page(at: dt.datetime, path: str = "/privacy/") -> str:
    with time_machine.travel(at, tick=False):
        response = Client().get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_c12_01_an_effective_date_less_than_7_days_after_publication_is_refused() -> None:
    actor = officer()
    with time_machine.travel(MOMENT, tick=False):
        for too_soon in (MOMENT + 3 * DAY, MOMENT + 7 * DAY - dt.timedelta(minutes=1)):
            with pytest.raises(ValidationError) as refused:
                publish(actor, _next_text(), effective_at=too_soon)
            assert "공지일로부터 7일 이후여야 합니다" in refused.value.messages[0]
            assert "2027-03-10" in refused.value.messages[0]  # the earliest day it could be
        assert not PolicyVersion.objects.filter(label=NEXT).exists()
        assert not Notice.objects.exists()
        published = publish(actor, _next_text(), effective_at=MOMENT + 7 * DAY)
    assert published.effective_at - published.published_at == 7 * DAY


def test_c12_01_the_new_version_takes_effect_on_its_effective_date() -> None:
    published = _publish(officer())
    before = _page(EFFECTIVE - dt.timedelta(minutes=1))
    assert "버전 2026-11-01" in before and "탈퇴 후 1년" in before
    assert "탈퇴 후 2년" not in before  # the next version is announced, not yet in force
    assert 'data-testid="policy-upcoming"' in before and NEXT in before
    notice = published.notices.get()
    assert f"/notices/{notice.pk}/" in before
    after = _page(EFFECTIVE)
    assert "버전 2027-03-10" in after and "탈퇴 후 2년" in after
    assert 'data-testid="policy-upcoming"' not in after
    years_later = _page(EFFECTIVE + 800 * DAY)
    assert "버전 2027-03-10" in years_later
    with time_machine.travel(EFFECTIVE - DAY, tick=False):
        assert versions.in_force().label == "2026-11-01"
    with time_machine.travel(EFFECTIVE, tick=False):
        assert versions.in_force().label == NEXT


def test_c12_01_announced_on_the_notice_board_at_least_7_days_before() -> None:
    published = _publish(officer())
    notice = published.notices.get()
    assert notice.posted_at <= published.effective_at - 7 * DAY
    board = _page(MOMENT + dt.timedelta(hours=1), "/notices/")
    assert notice.title in board and "시행일 2027-03-10" in notice.title
    detail = _page(MOMENT + dt.timedelta(hours=1), f"/notices/{notice.pk}/")
    assert "보유기간 변경" in detail and f"/privacy/versions/{NEXT}/" in detail
    record = AccessRecord.objects.get(action="policy.publish")
    assert record.detail["version"] == NEXT and record.actor_name == "officer"


def test_c12_01_earlier_versions_stay_readable_with_a_diff_to_the_next() -> None:
    _publish(officer())
    later = EFFECTIVE + 30 * DAY
    listing = _page(later, "/privacy/versions/")
    assert "2026-11-01" in listing and NEXT in listing and "이전 버전" in listing
    old = _page(later, "/privacy/versions/2026-11-01/")
    assert "이전 버전입니다" in old
    assert "탈퇴 후 1년" in old  # the earlier text itself, as published
    assert 'class="diff-del">-' in old and 'class="diff-add">+' in old
    removed = [part.split("</span>", 1)[0] for part in old.split('class="diff-del">')[1:]]
    added = [part.split("</span>", 1)[0] for part in old.split('class="diff-add">')[1:]]
    assert any("탈퇴 후 1년" in line for line in removed)
    assert any("탈퇴 후 2년" in line for line in added)
    assert "style=" not in old.split('data-testid="policy-diff"', 1)[1]  # CSS classes only
    new = _page(later, f"/privacy/versions/{NEXT}/")
    assert "시행 중인 버전입니다" in new and "이전 버전 2026-11-01과의 차이" in new
    with time_machine.travel(later, tick=False):
        assert Client().get("/privacy/versions/1999-01-01/").status_code == 404


def test_c12_01_the_version_label_is_the_files_and_published_once() -> None:
    actor = officer()
    with time_machine.travel(MOMENT, tick=False), document.loaded_from(_next_text()):
        from jikim.policy import actions

        with pytest.raises(ValidationError, match=r"policy.toml의 \[meta\] version"):
            actions.do_publish_version(actor, "2027-04-01", EFFECTIVE, False)
        actions.do_publish_version(actor, NEXT, EFFECTIVE, False)
        with pytest.raises(ValidationError, match="이미 공개되었습니다"):
            actions.do_publish_version(actor, NEXT, EFFECTIVE + DAY, False)
    later = changed(TWO_YEARS, version="2027-03-20")
    with time_machine.travel(MOMENT, tick=False), pytest.raises(ValidationError, match="뒤여야"):
        publish(actor, later, effective_at=EFFECTIVE - dt.timedelta(hours=1))


def test_c12_01_only_the_privacy_officer_publishes() -> None:
    staff = make_operator("cs_person", "cs_staff")
    with time_machine.travel(MOMENT, tick=False), pytest.raises(Exception) as denied:
        publish(staff, _next_text(), effective_at=EFFECTIVE)
    assert type(denied.value).__name__ == "PermissionDenied"


def test_c12_01_the_console_publishes_and_explains_a_refusal_in_korean() -> None:
    actor = officer()
    client = Client()
    form = {"version": NEXT, "summary": "탈퇴 회원 정보 보관 2년", "email_members": ""}
    with time_machine.travel(MOMENT, tick=False), document.loaded_from(_next_text()):
        client.force_login(actor, backend="django.contrib.auth.backends.ModelBackend")
        page = client.get("/console/policy/")
        assert page.status_code == 200 and "공개 전 변경 있음" in page.content.decode()
        assert "탈퇴 후 2년" in page.content.decode()  # the changes it would announce
        refused = client.post("/console/policy/", {**form, "effective_date": "2027-03-05"})
        assert refused.status_code == 400
        assert "공지일로부터 7일 이후여야 합니다" in refused.content.decode()
        bad = client.post("/console/policy/", {**form, "effective_date": "내일"})
        assert bad.status_code == 400 and "날짜 형식이 올바르지 않습니다" in bad.content.decode()
        done = client.post("/console/policy/", {**form, "effective_date": "2027-03-10"})
        assert done.status_code == 302
    published = PolicyVersion.objects.get(label=NEXT)
    assert published.effective_at == EFFECTIVE and published.published_by == actor
    assert not published.notices.get().email_requested
