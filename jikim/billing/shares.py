"""How much of a month a seller used, and what that part of a month costs (일할 계산): a
first month begun after its first day, a last month ended before its last day."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from jikim import clock
from jikim.accounts.models import Tenant
from jikim.billing import books
from jikim.billing.models import Subscription


class MonthShare(NamedTuple):
    """The days of a month the seller used, when not all of them: billed by the day."""

    first: dt.date
    last: dt.date | None  # the day the contract ended; None when used to the month's end
    days: int
    month_days: int


def month_share(tenant: Tenant, month: str) -> MonthShare | None:
    """For a month the seller did not use whole — its plan began after the first day, or
    its contract ended before the last — the days used, both ends counted, to be billed by
    the day (일할 계산). None for a month used whole."""
    start, following = books.parse_month(month)
    began = (
        Subscription.objects.filter(tenant=tenant)
        .order_by("started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    ended = tenant.contract_ended_at
    first = clock.local(began).date() if began is not None and began > start else start.date()
    last = clock.local(ended).date() if ended is not None and ended < following else None
    if last is not None and last == following.date() - dt.timedelta(days=1):
        last = None  # ended on the month's last day: the month was used to its end
    if first == start.date() and last is None:
        return None
    month_days = (following.date() - start.date()).days
    until = last if last is not None else following.date() - dt.timedelta(days=1)
    return MonthShare(first, last, max(0, (until - first).days + 1), month_days)


def supply_for(monthly_price: int, share: MonthShare | None) -> int:
    """The month's price before VAT: whole, or by the day with 원 below one dropped."""
    return monthly_price * share.days // share.month_days if share else monthly_price
