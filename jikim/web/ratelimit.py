"""Rate limits: so many uses per key in a fixed window, counted in Django's cache.

With several worker processes the cache must be one they share (Redis, Memcached or the
database cache); with each process's own memory cache a limit holds per process only.

What is limited (an IP address, an order number, a request) is never a cache key nor part
of a record: each is replaced by a keyed hash. The first refusal in each window is an
access record ("ratelimit.refused") naming the limit and that hash, so a flood costs one
record, not one per request.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from jikim import clock
from jikim.audit.records import record

REFUSED = "ratelimit.refused"


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    seconds: int

    @classmethod
    def named(cls, name: str) -> Limit:
        """A limit of settings.RATE_LIMITS, read when used so that it can be changed
        without a restart of the code that holds it."""
        count, _, seconds = str(settings.RATE_LIMITS[name]).partition("/")
        return cls(name, int(count), int(seconds or 60))

    def retry_after(self) -> int:
        """Seconds until the current window ends."""
        now = clock.now().timestamp()
        return max(1, math.ceil(self.seconds - now % self.seconds))


def keyed(value: str) -> str:
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, f"ratelimit:{value}".encode(), hashlib.sha256).hexdigest()[:32]


def _cache_key(limit: Limit, value: str) -> tuple[str, str]:
    window = int(clock.now().timestamp() // limit.seconds)
    digest = keyed(f"{limit.name}:{value}")
    return f"jikim:ratelimit:{limit.name}:{digest}:{window}", digest


def _refuse(limit: Limit, name: str, digest: str, tenant_id: int | None) -> int:
    if cache.add(f"{name}:noted", 1, timeout=limit.seconds + 60):
        record(
            REFUSED,
            tenant_id=tenant_id,
            detail={"limit": limit.name, "key": digest, "window_seconds": limit.seconds},
        )
    return limit.retry_after()


def hit(limit: Limit, value: str, *, tenant_id: int | None = None) -> int | None:
    """Count one use of `value`. None while within the limit; once over it, the seconds
    until the window ends (what Retry-After says)."""
    name, digest = _cache_key(limit, value)
    cache.add(name, 0, timeout=limit.seconds + 60)
    try:
        count = cache.incr(name)
    except ValueError:  # evicted or expired between add and incr
        cache.set(name, 1, timeout=limit.seconds + 60)
        count = 1
    if count <= limit.count:
        return None
    return _refuse(limit, name, digest, tenant_id)


def exhausted(limit: Limit, value: str, *, tenant_id: int | None = None) -> int | None:
    """Like `hit` without counting: for limits counted elsewhere (wrong codes are counted
    after the check, and the check itself must be refused once they are used up)."""
    name, digest = _cache_key(limit, value)
    if int(cache.get(name, 0)) < limit.count:
        return None
    return _refuse(limit, name, digest, tenant_id)


def refused(response: HttpResponse, retry_after: int) -> HttpResponse:
    """A page answering a refused use: 429 with Retry-After, so clients can wait."""
    response.status_code = 429
    response["Retry-After"] = str(retry_after)
    return response


def wait_text(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    return f"{minutes}분" if seconds >= 60 else f"{seconds}초"
