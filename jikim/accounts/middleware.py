"""Idle logout, and the two-factor gate in front of the operator console and Django admin."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from jikim import clock
from jikim.accounts.roles import operator_role_allows

LAST_SEEN_KEY = "jikim_last_seen"
# The last request's time is stored at most this often: storing it on every request made
# every page a session write (a database transaction). Erring on the strict side, a
# session can end up to this much before IDLE_LOGOUT_SECONDS of real idleness, never after.
LAST_SEEN_GRANULARITY = 60


class IdleLogoutMiddleware:
    """Ends a session after IDLE_LOGOUT_SECONDS without a request (C6-06)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = clock.now().timestamp()
            last = request.session.get(LAST_SEEN_KEY)
            if last is not None and now - float(last) > settings.IDLE_LOGOUT_SECONDS:
                logout(request)
                minutes = settings.IDLE_LOGOUT_SECONDS // 60
                messages.info(
                    request,
                    _("%(minutes)s분 동안 사용하지 않아 자동으로 로그아웃되었습니다.")
                    % {"minutes": minutes},
                )
                return redirect(f"{reverse('account_login')}?next={request.path}")
            if last is None or now - float(last) >= LAST_SEEN_GRANULARITY:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class OperatorMfaMiddleware:
    """Operator console and admin: operators only (others get 404), and only with TOTP."""

    PREFIXES = {"/console/": "console", "/admin/": "django_admin"}

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        permission = next(
            (p for prefix, p in self.PREFIXES.items() if request.path.startswith(prefix)), None
        )
        if permission is None:
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        role = getattr(user, "operator_role", "")
        if not operator_role_allows(role, permission):
            raise Http404
        if not is_mfa_enabled(user, ["totp"]):
            messages.warning(
                request, _("운영자 화면은 2단계 인증(OTP)을 설정한 뒤에 사용할 수 있습니다.")
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
