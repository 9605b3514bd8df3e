"""The request a person is acting through: origin IP and request id for access records.

Actions take the acting member explicitly; where the act came from is ambient, set once
per request by `RequestContextMiddleware`, so no action needs an HTTP request to run.
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class Origin:
    ip: str
    request_id: str


_current: contextvars.ContextVar[Origin | None] = contextvars.ContextVar("origin", default=None)


def current() -> Origin:
    return _current.get() or Origin(ip="", request_id="")


def client_ip(request: HttpRequest) -> str:
    # Behind a proxy, SECURE_PROXY_SSL_HEADER deployments set REMOTE_ADDR via the proxy
    # protocol; X-Forwarded-For is not trusted because any client can send it.
    return str(request.META.get("REMOTE_ADDR", ""))


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        origin = Origin(ip=client_ip(request), request_id=uuid.uuid4().hex)
        request.request_id = origin.request_id  # type: ignore[attr-defined]
        token = _current.set(origin)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
