"""C6-07 on the CS desks: a resident registration number (or a card number) typed into any
free-text field of a case or a call — the title, the call topic, the recording notice, the
dispute note, the resolution — is masked before it is stored, and the person is told. The
clear-text fields (shown in lists and in the result e-mail) have phone numbers masked too."""

import pytest
from django.contrib.messages import get_messages

from jikim.cases.models import Case, Consultation
from jikim.retention.models import Hold
from tests.audit.support import make_operator
from tests.cases import helpers
from tests.dbscan import database_contains

pytestmark = pytest.mark.django_db(transaction=True)

RRN = "900101-1234567"
PHONE = "010-9876-5432"


def _told(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _new_seller_case(client, order, title: str):
    return client.post(
        "/t/alice/cases/new/",
        {
            "order_no": order.order_no,
            "from_recipient": "1",
            "channel": "phone",
            "title": title,
            "body": "상자가 찢어져 왔습니다.",
            "identity_confirmed": "on",
        },
    )


def test_c6_07_case_title_identifiers_and_phones_are_masked_and_the_seller_told(
    alice, login
) -> None:
    order, _ = helpers.make_order(helpers.tenant_of(alice))
    seller = login(alice)
    response = _new_seller_case(seller, order, f"주민번호 {RRN} 고객 {PHONE} 환불")
    assert response.status_code == 302
    case = Case.objects.get()
    assert RRN not in case.title and "900101-1******" in case.title
    assert PHONE not in case.title and "010-****-5432" in case.title
    told = " ".join(_told(response))
    assert "고유식별정보 1건" in told and "전화번호 1건" in told
    listing = seller.get("/t/alice/cases/").content.decode()
    assert RRN not in listing and PHONE not in listing
    assert not database_contains(RRN)


def test_c6_07_member_complaint_titles_are_masked_on_both_desks(alice, login) -> None:
    member = login(alice)
    response = member.post(
        "/complaints/", {"title": f"내 번호 {RRN}", "body": "내용입니다.", "contact_phone": ""}
    )
    assert response.status_code == 302 and "고유식별정보 1건" in " ".join(_told(response))
    staff = login(make_operator("cs_kim", "cs_staff"))
    response = staff.post(
        "/console/cases/new/",
        {
            "login_id": "alice",
            "channel": "phone",
            "title": f"카드 4111 1111 1111 1111 결제 {PHONE}",
            "body": "결제 문의",
            "identity_confirmed": "on",
        },
    )
    assert response.status_code == 302
    titles = list(Case.objects.order_by("pk").values_list("title", flat=True))
    assert RRN not in titles[0] and "4111 1111 1111 1111" not in titles[1]
    assert PHONE not in titles[1]
    assert not database_contains(RRN) and not database_contains("4111 1111 1111 1111")


def test_c6_07_call_topic_and_notice_are_masked(alice, login) -> None:
    seller = login(alice)
    response = seller.post(
        "/t/alice/consultations/new/",
        {
            "topic": f"{PHONE} 고객 주민번호 {RRN} 확인 요청",
            "started_at": "2026-01-05T10:00",
            "notice_given": "on",
            "notice_method": "ars",
            "notice_text": f"통화가 녹음됩니다. 상담원 직통 {PHONE}",
        },
    )
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert RRN not in consultation.topic and PHONE not in consultation.topic
    assert PHONE not in consultation.notice_text
    told = " ".join(_told(response))
    assert "고유식별정보 1건" in told and "전화번호 2건" in told
    page = seller.get("/t/alice/consultations/").content.decode()
    assert RRN not in page and PHONE not in page
    assert not database_contains(RRN)


def test_c6_07_dispute_note_and_resolution_are_masked(alice, login) -> None:
    case = helpers.seller_case(alice)
    seller = login(alice)
    url = f"/t/alice/cases/{case.pk}/"
    response = seller.post(
        url, {"op": "dispute", "kind": "lawsuit", "note": f"2026가단5678 원고 {RRN}"}
    )
    assert response.status_code == 302 and "고유식별정보 1건" in " ".join(_told(response))
    case.refresh_from_db()
    assert RRN not in case.dispute_note and "2026가단5678" in case.dispute_note
    assert all(RRN not in h.reason for h in Hold.objects.all())
    response = seller.post(url, {"op": "resolve", "reason": f"합의 완료, 연락처 {PHONE}"})
    assert response.status_code == 302 and "전화번호 1건" in " ".join(_told(response))
    assert not database_contains(RRN) and not database_contains(PHONE)
