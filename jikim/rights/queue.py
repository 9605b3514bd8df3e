"""How a queue of data subjects' requests stands: open ones, and those past their 10-day
due date (C6-01) — what the seller's home page and the operator's console count."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from jikim import clock
from jikim.rights.models import OPEN_STATES, Request


@dataclass(frozen=True)
class OpenCounts:
    open: int
    overdue: int


def open_counts(requests: QuerySet[Request]) -> OpenCounts:
    counts = requests.filter(state__in=OPEN_STATES).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=clock.now()))
    )
    return OpenCounts(counts["open"], counts["overdue"])
