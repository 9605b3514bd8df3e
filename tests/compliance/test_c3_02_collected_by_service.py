"""C3-02: automatically generated data (logs, IPs) is collected by the service itself —
its own middleware writes it on every request without any act of the user, and no page
loads a third party's script, style, image or frame."""

import re

import pytest
from django.conf import settings
from django.test import Client

from jikim.audit.models import ServiceLog
from tests.audit.support import make_operator

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(db):
    return make_operator("officer", "privacy_officer")


def test_c3_02_the_service_log_middleware_is_installed() -> None:
    assert "jikim.audit.servicelog.ServiceLogMiddleware" in settings.MIDDLEWARE
    assert "jikim.audit.context.RequestContextMiddleware" in settings.MIDDLEWARE


def test_c3_02_rows_appear_without_any_user_action(db) -> None:
    before = ServiceLog.objects.count()
    Client().get("/")  # a visitor only looks
    assert ServiceLog.objects.count() == before + 1


_EXTERNAL = re.compile(
    r"""<(?:script|link|img|iframe|source|embed|object)\b[^>]*?"""
    r"""\b(?:src|href|data)\s*=\s*["'](?:https?:)?//""",
    re.IGNORECASE,
)


def _pages(alice, officer, login):
    anonymous = Client()
    yield anonymous.get("/")
    yield anonymous.get("/accounts/login/")
    yield anonymous.get("/accounts/signup/")
    member = login(alice)
    yield member.get("/accounts/profile/")
    yield member.get("/t/alice/")
    yield member.get("/t/alice/staff/")
    staff = login(officer)
    yield staff.get("/console/")
    yield staff.get("/console/audit/review/")
    yield staff.get("/console/audit/permissions/")


def test_c3_02_no_page_loads_anything_from_a_third_party(alice, officer, login) -> None:
    for response in _pages(alice, officer, login):
        assert response.status_code == 200, response
        html = response.content.decode()
        assert not _EXTERNAL.search(html), "every script, style and image comes from the service"
        for marker in ("googletagmanager", "google-analytics", "gtag(", "facebook.net", "hotjar"):
            assert marker not in html
