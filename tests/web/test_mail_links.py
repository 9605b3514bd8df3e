"""Links in e-mails lead to where the service is reached (settings.SITE_URL): an
invitation, a policy notice and a data subject's confirmation opened from a mailbox work
behind a proxy or on another port, not only on the development server's."""

import re

import pytest
from django.core import mail
from django.test import override_settings

from tests.policy.support import changed, officer, publish

pytestmark = pytest.mark.django_db

SITE = "https://jikim.example.kr"


def _links(body: str) -> list[str]:
    return re.findall(r"https?://[^\s]+", body)


@override_settings(SITE_URL=SITE)
def test_an_invitation_links_to_the_site_address(alice, login) -> None:
    login(alice).post("/t/alice/staff/", {"email": "helper@example.com", "role": "viewer"})
    links = _links(mail.outbox[-1].body)
    assert links and all(link.startswith(f"{SITE}/invitations/") for link in links)


@override_settings(SITE_URL=SITE)
def test_a_policy_notice_links_to_the_site_address() -> None:
    publish(
        officer(), changed(('period = "3m"', 'period = "6m"'), version="2027-02-01"), email=True
    )
    body = mail.outbox[-1].body
    assert f"{SITE}/notices/" in body and f"{SITE}/privacy/versions/2027-02-01/" in body
    assert ":8000" not in body


def test_the_development_default_is_the_development_server() -> None:
    from django.conf import settings

    assert settings.SITE_URL.startswith("http://") and settings.SITE_URL.endswith(":8000")
