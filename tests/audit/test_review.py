"""The monthly review: counts, flags, unconfirmed downloads, the officer's sign-off, the
console page and the command."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from jikim.accounts import actions as account_actions
from jikim.audit import actions, review
from jikim.audit.models import AccessRecord, DownloadCheck, Review
from jikim.audit.records import record
from tests.audit.support import make_operator

pytestmark = pytest.mark.django_db
MAY = dt.date(2026, 5, 1)
KST = dt.timezone(dt.timedelta(hours=9))


def at(day: int, hour: int, minute: int = 0) -> time_machine.travel:
    return time_machine.travel(dt.datetime(2026, 5, day, hour, minute, tzinfo=KST), tick=False)


@pytest.fixture
def may(alice, bob, charlie, settings):
    """A month of activity with one of each kind of flag."""
    settings.AUDIT_REVIEW_UNMASK_THRESHOLD = 2
    settings.AUDIT_REVIEW_SUBJECTS_PER_HOUR = 5
    with at(4, 10):
        for i in range(3):
            record(
                "view", actor=alice, tenant_id=1, subjects=[f"r_{i}"], purpose="service_delivery"
            )
    with at(4, 23, 30):
        record("unmask", actor=alice, subjects=["r_1"], reason="야간 배송 문의")
    with at(5, 11):
        record("download", actor=alice, subjects=["r_1", "r_2"], reason="택배사 송장 파일")
    with at(6, 14):
        for i in range(3):
            record("unmask", actor=bob, subjects=[f"b_{i}"], reason="고객 문의")
    for minute in range(0, 60, 10):  # 6 distinct subjects within the hour
        with at(7, 15, minute):
            record("view", actor=bob, subjects=[f"x_{minute}"])
    with at(10, 9):
        account_actions.do_withdraw(charlie)
    with at(11, 13):
        record("view", actor=bob, subjects=[f"member:{charlie.pk}"])
        record("view", actor=alice, subjects=[charlie.subject])
    return {"alice": alice, "bob": bob, "charlie": charlie}


def _flags(result, kind):
    return {f.actor_name: f for f in result.flags if f.kind == kind}


def test_counts_per_staff_by_action(may) -> None:
    result = review.compute(MAY)
    rows = {row.actor_name: row.counts for row in result.staff}
    assert rows["alice"] == {"download": 1, "unmask": 1, "view": 4}
    assert rows["bob"]["unmask"] == 3 and rows["bob"]["view"] == 7


def test_c9_02_every_record_of_the_month_is_counted_somewhere(may) -> None:
    """People's actions by person, the rest (the sweep, commands, the public pages) by
    action: together they are the month's record count, so nothing is out of sight."""
    with at(12, 3):
        record("shred", actor=None, subjects=["r_9"], reason="retention:c4_00")
        record("shred", actor=None, subjects=["r_8"], reason="retention:c4_00")
        record("export", actor=may["alice"], subjects=[], reason="주문 내역 파일(수취인 없음)")
    result = review.compute(MAY)
    assert result.automatic.get("shred") == 2
    assert [d.reason for d in result.unconfirmed] == ["택배사 송장 파일"], "no one named, no check"
    assert result.by_people + result.automatic_total == result.records


def test_the_flags(may) -> None:
    result = review.compute(MAY)
    downloads = [f for f in result.flags if f.kind == "download"]
    assert len(downloads) == 1 and downloads[0].actor_name == "alice"
    assert set(_flags(result, "unmask")) == {"bob"}
    assert set(_flags(result, "night")) == {"alice"}
    assert set(_flags(result, "many_subjects")) == {"bob"}
    withdrawn = _flags(result, "withdrawn")
    assert set(withdrawn) == {"alice", "bob"}
    assert all(f.count == 1 for f in withdrawn.values()), "the withdrawal itself is no flag"


def test_other_apps_can_add_a_watch_list(may, monkeypatch) -> None:
    monkeypatch.setattr(review, "WATCHES", list(review.WATCHES))
    separated_at = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)

    @review.watch("separated", "분리보관 정보 접근")
    def _separated(subjects):
        return {s: separated_at for s in subjects if s == "r_2"}

    flags = _flags(review.compute(MAY), "separated")
    assert set(flags) == {"alice"} and flags["alice"].label == "분리보관 정보 접근"


def test_records_outside_the_month_are_not_counted(may) -> None:
    with time_machine.travel(dt.datetime(2026, 6, 1, 0, 30, tzinfo=KST), tick=False):
        record("download", actor=may["alice"], subjects=["r_9"], reason="6월")
    with time_machine.travel(dt.datetime(2026, 4, 30, 23, 59, tzinfo=KST), tick=False):
        record("view", actor=may["alice"], subjects=["r_9"])
    rows = {row.actor_name: row.counts for row in review.compute(MAY).staff}
    assert rows["alice"] == {"download": 1, "unmask": 1, "view": 4}


def test_downloads_need_a_confirmed_reason_before_sign_off(may, officer) -> None:
    result = review.compute(MAY)
    assert [d.reason for d in result.unconfirmed] == ["택배사 송장 파일"]
    with pytest.raises(ValidationError, match="다운로드가 1건"):
        actions.do_sign_review(officer, MAY)
    actions.do_confirm_download(officer, result.unconfirmed[0].seq, "송장 출력 업무 확인")
    assert review.compute(MAY).unconfirmed == []
    signed = actions.do_sign_review(officer, MAY, "이상 없음")
    assert signed.signed_by_id == officer.pk and signed.summary["flags"]["night"] == 1
    entry = AccessRecord.objects.filter(action="audit.review_signoff").get()
    assert entry.actor_id == officer.pk and entry.detail["month"] == "2026-05"
    assert AccessRecord.objects.filter(action="audit.download_confirm").get().detail == {
        "seq": result.unconfirmed[0].seq
    }
    with pytest.raises(ValidationError):
        actions.do_sign_review(officer, MAY)


def test_only_the_privacy_officer_signs(may) -> None:
    staff = make_operator("cs1", "cs_staff")
    with pytest.raises(PermissionDenied):
        actions.do_sign_review(staff, MAY)
    with pytest.raises(PermissionDenied):
        actions.do_sign_review(may["alice"], MAY)


def test_a_month_not_over_cannot_be_signed(officer) -> None:
    with (
        time_machine.travel(dt.datetime(2026, 5, 20, tzinfo=KST), tick=False),
        pytest.raises(ValidationError, match="끝난 달"),
    ):
        actions.do_sign_review(officer, MAY)


def test_the_console_page(may, officer, login) -> None:
    client = login(officer)
    response = client.get("/console/audit/review/?month=2026-05")
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "야간 접속",
        "가림 해제 과다",
        "대량 조회",
        "탈퇴 회원 정보 접근",
        "택배사 송장 파일",
    ):
        assert text in html
    assert 'data-testid="records-add-up"' in html
    seen = AccessRecord.objects.filter(action="audit.view").latest("seq")
    assert seen.actor_id == officer.pk
    assert set(seen.subjects) == {f"member:{m.pk}" for m in may.values()}  # the staff shown


def test_signing_off_in_the_console(may, officer, login) -> None:
    client = login(officer)
    seq = review.compute(MAY).unconfirmed[0].seq
    response = client.post(
        f"/console/audit/review/downloads/{seq}/", {"note": "업무상 필요 확인", "month": "2026-05"}
    )
    assert response.status_code == 302
    assert DownloadCheck.objects.filter(seq=seq).exists()
    response = client.post("/console/audit/review/", {"month": "2026-05", "note": "검토함"})
    assert response.status_code == 302
    assert Review.objects.get(month=MAY).note == "검토함"
    assert (
        "검토를 완료했습니다" in client.get("/console/audit/review/?month=2026-05").content.decode()
    )


def test_other_people_get_404(alice, charlie, login) -> None:
    cs = make_operator("cs2", "cs_staff")
    for member in (alice, charlie, cs):
        client = login(member)
        assert client.get("/console/audit/review/").status_code == 404
        assert client.post("/console/audit/review/downloads/1/", {"note": "x"}).status_code == 404


def test_a_bad_month_is_404(officer, login) -> None:
    assert login(officer).get("/console/audit/review/?month=2026-13").status_code == 404


def test_the_command(may) -> None:
    out = io.StringIO()
    call_command("audit_review", "--month", "2026-05", stdout=out)
    text = out.getvalue()
    assert "접속기록 월간 검토 2026-05" in text
    assert "alice" in text and "[night]" in text and "[download]" in text
    assert "사유 미확인 다운로드 1건" in text
    assert "아직 없음" in text
