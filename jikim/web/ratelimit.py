"""Rate limits: so many uses per key in a fixed window.

The counts are rows of the main database (RateCount), which every worker process of the
web server shares: one atomic INSERT … ON CONFLICT … RETURNING per use, on SQLite and
PostgreSQL alike. Django's cache would count per process unless a shared one is configured,
and its database cache neither increments atomically nor keeps an entry's expiry on an
increment (a week-long window would end after the default five minutes).

What is limited (an IP address, an order number, a request) is never a key nor part of a
record: each is replaced by a keyed hash, and a window's row goes once the window has ended.
The first refusal in each window is an access record ("ratelimit.refused") naming the limit
and that hash, so a flood costs one record, not one per request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections, router
from django.http import HttpResponse

from jikim import clock
from jikim.audit.records import record
from jikim.web.models import RateCount

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


# Ended windows are deleted at most this often by each process, on its next use.
FORGET_EVERY_SECONDS = 60
_forgotten_at = {"monotonic": float("-inf")}


def _window(limit: Limit, value: str) -> tuple[str, str, dt.datetime]:
    number = int(clock.now().timestamp() // limit.seconds)
    digest = keyed(f"{limit.name}:{value}")
    ends = dt.datetime.fromtimestamp((number + 1) * limit.seconds, tz=dt.UTC)
    return f"{limit.name}:{digest}:{number}", digest, ends


def _sql(statement: str, params: list[Any]) -> tuple[int, Any]:
    """Run one statement on the counts' database: (rows changed, first value returned)."""
    connection = connections[router.db_for_write(RateCount)]
    quote = connection.ops.quote_name
    table = quote(RateCount._meta.db_table)
    adapted = [
        connection.ops.adapt_datetimefield_value(p) if isinstance(p, dt.datetime) else p
        for p in params
    ]
    with connection.cursor() as cursor:
        cursor.execute(statement.format(table=table, count=quote("count")), adapted)
        row = cursor.fetchone() if cursor.description else None
        return cursor.rowcount, (row[0] if row else None)


def forget_ended() -> int:
    """Delete the counts of windows that have ended; how many."""
    _forgotten_at["monotonic"] = time.monotonic()
    return _sql("DELETE FROM {table} WHERE expires_at <= %s", [clock.now()])[0]


def _refuse(limit: Limit, key: str, digest: str, tenant_id: int | None) -> int:
    first, _ = _sql(
        "UPDATE {table} SET noted = %s WHERE key = %s AND noted = %s", [True, key, False]
    )
    if first:
        record(
            REFUSED,
            tenant_id=tenant_id,
            detail={"limit": limit.name, "key": digest, "window_seconds": limit.seconds},
        )
    return limit.retry_after()


def hit(limit: Limit, value: str, *, tenant_id: int | None = None) -> int | None:
    """Count one use of `value`. None while within the limit; once over it, the seconds
    until the window ends (what Retry-After says)."""
    if time.monotonic() - _forgotten_at["monotonic"] >= FORGET_EVERY_SECONDS:
        forget_ended()
    key, digest, ends = _window(limit, value)
    _, count = _sql(
        "INSERT INTO {table} (key, {count}, expires_at, noted) VALUES (%s, 1, %s, %s) "
        "ON CONFLICT (key) DO UPDATE SET {count} = {table}.{count} + 1 RETURNING {count}",
        [key, ends, False],
    )
    if int(count) <= limit.count:
        return None
    return _refuse(limit, key, digest, tenant_id)


def exhausted(limit: Limit, value: str, *, tenant_id: int | None = None) -> int | None:
    """Like `hit` without counting: for limits counted elsewhere (wrong codes are counted
    after the check, and the check itself must be refused once they are used up)."""
    key, digest, _ = _window(limit, value)
    _, count = _sql("SELECT {count} FROM {table} WHERE key = %s", [key])
    if count is None or int(count) < limit.count:
        return None
    return _refuse(limit, key, digest, tenant_id)


def refused(response: HttpResponse, retry_after: int) -> HttpResponse:
    """A page answering a refused use: 429 with Retry-After, so clients can wait."""
    response.status_code = 429
    response["Retry-After"] = str(retry_after)
    return response


def wait_text(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    return f"{minutes}분" if seconds >= 60 else f"{seconds}초"
