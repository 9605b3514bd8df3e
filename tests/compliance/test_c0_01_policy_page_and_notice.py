"""C0-01: the published privacy policy is a page of the product, and a change to it is
announced on the notice board (and optionally by e-mail to members)."""

import pytest
from django.core import mail
from django.test import Client

from jikim.accounts.actions import do_withdraw
from jikim.policy import bundle, versions
from jikim.policy.models import Notice
from tests.conftest import create_member
from tests.policy.support import changed, officer, publish
from tests.vaulthelp import plain

pytestmark = pytest.mark.django_db

LOG_6M = ('trigger = "log.written"\nperiod = "3m"', 'trigger = "log.written"\nperiod = "6m"')


def test_c0_01_the_policy_is_a_page_of_the_product() -> None:
    response = Client().get("/privacy/")
    assert response.status_code == 200
    page = response.content.decode()
    running = bundle.current()
    for number, section in enumerate(running.prose.sections.values(), start=1):
        assert f"{number}. {section.title}" in page
    assert f"버전 {versions.in_force().label}" in page
    landing = Client().get("/").content.decode()
    assert 'href="/privacy/"' in landing and "개인정보처리방침" in landing  # on every page
    assert Client().get("/privacy").status_code == 301  # the short address leads there


def test_c0_01_a_change_is_announced_on_the_notice_board() -> None:
    published = publish(officer(), changed(LOG_6M, version="2027-02-01"), email=False)
    notice = Notice.objects.get(version=published)
    board = Client().get("/notices/").content.decode()
    assert notice.title in board and f"/notices/{notice.pk}/" in board
    detail = Client().get(f"/notices/{notice.pk}/").content.decode()
    assert "개인정보처리방침이 다음과 같이 개정됩니다" in detail
    assert f"{published.effective_at:%Y-%m-%d}" in detail or notice.title in detail
    assert "/privacy/versions/2027-02-01/" in detail
    assert mail.outbox == []  # e-mail only when asked


def test_c0_01_and_optionally_by_email_to_every_member() -> None:
    members = [create_member("seller_a"), create_member("seller_b")]
    gone = create_member("seller_gone")
    do_withdraw(gone)
    actor = officer()
    mail.outbox.clear()
    published = publish(actor, changed(LOG_6M, version="2027-02-01"), email=True)
    notice = Notice.objects.get(version=published)
    recipients = [m.to for m in mail.outbox]
    assert all(len(to) == 1 for to in recipients)  # nobody sees another member's address
    addresses = {to[0] for to in recipients}
    assert {plain(m, "email_address") for m in [*members, actor]} <= addresses
    assert "seller_gone@example.com" not in addresses
    message = mail.outbox[0]
    assert "개인정보처리방침 개정 안내" in message.subject
    assert (
        f"/notices/{notice.pk}/" in message.body and "/privacy/versions/2027-02-01/" in message.body
    )
    notice.refresh_from_db()
    assert notice.email_requested and notice.emailed_count == len(mail.outbox)
    assert notice.emailed_at is not None
    from jikim.policy.tasks import send_policy_notice

    send_policy_notice.call(published.pk)  # a retried task does not mail twice
    assert len(mail.outbox) == notice.emailed_count
