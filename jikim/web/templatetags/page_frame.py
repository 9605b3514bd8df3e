"""The parts of the page frame (web/base.html) that are the same on every page for one
language, URL configuration, tenant and role: the main navigation and the footer links.

They are drawn once per process for each such combination and kept. Drawing them on every
page (twenty URL reversals and as many translations) was half the time of drawing a
search or order page; nothing in them depends on the request beyond the key.
"""

from __future__ import annotations

import functools
from typing import Any

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

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
