"""The kept parts of the page frame draw exactly what drawing them afresh would: the cookie
banner (C8-02) through the frame's tag and through the policy's own."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.test import Client, RequestFactory
from django.utils import translation

from jikim.policy import cookies
from jikim.web.templatetags import page_frame

FRAME = engines["django"].from_string("{% load page_frame %}{% cookie_banner %}")
POLICY = engines["django"].from_string("{% load policy_tags %}{% cookie_banner %}")
TOKEN = "tok3n"
PATHS = ["/", "/t/alice/orders/?q=5678&page=2", "/notices/?x=\"<b>&amp;'</b>", "/%ED%95%9C/"]


def _both(path: str, choice: str | None = None, token: object = TOKEN) -> tuple[str, str]:
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    if choice is not None:
        request.COOKIES[cookies.CHOICE_COOKIE] = choice
    return (
        FRAME.render({"csrf_token": token}, request=request),
        POLICY.render({"csrf_token": token}, request=request),
    )


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("path", PATHS)
def test_the_kept_banner_is_the_policy_banner(path: str, language: str) -> None:
    with translation.override(language):
        framed, policy = _both(path)
    assert framed == policy
    assert 'data-testid="cookie-banner"' in framed and "tok3n" in framed


def test_the_kept_banner_keeps_each_language_apart() -> None:
    with translation.override("ko"):
        korean, _ = _both("/")
    with translation.override("en"):
        english, _ = _both("/")
    with translation.override("ko"):
        assert _both("/")[0] == korean
    assert korean != english


def test_no_banner_once_chosen_or_on_the_settings_page() -> None:
    hidden = [_both("/", "analytics:0"), _both("/", "analytics:1"), _both("/cookies/")]
    for framed, policy in hidden:
        assert framed == policy and "cookie-banner" not in framed
    framed, policy = _both("/", "garbage")
    assert framed == policy and "cookie-banner" in framed, "an unreadable choice asks again"


def test_a_missing_token_draws_as_before() -> None:
    framed, policy = _both("/", token=None)
    assert framed == policy


@pytest.mark.django_db
def test_a_page_carries_its_own_next_and_csrf_token() -> None:
    client = Client()
    first = client.get("/privacy/?a=1").content.decode()
    second = client.get("/notices/").content.decode()
    assert 'name="next" value="/privacy/?a=1"' in first
    assert 'name="next" value="/notices/"' in second
    assert "jikim-frame-" not in first + second


BODY = engines["django"].from_string("{% load page_frame %}{% frame_body %}")
FOOT = engines["django"].from_string("{% load page_frame %}{% frame_foot %}")


class _Member:
    is_authenticated = True

    def __init__(self, login_id: str) -> None:
        self.login_id = login_id


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("login_id", ["alice", "<b>&'\"bob</b>"])
@pytest.mark.parametrize("path", PATHS)
def test_the_kept_frame_is_the_frame_drawn_afresh(path: str, login_id: str, language: str) -> None:
    """Header and footer come from a kept drawing with stand-ins; with the page's own login
    id, token and address put in, they are what drawing them afresh gives."""
    request = RequestFactory().get(path)
    request.user = _Member(login_id)
    csrf_input = f'<input type="hidden" name="csrfmiddlewaretoken" value="{TOKEN}">'
    with translation.override(language):
        key = page_frame._key()
        for signed_in in (True, False):
            user = request.user if signed_in else AnonymousUser()
            context = {"csrf_token": TOKEN, "user": user, "nav_slug": "alice"}
            body = BODY.render(context, request=request)
            nav = ("alice", "", False, False, False)
            fresh = page_frame.draw(
                "frame_body",
                key,
                (nav, signed_in),
                login_id=login_id,
                csrf_input=csrf_input,
                next_path=path,
            )
            assert body == fresh
            assert ("logout" in body) is signed_in
            assert "jikim-frame-" not in body
        foot = FOOT.render({"csrf_token": TOKEN}, request=request)
        fresh_foot = page_frame.draw(
            "frame_foot",
            key,
            (),
            login_id="",
            csrf_input=csrf_input,
            next_path=request.get_full_path(),
        )
        assert foot == fresh_foot + _both(path)[1]
    assert "jikim-frame-" not in foot and TOKEN in foot


@pytest.mark.django_db
def test_a_signed_in_page_shows_its_own_member(client: Client) -> None:
    from tests.conftest import create_seller

    for login_id in ("alice", "bob"):
        seller = create_seller(login_id)
        client.force_login(seller, backend="django.contrib.auth.backends.ModelBackend")
        page = client.get("/privacy/").content.decode()
        assert f'class="who">{seller.login_id}</a>' in page
        assert 'name="csrfmiddlewaretoken" value="' in page
        assert "jikim-frame-" not in page
