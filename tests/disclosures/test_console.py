"""The officer's console pages for both registers: strangers and sellers get 404, other
operators too; only the privacy officer records; bad input gets a Korean message."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from jikim.accounts import actions as account_actions
from jikim.disclosures import actions
from jikim.disclosures.models import Incident, Provision
from jikim.disclosures.register import PROVISION_CONSENT
from tests.audit.support import make_operator
from tests.conftest import create_member

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
PAGES = ["/console/provisions/", "/console/breaches/"]


def _client(member) -> Client:
    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _incident(officer) -> Incident:
    with time_machine.travel(T0, tick=False):
        return actions.do_record_incident(
            officer,
            discovered_at=T0,
            title="외부 침입",
            description="관리자 계정 탈취로 수취인 목록 조회",
            items=["recipient.name"],
            affected_count=3,
            outside_attack=True,
        )


def test_sellers_and_other_operators_get_404(alice, charlie) -> None:
    officer = make_operator("officer", "privacy_officer")
    incident = _incident(officer)
    urls = [
        *PAGES,
        f"/console/breaches/{incident.pk}/",
    ]
    posts = [
        f"/console/breaches/{incident.pk}/notified/",
        f"/console/breaches/{incident.pk}/reported/",
        *PAGES,
    ]
    for member in (alice, charlie, make_operator("cs", "cs_staff")):
        client = _client(member)
        for url in urls:
            assert client.get(url).status_code == 404, (member.login_id, url)
        for url in posts:
            assert client.post(url, {"channel": "x", "authority": "kisa"}).status_code == 404
    incident.refresh_from_db()
    assert incident.notified_at is None and incident.reported_at is None
    assert Client().get(PAGES[0]).status_code == 302, "anonymous: to the login page"


def test_officer_records_a_provision_and_bad_input_gets_korean_errors() -> None:
    officer = make_operator("officer", "privacy_officer")
    client = _client(officer)
    assert client.get("/console/provisions/").status_code == 200
    member = create_member("kim")
    account_actions.do_record_consent(member, member, purpose=PROVISION_CONSENT, channel="web")
    form = {
        "basis": "lawful_request",
        "recipient": "○○경찰서",
        "purpose": "수사",
        "items": ["member.mobile"],
        "subjects": member.subject,
        "requesting_body": "○○경찰서",
        "document_number": "",
        "legal_basis": "형사소송법 제199조",
    }
    page = client.post("/console/provisions/", form)
    assert page.status_code == 200 and "문서 번호" in page.content.decode()
    page = client.post("/console/provisions/", {**form, "provided_at": "어제 오후"})
    assert "형식으로 입력하세요" in page.content.decode()
    page = client.post("/console/provisions/", {**form, "subjects": "홍길동 010-1234-5678"})
    errors = page.content.decode().split('role="alert"')[1].split("</div>")[0]
    assert "형식이 아닌 값이 2건 있습니다 (1번째 값부터)" in errors and "홍길동" not in errors
    assert not Provision.objects.exists()

    response = client.post(
        "/console/provisions/", {**form, "document_number": "2026-수사-77"}, follow=True
    )
    assert "제3자 제공 기록 #" in response.content.decode()
    (provision,) = Provision.objects.all()
    assert provision.recorded_by_name == officer.login_id
    listing = client.get(f"/console/provisions/?subject={member.subject}").content.decode()
    assert "2026-수사-77" in listing and "휴대전화번호" in listing


def test_officer_opens_a_breach_and_sees_its_clocks_overdue_on_the_console() -> None:
    officer = make_operator("officer", "privacy_officer")
    # Each jump in time logs in afresh: a session idle for hours is logged out (C6-06).
    with time_machine.travel(T0 + dt.timedelta(minutes=30), tick=False):
        client = _client(officer)
        response = client.post(
            "/console/breaches/",
            {
                "title": "택배 파일 오발송",
                "discovered_at": "2026-12-01 18:00",  # Korean time: T0
                "description": "다른 판매자에게 발송",
                "items": ["recipient.name", "recipient.phone"],
                "affected_count": "1200",
            },
        )
    incident = Incident.objects.get()
    assert response.status_code == 302 and response.url == f"/console/breaches/{incident.pk}/"
    assert incident.discovered_at == T0

    with time_machine.travel(T0 + dt.timedelta(hours=70), tick=False):
        client = _client(officer)
        page = client.get("/console/breaches/").content.decode()
        assert "2시간 0분 남음" in page and 'data-testid="overdue"' not in page
        assert "1,000명 이상" in page
    with time_machine.travel(T0 + dt.timedelta(hours=75), tick=False):
        client = _client(officer)
        page = client.get("/console/breaches/").content.decode()
        assert 'class="overdue"' in page and "기한 경과 · 3시간 0분 지남" in page
        front = client.get("/console/").content.decode()
        assert 'data-testid="console-breaches"' in front and "기한 경과" in front
        detail = client.get(f"/console/breaches/{incident.pk}/").content.decode()
        assert "[개인정보 유출 통지]" in detail and "통지 전에 채워야 할 법정 기재사항" in detail

        response = client.post(f"/console/breaches/{incident.pk}/notified/", {"channel": "문자"})
        assert response.status_code == 302
        incident.refresh_from_db()
        assert incident.notified_at is None, "refused: the notice lacks required contents"
        edited = client.post(
            f"/console/breaches/{incident.pk}/",
            {
                "title": incident.title,
                "description": incident.description,
                "items": incident.items,
                "affected_count": "1200",
                "subject_actions": "스미싱 문자에 주의하세요.",
                "measures": "파일을 회수하고 삭제를 확인했습니다.",
                "contact": "개인정보 보호책임자 02-000-0000",
            },
        )
        assert edited.status_code == 302, edited.content.decode()
        client.post(f"/console/breaches/{incident.pk}/notified/", {"channel": "문자"})
        client.post(
            f"/console/breaches/{incident.pk}/reported/", {"authority": "pipc", "reference": "P-9"}
        )
    incident.refresh_from_db()
    assert incident.notified_at == T0 + dt.timedelta(hours=75)
    assert (incident.reported_to, incident.report_reference) == ("pipc", "P-9")
    assert incident.discovered_at == T0, "editing the facts never moves the clocks' start"
    with time_machine.travel(T0 + dt.timedelta(hours=76), tick=False):
        client = _client(officer)
        assert 'data-testid="console-breaches"' not in client.get("/console/").content.decode()
        assert "기한 후 완료" in client.get("/console/breaches/").content.decode()


def test_the_item_choices_speak_korean_grouped_by_whose_data_they_are() -> None:
    """The breach and provision forms name each data-map category in Korean, grouped by
    whose data it is, not by its code (member.email)."""
    officer = make_operator("officer", "privacy_officer")
    client = _client(officer)
    for path in ("/console/breaches/", "/console/provisions/"):
        page = client.get(path).content.decode()
        assert "(member.email)" not in page and "(recipient.phone)" not in page, path
        assert "회원" in page and "판매자의 배송 데이터" in page and "민원" in page, path
        assert 'value="recipient.phone"' in page, "the code stays the value sent"
