"""The page frame (web/base.html) around each page's own blocks: the head, the header with
the main navigation and the signed-in member's links, the footer with the language form, and
the cookie banner.

Each part is the same on every page for one language, URL configuration, tenant, role and
signed-in state: it is drawn once per process for each such combination and kept, and the
few per-page values (login id, CSRF token, the page's own address) are put into the kept
drawing through stand-ins. Drawn afresh on every page, the frame (twenty URL reversals,
as many translations, some forty template nodes) cost more than the search or order page
inside it.
"""

from __future__ import annotations

import functools
import secrets
from typing import Any

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from jikim.accounts.roles import tenant_allows
from jikim.policy.templatetags import policy_tags
from jikim.web.context import links

register = template.Library()

# Stand-ins for the per-page values while a part is drawn: random, so that no text of the
# frame or the policy can contain them, and free of characters escaping changes.
_NEXT = f"jikim-frame-next-{secrets.token_hex(8)}"
_CSRF = f"jikim-frame-csrf-{secrets.token_hex(8)}"
_CSRF_INPUT = f"jikim-frame-csrfinput-{secrets.token_hex(8)}"
_LOGIN = f"jikim-frame-login-{secrets.token_hex(8)}"

Key = tuple[str, str, str]
NAV_PERMISSIONS = (
    "import_orders",
    "edit_orders",
    "handle_cases",
    "manage_staff",
    "manage_api_keys",
    "billing",
)


def _key() -> Key:
    # What {% url %}, {% static %} and {% translate %} read from the thread while a part is
    # drawn, so it names the result.
    return (get_language() or "", str(get_urlconf() or settings.ROOT_URLCONF), get_script_prefix())


@functools.lru_cache(maxsize=1024)
def _drawn(part: str, key: Key, nav: tuple[Any, ...]) -> SafeString:
    slug, role, ended, console, review = nav
    context = {
        "nav_slug": slug,
        "role": role,
        # A link only to pages the role may open (at a seller whose contract has ended, fewer):
        # the others would answer 403.
        "can": {
            permission: tenant_allows(role, permission, contract_ended=ended)
            for permission in NAV_PERMISSIONS
        },
        "nav_console": console,
        "nav_audit_review": review,
        # The header's search form posts (a phone number stays out of the address); the
        # stand-in is filled per page with frame_body's.
        "csrf_input": mark_safe(_CSRF_INPUT),  # noqa: S308 - a stand-in, no value
    }
    return mark_safe(render_to_string(f"web/_{part}.html", context))  # noqa: S308 - our template, autoescaped


def draw(
    part: str, key: Key, state: tuple[Any, ...], *, login_id: str, csrf_input: str, next_path: str
) -> str:
    """One part of the frame drawn afresh with the given per-page values."""
    context: dict[str, Any] = {
        "nav_url": links(key[1], key[2]),
        "login_id": login_id,
        "csrf_input": mark_safe(csrf_input),  # noqa: S308 - built by _csrf_input or a stand-in
        "next": next_path,
    }
    if part == "frame_body":
        nav, context["authenticated"] = state
        # The header's search form carries the page's token too.
        context["main_nav"] = mark_safe(  # noqa: S308 - our template; the input built here
            _drawn("main_nav", key, nav).replace(_CSRF_INPUT, csrf_input)
        )
    elif part == "frame_foot":
        context["foot_nav"] = _drawn("foot_nav", key, (None, "", False, False, False))
    return render_to_string(f"web/_{part}.html", context)


@functools.lru_cache(maxsize=1024)
def _kept(part: str, key: Key, state: tuple[Any, ...]) -> str:
    return draw(part, key, state, login_id=_LOGIN, csrf_input=_CSRF_INPUT, next_path=_NEXT)


def _csrf_input(context: Any) -> str:
    """What {% csrf_token %} draws."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":  # noqa: S105 - Django's "no token" marker
        return ""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


@register.simple_tag
def frame_open() -> SafeString:
    return mark_safe(_kept("frame_open", _key(), ()))  # noqa: S308 - our template


@register.simple_tag
def frame_head() -> SafeString:
    return mark_safe(_kept("frame_head", _key(), ()))  # noqa: S308 - our template


@register.simple_tag(takes_context=True)
def frame_body(context: Any) -> SafeString:
    user = context.get("user")
    authenticated = bool(user is not None and user.is_authenticated)
    scope = context.get("scope")
    nav = (
        context.get("nav_slug"),
        str(getattr(scope, "role", "") or ""),
        bool(getattr(scope, "contract_ended", False)),
        bool(context.get("nav_console")),
        bool(context.get("nav_audit_review")),
    )
    drawn = _kept("frame_body", _key(), (nav, authenticated)).replace(
        _CSRF_INPUT, _csrf_input(context)
    )
    if authenticated:
        drawn = drawn.replace(_LOGIN, conditional_escape(user.login_id))
    return mark_safe(drawn)  # noqa: S308 - our template, autoescaped; values escaped here


@register.simple_tag(takes_context=True)
def frame_foot(context: Any) -> SafeString:
    request = context.get("request")
    next_path = request.get_full_path() if request is not None else ""
    drawn = (
        _kept("frame_foot", _key(), ())
        .replace(_CSRF_INPUT, _csrf_input(context))
        .replace(_NEXT, conditional_escape(next_path))
    )
    return mark_safe(drawn + cookie_banner(context))  # noqa: S308 - as frame_body


@functools.lru_cache(maxsize=64)
def _banner(key: Key, values: tuple[Any, ...] | None) -> str:
    # `values` are every other variable policy/cookie_banner.html reads (None: not shown):
    # the template is the policy's own, so the banner is the same with or without the frame.
    if values is None:
        return render_to_string("policy/cookie_banner.html", {"show": False})
    action, policy_url, optional = values
    context = {
        "show": True,
        "optional": optional,
        "action": action,
        "policy_url": policy_url,
        "next": _NEXT,
        "csrf_token": _CSRF,
    }
    return render_to_string("policy/cookie_banner.html", context)


@register.simple_tag(takes_context=True)
def cookie_banner(context: Any) -> SafeString:
    """The policy's cookie banner (C8-02), shown on every page until the visitor chooses:
    the policy's tag decides and supplies the values, the drawing is kept per language
    and URL configuration. A visitor who never answers is shown it on every page, so its
    translations and URL reversals were a third of the frame's time."""
    values = policy_tags.cookie_banner(context)
    if not values["show"]:
        return mark_safe(_banner(_key(), None))  # noqa: S308 - our template
    frame = _banner(_key(), (values["action"], values["policy_url"], tuple(values["optional"])))
    return mark_safe(  # noqa: S308 - our template, autoescaped; both values escaped here
        frame.replace(_NEXT, conditional_escape(values["next"])).replace(
            _CSRF, conditional_escape(values["csrf_token"])
        )
    )
