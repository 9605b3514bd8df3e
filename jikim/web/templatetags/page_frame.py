"""The parts of the page frame (web/base.html) that are the same on every page for one
language, URL configuration, tenant and role: the main navigation and the footer links,
and the cookie banner around its two per-page values.

They are drawn once per process for each such combination and kept. Drawing them on every
page (twenty URL reversals and as many translations) was half the time of drawing a
search or order page; nothing in them depends on the request beyond the key.
"""

from __future__ import annotations

import functools
import secrets
from typing import Any

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from jikim.policy.templatetags import policy_tags

register = template.Library()


@functools.lru_cache(maxsize=1024)
def _drawn(part: str, key: tuple[str, str, str], nav: tuple[Any, ...]) -> SafeString:
    # `key` (language, URL configuration, script prefix) is what {% url %} and
    # {% translate %} read from the thread while the part is drawn, so it names the result.
    slug, role, console, review = nav
    context = {"nav_slug": slug, "role": role, "nav_console": console, "nav_audit_review": review}
    return mark_safe(render_to_string(f"web/_{part}.html", context))  # noqa: S308 - our template, autoescaped


def _key() -> tuple[str, str, str]:
    return (get_language() or "", str(get_urlconf() or settings.ROOT_URLCONF), get_script_prefix())


@register.simple_tag(takes_context=True)
def main_nav(context: Any) -> SafeString:
    scope = context.get("scope")
    nav = (
        context.get("nav_slug"),
        str(getattr(scope, "role", "") or ""),
        bool(context.get("nav_console")),
        bool(context.get("nav_audit_review")),
    )
    return _drawn("main_nav", _key(), nav)


@register.simple_tag
def foot_nav() -> SafeString:
    return _drawn("foot_nav", _key(), (None, "", False, False))


# Stand-ins for the banner's two per-page values while the rest of it is drawn: random, so
# that no text of the policy can contain them, and free of characters escaping changes.
_NEXT = f"jikim-frame-next-{secrets.token_hex(8)}"
_CSRF = f"jikim-frame-csrf-{secrets.token_hex(8)}"


@functools.lru_cache(maxsize=64)
def _banner(key: tuple[str, str, str], values: tuple[Any, ...] | None) -> str:
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
