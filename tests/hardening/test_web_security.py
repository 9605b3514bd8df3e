"""Web security headers and cookies (C9-04 and ASVS level 2 basics)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/rights/", "/rights/form/"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_send_a_strict_content_security_policy(path) -> None:
    response = Client().get(path)
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", PAGES)
def test_pages_carry_no_inline_script_or_style(path) -> None:
    html = Client().get(path).content.decode()
    import re

    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "<style" not in html and ' style="' not in html


def test_every_form_is_csrf_protected(alice, login) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.post("/accounts/profile/", {"company_name": "x"}).status_code == 403
    assert strict.post("/t/alice/imports/", {}).status_code == 403


def test_session_and_csrf_cookies_are_http_only() -> None:
    from django.conf import settings

    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
