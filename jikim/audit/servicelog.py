"""Service logs (C2-02, C3-02): the service itself writes one row for every request — time,
account, origin IP, method, path, route name and status. Nothing is sent to a third
party; the route name is the feature-use record.

The path is stored without its query string (search terms and the like travel there),
and a secret carried in the path (an invitation token, an e-mail confirmation or
password-reset key) is replaced by its name.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.urls import ResolverMatch

from jikim import clock
from jikim.audit import plainsql
from jikim.audit.context import client_ip
from jikim.audit.models import ServiceLog
from jikim.vault import keyring, sealing
from jikim.vault.fields import PersonalDataField, Sealed
from jikim.vault.keyring import SubjectShredded

logger = logging.getLogger(__name__)

SECRET_KWARGS = frozenset({"token", "key", "uidb36", "uidb64", "code", "secret"})
_ip_field = ServiceLog._meta.get_field("ip")
assert isinstance(_ip_field, PersonalDataField)
IP_CATEGORY = _ip_field.category


def _member_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return int(user.pk)


def stored_path(request: HttpRequest, match: ResolverMatch | None) -> str:
    path = request.path
    if match is not None:
        for name in SECRET_KWARGS & set(match.kwargs):
            value = str(match.kwargs[name])
            if value:
                path = path.replace(value, f"<{name}>")
    return path


def day_subject(request_time_local_day: str) -> str:
    """One data subject (one data key) per day of logs: see `ServiceLog`."""
    return f"log_{request_time_local_day}"


def _sealed_ip(subject: str, ip: str) -> Sealed | None:
    """The IP sealed under the day's key. The key is loaded (one key-ring query) rather than
    ensured (three): it exists after a day's first request. A shredded day still refuses
    new rows, through `ensure`."""
    if not ip:
        return None
    material = keyring.load([subject]).get(subject) or keyring.ensure([subject])[subject]
    return Sealed(sealing.seal(material, IP_CATEGORY, subject, ip))


def write(request: HttpRequest, status: int, member_id: int | None) -> ServiceLog:
    at = clock.now()
    match = getattr(request, "resolver_match", None)
    subject = day_subject(clock.local(at).strftime("%Y%m%d"))
    values = {
        "at": at,
        "member_id": member_id,
        "subject": subject,
        "ip": _sealed_ip(subject, client_ip(request)),
        "method": str(request.method)[:10],
        "path": stored_path(request, match)[:300],
        "route": (match.view_name if match is not None else "")[:100],
        "status": status,
    }
    # One row per request: plain SQL (see `plainsql`), the values prepared by the fields.
    return plainsql.loaded(ServiceLog, plainsql.insert(ServiceLog, values), values)


class ServiceLogMiddleware:
    """Placed right after AuthenticationMiddleware: it sees the account before the view
    (idle logout and logout end the session) and after it (a login starts one)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        member_id = _member_id(request)
        response = self.get_response(request)
        try:
            write(request, response.status_code, member_id or _member_id(request))
        except (DatabaseError, SubjectShredded):
            # The answer is already decided (and any act committed); losing the log line
            # must not turn it into an error page. Nothing personal goes into the warning.
            logger.warning("service log for a %s request was not written", request.method)
        return response
