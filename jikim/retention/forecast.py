"""What will move or be destroyed when, and why: the same computation the sweep runs."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from jikim import clock
from jikim.retention import rules
from jikim.retention.holds import held
from jikim.retention.models import DestructionItem, ItemStatus
from jikim.retention.separated import sweeping
from jikim.retention.sources import SOURCES


@dataclass(frozen=True)
class Line:
    due_on: dt.date
    stage: str
    rule: str
    rule_label: str
    basis: str
    source: str
    count: int
    held: int


def forecast(days: int, now: dt.datetime | None = None) -> list[Line]:
    now = now or clock.now()
    until = now + dt.timedelta(days=days)
    done = set(
        DestructionItem.objects.filter(status=ItemStatus.DONE).values_list("subject", "stage")
    )
    counts: Counter[tuple[dt.date, str, str, str]] = Counter()
    held_counts: Counter[tuple[dt.date, str, str, str]] = Counter()
    with sweeping():
        for source in SOURCES:
            due = [d for d in source.due(until) if (d.subject, d.stage) not in done]
            held_subjects, held_tenants = held([d.subject for d in due], [d.tenant_id for d in due])
            for d in due:
                # Overdue items are done by the next sweep: they count for today.
                day = max(clock.local(d.due_at).date(), clock.local(now).date())
                key = (day, d.stage, d.rule, d.source)
                counts[key] += 1
                if d.subject in held_subjects or d.tenant_id in held_tenants:
                    held_counts[key] += 1
    lines = []
    for (day, stage, rule_id, source_name), count in sorted(counts.items()):
        rule = rules.rule(rule_id)
        held_here = held_counts[(day, stage, rule_id, source_name)]
        lines.append(
            Line(day, stage, rule_id, rule.label, rule.basis, source_name, count, held_here)
        )
    return lines
