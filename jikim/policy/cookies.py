"""Cookies (C8-01, C8-02): which ones a response may set, the consent choice, and the
visit records of the browsers that opted in to analytics.

Two cookies are ours:
- `jikim_cookies` holds the choice ("analytics:1" or "analytics:0") and nothing else. It
  is in the required category although it is set before any consent: without it a
  refusal could not be remembered and the banner would ask on every page. It carries no
  identifier, so it cannot tell one browser from another that chose the same.
- `jikim_visitor` holds a random visitor id, made only when the visitor opts in and
  deleted when they refuse. Visits are recorded only while it and an active consent row
  exist; the server does all the counting, no third-party script is ever loaded.

`CookieGuardMiddleware` (outermost) removes from every response any cookie that policy.toml
does not declare, and any cookie of an optional category the browser has not opted in to,
so no code path can set one without consent.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from http.cookies import Morsel

from django.conf import settings
from django.db import DatabaseError
from django.db.models import F
from django.http import HttpRequest, HttpResponse

from jikim import clock
from jikim.policy import registers
from jikim.policy.models import CookieConsent, VisitRecord

logger = logging.getLogger(__name__)

CHOICE_COOKIE = "jikim_cookies"
VISITOR_COOKIE = "jikim_visitor"
ANALYTICS = "analytics"
MAX_AGE = 365 * 24 * 3600  # asked again after a year
VISIT_GAP = dt.timedelta(minutes=30)  # a new visit after half an hour without a page
_VISITOR = re.compile(r"^v_[0-9a-f]{32}$")
# "category:1|other:0": characters a cookie value carries without quoting.
_CHOICE = re.compile(r"^[a-z_]+:[01]$")


def read_choice(value: str | None) -> dict[str, bool] | None:
    """The choice stored in the cookie; None when none was made (or it is unreadable)."""
    if not value:
        return None
    parts = value.strip('"').split("|")
    if not all(_CHOICE.match(p) for p in parts):
        return None
    return {k: v == "1" for k, v in (p.split(":") for p in parts)}


def choice_value(choices: dict[str, bool]) -> str:
    return "|".join(f"{k}:{int(v)}" for k, v in sorted(choices.items()))


def valid_visitor(value: str | None) -> bool:
    return bool(value and _VISITOR.match(value))


def set_choice_cookies(response: HttpResponse, *, analytics: bool, visitor: str | None) -> None:
    secure = settings.SESSION_COOKIE_SECURE
    response.set_cookie(
        CHOICE_COOKIE,
        choice_value({ANALYTICS: analytics}),
        max_age=MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=secure,
    )
    if analytics and visitor:
        response.set_cookie(
            VISITOR_COOKIE, visitor, max_age=MAX_AGE, httponly=True, samesite="Lax", secure=secure
        )
    else:
        response.delete_cookie(VISITOR_COOKIE, samesite="Lax")


def day_subject(moment: dt.datetime) -> str:
    """Visits are destroyed by day: one retention subject per day of visits."""
    return f"visit_{clock.local(moment):%Y%m%d}"


def record_visit(visitor: str, now: dt.datetime | None = None) -> None:
    """A page view of an opted-in browser: extends its current visit or starts one."""
    now = now or clock.now()
    extended = VisitRecord.objects.filter(visitor=visitor, last_at__gte=now - VISIT_GAP).update(
        last_at=now, pages=F("pages") + 1
    )
    if not extended:
        VisitRecord.objects.create(
            visitor=visitor, day=day_subject(now), started_at=now, last_at=now
        )


def _is_deletion(morsel: Morsel[str]) -> bool:
    return str(morsel["max-age"]) == "0" or morsel["expires"].startswith("Thu, 01 Jan 1970")


def _consented(request: HttpRequest, response: HttpResponse) -> dict[str, bool]:
    morsel = response.cookies.get(CHOICE_COOKIE)
    if morsel is not None and not _is_deletion(morsel):
        return read_choice(morsel.value) or {}
    return read_choice(request.COOKIES.get(CHOICE_COOKIE)) or {}


class CookieGuardMiddleware:
    """First in MIDDLEWARE, so it sees every cookie any layer below has set."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.cookies:
            self.guard(request, response)
        return response

    @staticmethod
    def guard(request: HttpRequest, response: HttpResponse) -> None:
        declared = registers.current()
        consented = _consented(request, response)
        for name in list(response.cookies):
            if _is_deletion(response.cookies[name]):
                continue  # removing a cookie needs no consent
            category = declared.cookie_category_of(name)
            if category is None:
                del response.cookies[name]
                logger.warning("cookie %s is not declared in policy.toml; not set", _loggable(name))
            elif not category.required and not consented.get(category.id):
                del response.cookies[name]
                logger.warning(
                    "cookie %s needs consent to %s; not set", _loggable(name), category.id
                )


_PLAIN_NAME = re.compile(r"[A-Za-z_\-]{1,40}")  # no digits or dots: no phone, no address


def _loggable(name: str) -> str:
    """A cookie's name for the log, or a placeholder: names are chosen by code, but one
    built from data (an address, a phone) must not carry it into the log."""
    return repr(name) if _PLAIN_NAME.fullmatch(name) else "<name withheld>"


def _page_view(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        request.method == "GET"
        and response.status_code < 400
        and "text/html" in response.get("Content-Type", "")
        and not request.headers.get("HX-Request")
    )


class VisitMiddleware:
    """Records the visits of opted-in browsers (C8-01); clears a visitor cookie that has
    no consent behind it (refused, withdrawn elsewhere, or forged), recording nothing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        visitor = request.COOKIES.get(VISITOR_COOKIE)
        if visitor is None or VISITOR_COOKIE in response.cookies:
            return response  # no analytics cookie, or the view has just decided about it
        try:
            choice = read_choice(request.COOKIES.get(CHOICE_COOKIE)) or {}
            consented = CookieConsent.objects.filter(visitor=visitor, withdrawn_at__isnull=True)
            if not (choice.get(ANALYTICS) and valid_visitor(visitor) and consented.exists()):
                response.delete_cookie(VISITOR_COOKIE, samesite="Lax")
            elif _page_view(request, response):
                record_visit(visitor)
        except DatabaseError:
            # Analytics must never turn a page into an error; nothing personal is logged.
            logger.warning("a visit was not recorded")
        return response
