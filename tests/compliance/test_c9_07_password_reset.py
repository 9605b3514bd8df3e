"""C9-07: a password reset is identity-checked by e-mail; without the e-mailed token it is
impossible, and the token expires."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client

from jikim.accounts.models import Member

pytestmark = pytest.mark.django_db
NEW = "Riverstone2027q"


def _request_reset(moment: dt.datetime) -> str:
    with time_machine.travel(moment, tick=False):
        response = Client().post("/accounts/password/reset/", {"email": "alice@example.com"})
    assert response.status_code == 302
    body = mail.outbox[-1].body
    return re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[\x21-\x7e]+)", body).group(1)


def _set_password(client: Client, link: str) -> int:
    page = client.get(link, follow=True)
    url = page.redirect_chain[-1][0] if page.redirect_chain else link
    return client.post(url, {"password1": NEW, "password2": NEW}).status_code


def test_c9_07_reset_works_with_the_emailed_token(alice: Member) -> None:
    moment = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    link = _request_reset(moment)
    with time_machine.travel(moment + dt.timedelta(minutes=5), tick=False):
        assert _set_password(Client(), link) == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW)


def test_c9_07_reset_without_the_token_is_impossible(alice: Member) -> None:
    link = _request_reset(dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    forged = re.sub(r"-[0-9a-z]+-[0-9a-f]+/$", "-abc123-0123456789abcdef/", link)
    client = Client()
    client.get(forged, follow=True)
    client.post(forged, {"password1": NEW, "password2": NEW})
    alice.refresh_from_db()
    assert not alice.check_password(NEW)


def test_c9_07_the_token_expires(alice: Member) -> None:
    moment = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    link = _request_reset(moment)
    with time_machine.travel(moment + dt.timedelta(hours=2), tick=False):
        client = Client()
        page = client.get(link, follow=True)
        assert "유효하지 않" in page.content.decode() or "invalid" in page.content.decode().lower()
        client.post(link, {"password1": NEW, "password2": NEW})
    alice.refresh_from_db()
    assert not alice.check_password(NEW)


def test_c9_07_unknown_address_reveals_nothing(alice: Member) -> None:
    response = Client().post("/accounts/password/reset/", {"email": "stranger@example.com"})
    assert response.status_code == 302
