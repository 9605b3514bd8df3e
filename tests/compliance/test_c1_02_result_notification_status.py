"""C1-02 "notify the result", as the case page tells it: a queued mail is shown as queued
(no resend offered, so nobody mails twice), a sent one as sent, a failed one as failed
(resend offered), a complainant without an address as not sent — and the staff who told
the result by phone record it, which notifies the case, by them. The result e-mail names a
contact that answers an objection, not the no-reply sender."""

import pytest
from django.core import mail

from jikim.audit.models import AccessRecord
from jikim.cases import actions
from jikim.cases.models import CaseEvent
from jikim.policy import registers
from tests.cases import helpers

pytestmark = pytest.mark.django_db


def _answer(client, case) -> str:
    url = f"/t/alice/cases/{case.pk}/"
    client.post(url, {"op": "status", "to": "investigating"})
    response = client.post(url, {"op": "answer", "result": "환불했습니다."}, follow=True)
    return response.content.decode()


def _notified(page: str) -> str:
    start = page.index('data-testid="notified"')
    return page[start : page.index("</dd>", start)]


def test_c1_02_a_queued_result_mail_is_shown_as_queued_and_not_offered_again(
    alice, login, settings
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    case = helpers.seller_case(alice)
    page = _answer(login(alice), case)
    assert "발송 대기" in _notified(page)
    assert "보내지 못함" not in page and "결과 메일 다시 보내기" not in page
    case.refresh_from_db()
    assert case.notify_state == "queued" and case.notified_at is None
    with pytest.raises(Exception, match="실패했을 때만"):
        actions.do_resend_result(alice, case)


def test_c1_02_sent_and_failed_are_told_apart_and_only_a_failure_is_resent(
    alice, login, settings
) -> None:
    case = helpers.seller_case(alice)
    seller = login(alice)
    settings.EMAIL_BACKEND = "tests.cases.mailbackends.FailingEmailBackend"
    page = _answer(seller, case)
    assert "발송 실패" in _notified(page) and "결과 메일 다시 보내기" in page
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    page = seller.post(f"/t/alice/cases/{case.pk}/", {"op": "notify"}, follow=True)
    page = page.content.decode()
    assert "이메일 발송" in _notified(page) and "결과 메일 다시 보내기" not in page
    assert len(mail.outbox) == 1


def test_c1_02_a_phone_complainant_is_told_by_phone_and_that_is_recorded(alice, login) -> None:
    case = helpers.seller_case(alice, email="")
    seller = login(alice)
    page = _answer(seller, case)
    assert "이메일 주소가 없어 메일은 보내지 않습니다" in page
    assert "결과 안내 메일을 보냅니다" not in page
    assert "이메일 주소 없음" in _notified(page) and "결과 메일 다시 보내기" not in page
    assert not mail.outbox
    page = seller.post(f"/t/alice/cases/{case.pk}/", {"op": "phoned"}, follow=True)
    case.refresh_from_db()
    assert case.notified_at is not None and case.notify_state == "phone"
    assert "전화로 안내" in _notified(page.content.decode())
    assert CaseEvent.objects.filter(case=case, kind="notified_phone", actor=alice).exists()
    record = AccessRecord.objects.get(action="case.notified", actor_id=alice.pk)
    assert record.detail["channel"] == "phone" and case.subject in record.subjects


def test_c1_02_the_result_mail_says_how_to_object(alice, login) -> None:
    complaint = helpers.member_complaint(alice)
    actions.do_transition(alice, complaint, "investigating")
    actions.do_answer(alice, complaint, result="확인했습니다.")
    [sent] = mail.outbox
    desk = registers.current().manager
    assert "회신해 주세요" not in sent.body
    assert sent.reply_to == [desk.email] and desk.phone in sent.body
    assert "발신 전용" in sent.body
