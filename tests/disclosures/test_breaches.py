"""The breach register: the 72-hour clocks (moved through time), the reporting thresholds,
the notice's legally required contents, and who may act."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from jikim.audit.models import AccessRecord
from jikim.disclosures import actions, breach
from jikim.disclosures.models import Authority, Incident
from jikim.policy import datamap
from tests.audit.support import make_operator
from tests.conftest import create_member

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
NOTICE = {
    "subject_actions": "출처를 알 수 없는 문자의 링크를 누르지 마세요.",
    "measures": "접근 경로를 차단하고 비밀번호를 초기화했습니다. 피해 구제 신청을 받습니다.",
    "contact": "개인정보 보호책임자 privacy@jikim.example / 02-000-0000",
}


@pytest.fixture
def officer():
    return make_operator("officer", "privacy_officer")


def _incident(officer, **values):
    facts = {
        "title": "배송 파일 오발송",
        "description": "택배 접수 파일이 다른 판매자에게 발송됨",
        "items": ["recipient.name", "recipient.phone"],
        "affected_count": 12,
        **values,
    }
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        return actions.do_record_incident(officer, discovered_at=T0, **facts)


def test_every_breach_has_a_72_hour_clock_for_notifying_subjects(officer) -> None:
    incident = _incident(officer)
    with time_machine.travel(T0 + dt.timedelta(hours=71, minutes=59), tick=False):
        notify, report = breach.deadlines(incident)
        assert notify.due_at == T0 + dt.timedelta(hours=72)
        assert notify.state == "open" and notify.remaining_text == "0시간 1분 남음"
        assert report.state == "not_required"
    with time_machine.travel(T0 + dt.timedelta(hours=72, minutes=1), tick=False):
        notify, _ = breach.deadlines(incident)
        assert notify.state == "overdue" and notify.overdue
        assert notify.remaining_text == "0시간 1분 지남"


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"affected_count": 1000}, "1,000명 이상"),
        ({"sensitive_data": True}, "민감정보"),
        ({"outside_attack": True}, "외부로부터의 불법적인 접근"),
    ],
)
def test_reporting_thresholds(officer, values, reason) -> None:
    assert breach.report_reasons(_incident(officer, affected_count=999)) == []
    incident = _incident(officer, **values)
    reasons = breach.report_reasons(incident)
    assert any(reason in r for r in reasons), reasons
    _, report = breach.deadlines(incident, now=T0 + dt.timedelta(hours=73))
    assert report.required and report.state == "overdue"


def test_a_unique_identifier_category_requires_a_report(officer, monkeypatch) -> None:
    current = datamap.current()
    categories = dict(current.categories)
    categories["recipient.customs_code"] = dataclasses.replace(
        categories["recipient.customs_code"], unique_identifier=True
    )
    marked = datamap.DataMap(purposes=current.purposes, categories=categories)
    monkeypatch.setattr(datamap, "current", lambda: marked)
    incident = _incident(officer, items=["recipient.customs_code"], affected_count=1)
    reasons = breach.report_reasons(incident)
    assert any("고유식별정보" in r and "개인통관고유부호" in r for r in reasons)
    assert breach.report_reasons(_incident(officer, affected_count=1)) == []


def test_the_notice_carries_the_five_required_contents(officer) -> None:
    incident = _incident(officer, cause="담당자 실수", occurred_at=T0 - dt.timedelta(days=1))
    assert set(breach.missing_notice_contents(incident)) == {
        "피해 최소화를 위해 정보주체가 할 수 있는 방법",
        "회사의 대응조치 및 피해 구제절차",
        "피해 신고 접수 부서 및 연락처",
    }
    with pytest.raises(ValidationError, match="법정 기재사항"):
        actions.do_mark_notified(officer, incident, channel="이메일")
    actions.do_update_incident(officer, incident, **NOTICE)
    incident.refresh_from_db()
    assert breach.missing_notice_contents(incident) == []
    notice = breach.draft_notice(incident)
    for part in (
        "1. 유출된 개인정보의 항목",
        "수취인·발송인 이름, 수취인·발송인 연락처",
        "2. 유출된 시점과 그 경위",
        "2026년 11월 30일 18시 00분",  # occurred, in Korean time
        "2026년 12월 01일 18시 00분",  # discovered
        "택배 접수 파일이 다른 판매자에게 발송됨",
        "원인: 담당자 실수",
        "3. 피해를 최소화하기 위하여",
        NOTICE["subject_actions"],
        "4. ",
        NOTICE["measures"],
        "5. 피해 신고·상담을 접수하는 담당부서 및 연락처",
        NOTICE["contact"],
        "개인정보 보호법 제34조",
    ):
        assert part in notice, part


def test_notification_and_report_are_recorded_with_lateness(officer) -> None:
    incident = _incident(officer, outside_attack=True, **NOTICE)
    with time_machine.travel(T0 + dt.timedelta(hours=10), tick=False):
        actions.do_mark_notified(officer, incident, channel="이메일·문자")
    with time_machine.travel(T0 + dt.timedelta(hours=80), tick=False):
        with pytest.raises(ValidationError, match="신고 기관"):
            actions.do_mark_reported(officer, incident, authority="police")
        actions.do_mark_reported(officer, incident, authority=Authority.KISA, reference="K-1")
        incident.refresh_from_db()
        notify, report = breach.deadlines(incident)
    assert notify.state == "done" and report.state == "done_late"
    with pytest.raises(ValidationError, match="이미"):
        actions.do_mark_notified(officer, incident, channel="서면")
    records = {r.action: r for r in AccessRecord.objects.filter(action__startswith="breach.")}
    assert records["breach.notified"].detail["late"] is False
    assert records["breach.reported"].detail["late"] is True
    assert records["breach.reported"].detail["authority"] == "kisa"


def test_recording_refuses_what_does_not_hold(officer) -> None:
    with time_machine.travel(T0, tick=False):
        with pytest.raises(ValidationError, match="지금보다 뒤일 수 없습니다"):
            actions.do_record_incident(
                officer,
                discovered_at=T0 + dt.timedelta(hours=1),
                title="x",
                description="x",
                items=["recipient.name"],
                affected_count=1,
            )
        with pytest.raises(ValidationError, match="발생 일시는 인지 일시보다"):
            actions.do_record_incident(
                officer,
                discovered_at=T0,
                occurred_at=T0 + dt.timedelta(minutes=1),
                title="x",
                description="x",
                items=["recipient.name"],
                affected_count=1,
            )
        member = create_member("kim")
        with pytest.raises(ValidationError, match="ID 수"):
            actions.do_record_incident(
                officer,
                discovered_at=T0,
                title="x",
                description="x",
                items=["member.mobile"],
                subjects=[member.subject, create_member("lee").subject],
                affected_count=1,
            )
        with pytest.raises(PermissionDenied):
            actions.do_record_incident(
                make_operator("cs", "cs_staff"),
                discovered_at=T0,
                title="x",
                description="x",
                items=["recipient.name"],
                affected_count=1,
            )
    assert not Incident.objects.exists()
