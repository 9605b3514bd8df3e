"""Login-failure limit: 5 failures in 15 minutes lock the account and the IP for 15 minutes.

Failures are recorded in the database (not a cache) so that every worker process sees the
same count and the privacy officer can review them. The typed login ID and the IP are kept
only as keyed hashes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings

from jikim import clock
from jikim.accounts.models import LoginFailure, Member


def _key(kind: str, value: str) -> str:
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def login_key(login_id: str) -> str:
    return _key("login", login_id.strip().lower())


def ip_key(ip: str) -> str:
    return _key("ip", ip)


def _locked_until(field: str, key: str) -> dt.datetime | None:
    now = clock.now()
    limit = settings.LOGIN_FAILURE_LIMIT
    window = dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    lock = dt.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    recent = list(
        LoginFailure.objects.filter(
            **{field: key}, refused_while_locked=False, at__gte=now - window - lock
        )
        .order_by("-at")
        .values_list("at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return None
    newest, oldest = recent[0], recent[-1]
    if newest - oldest > window:
        return None
    until = newest + lock
    return until if until > now else None


def locked_until(login_id: str, ip: str) -> dt.datetime | None:
    """When the account or the IP may try again, or None if not locked."""
    candidates = [
        t
        for t in (
            _locked_until("login_key", login_key(login_id)),
            _locked_until("ip_key", ip_key(ip)),
        )
        if t
    ]
    return max(candidates) if candidates else None


def record_failure(login_id: str, ip: str, *, refused: bool = False) -> LoginFailure:
    member = Member.objects.filter(login_id__iexact=login_id.strip()).first()
    return LoginFailure.objects.create(
        at=clock.now(),
        login_key=login_key(login_id),
        ip_key=ip_key(ip),
        member=member,
        refused_while_locked=refused,
    )
