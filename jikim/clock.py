"""The one clock every time-based rule reads.

Retention, deadlines, lockouts and notices all ask this module for "now", so a test
can move the whole service through years of its policy (time-machine patches the
system clock underneath, and `frozen` pins it without a plugin).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")

_source: Callable[[], dt.datetime] | None = None


def now() -> dt.datetime:
    """The current instant, timezone-aware (UTC)."""
    if _source is not None:
        return _source()
    return dt.datetime.now(tz=dt.UTC)


def today() -> dt.date:
    """Today's date in Korea, where the policy's days are counted."""
    return now().astimezone(SEOUL).date()


def local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(SEOUL)


@contextlib.contextmanager
def frozen(moment: dt.datetime) -> Iterator[None]:
    """Pin the clock to `moment` for the duration of the block."""
    global _source
    previous = _source
    _source = lambda: moment  # noqa: E731
    try:
        yield
    finally:
        _source = previous
