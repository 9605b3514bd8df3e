"""C10-01: the privacy officer and the privacy manager, with contacts, are published;
inquiries, complaints and damage-relief requests reach them and are tracked to an answer."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import Client

from jikim.audit.models import AccessRecord
from jikim.policy import registers
from jikim.policy.models import Inquiry, InquiryState
from jikim.retention import sweep
from jikim.vault import keyring
from tests.audit.support import make_operator
from tests.policy.support import officer

pytestmark = pytest.mark.django_db

FORM = {
    "kind": "complaint",
    "name": "홍길동",
    "email": "hong@example.com",
    "phone": "",
    "message": "제 연락처가 동의 없이 쓰였습니다. 확인해 주세요.",
    "consent": "on",
}


def _officer_client(login_id: str = "officer") -> tuple[Client, object]:
    actor = officer(login_id)
    client = Client()
    client.force_login(actor, backend="django.contrib.auth.backends.ModelBackend")
    return client, actor


def test_c10_01_the_officer_and_the_manager_are_published_with_contacts() -> None:
    desk = registers.current()
    page = Client().get("/privacy/").content.decode()
    contact_page = Client().get("/privacy/contact/").content.decode()
    for person in desk.contacts:
        for value in (person.role, person.name, person.phone, person.email):
            assert value in page and value in contact_page
    # The default configuration is the seed's.
    assert (desk.officer.name, desk.officer.position) == ("서원준", "대표이사")
    assert (desk.officer.phone, desk.officer.fax) == ("02-2238-3705", "02-2238-3706")
    assert desk.officer.email == "ceo@sellmate.co.kr"
    assert (desk.manager.name, desk.manager.department, desk.manager.position) == (
        "유용호",
        "개발팀",
        "팀장",
    )
    assert desk.manager.email == "yongho@sellmate.co.kr"
    assert 'href="/privacy/contact/"' in page


def test_c10_01_an_inquiry_reaches_them_and_is_tracked_to_an_answer() -> None:
    response = Client().post("/privacy/contact/", FORM, follow=True)
    inquiry = Inquiry.objects.get()
    assert inquiry.number in response.content.decode() and inquiry.state == InquiryState.RECEIVED
    assert "홍길동" not in str(Inquiry.objects.values_list("name", "message").get())  # sealed
    desk = registers.current()
    notified = next(m for m in mail.outbox if inquiry.number in m.subject and "접수 (" in m.subject)
    assert sorted(notified.to) == sorted({desk.officer.email, desk.manager.email})
    assert "홍길동" not in notified.body and "연락처가" not in notified.body  # content stays in
    acknowledged = next(m for m in mail.outbox if m.to == ["hong@example.com"])
    assert inquiry.number in acknowledged.body

    client, actor = _officer_client()
    listing = client.get("/console/privacy-desk/").content.decode()
    assert inquiry.number in listing and "홍*동" in listing and "홍길동" not in listing
    detail = client.get(f"/console/privacy-desk/{inquiry.pk}/").content.decode()
    assert "홍길동" not in detail and "연락처가" not in detail  # masked until revealed
    refused = client.post(f"/console/privacy-desk/{inquiry.pk}/reveal/", {"reason": ""})
    assert refused.status_code == 400 and "열람 사유를 입력하세요" in refused.content.decode()
    revealed = client.post(f"/console/privacy-desk/{inquiry.pk}/reveal/", {"reason": "답변 작성"})
    assert "홍길동" in revealed.content.decode() and "연락처가" in revealed.content.decode()
    unmask = AccessRecord.objects.get(action="unmask", actor_id=actor.pk)
    assert unmask.subjects == [inquiry.subject] and unmask.reason == "답변 작성"

    mail.outbox.clear()
    answer = {"answer": "확인 결과 ... 삭제했습니다.", "via": "email"}
    assert client.post(f"/console/privacy-desk/{inquiry.pk}/answer/", answer).status_code == 302
    sent = mail.outbox[-1]
    assert sent.to == ["hong@example.com"] and "삭제했습니다" in sent.body
    assert "118" in sent.body  # where to turn if not satisfied (§11)
    assert client.post(f"/console/privacy-desk/{inquiry.pk}/close/").status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.CLOSED and inquiry.answered_by == actor
    steps = [(e.from_state, e.to_state) for e in inquiry.events.all()]
    assert steps == [("", "received"), ("received", "answered"), ("answered", "closed")]
    assert {"privacy_desk.receive", "privacy_desk.answer", "privacy_desk.close"} <= set(
        AccessRecord.objects.values_list("action", flat=True)
    )


def test_c10_01_a_phone_only_inquiry_is_answered_by_phone_and_recorded() -> None:
    Client().post("/privacy/contact/", {**FORM, "email": "", "phone": "010-7777-8888"})
    inquiry = Inquiry.objects.get()
    client, _ = _officer_client()
    mail.outbox.clear()
    by_mail = client.post(
        f"/console/privacy-desk/{inquiry.pk}/answer/", {"answer": "전화드림", "via": "email"}
    )
    assert by_mail.status_code == 400 and "전화로 답변한 뒤" in by_mail.content.decode()
    client.post(f"/console/privacy-desk/{inquiry.pk}/answer/", {"answer": "통화함", "via": "phone"})
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.ANSWERED and inquiry.answered_via == "phone"
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"email": "", "phone": ""}, "이메일 또는 전화번호 중 하나는 입력하세요"),
        ({"email": "not-an-address"}, "올바른 이메일 주소를 입력하세요"),
        ({"phone": "12"}, "전화번호 형식이 올바르지 않습니다"),
        ({"consent": ""}, "개인정보 수집·이용에 동의해야"),
        ({"message": ""}, "내용을 입력하세요"),
        ({"kind": "other"}, "선택할 수 없는 종류입니다"),
    ],
)
def test_c10_01_bad_input_gets_a_korean_error_and_stores_nothing(change, error) -> None:
    response = Client().post("/privacy/contact/", {**FORM, **change})
    assert response.status_code == 400 and error in response.content.decode()
    assert not Inquiry.objects.exists()


def test_c10_01_the_desk_is_the_privacy_officers(alice, login) -> None:
    Client().post("/privacy/contact/", FORM)
    inquiry = Inquiry.objects.get()
    assert login(alice).get("/console/privacy-desk/").status_code == 404
    staff = make_operator("cs_person", "cs_staff")
    assert login(staff).get(f"/console/privacy-desk/{inquiry.pk}/").status_code == 403


def test_c10_01_closed_tickets_are_kept_3_years_then_destroyed() -> None:
    start = dt.datetime(2027, 1, 4, 1, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        Client().post("/privacy/contact/", FORM)
        inquiry = Inquiry.objects.get()
        client, _ = _officer_client()
        client.post(f"/console/privacy-desk/{inquiry.pk}/answer/", {"answer": "답", "via": "email"})
        client.post(f"/console/privacy-desk/{inquiry.pk}/close/")
    with time_machine.travel(start + dt.timedelta(days=3 * 365 - 2), tick=False):
        sweep.run()
    assert Inquiry.objects.filter(pk=inquiry.pk).exists()
    with time_machine.travel(start + dt.timedelta(days=3 * 365 + 2), tick=False):
        sweep.run()
    assert not Inquiry.objects.filter(pk=inquiry.pk).exists()
    assert keyring.is_shredded(inquiry.subject)
