"""Writing the destruction ledger: one entry per sweep, stage, source and rule, grown by
each batch that sweep finishes under it."""

from __future__ import annotations

import datetime as dt

from jikim.retention import rules
from jikim.retention.models import LedgerEntry, Stage, Sweep
from jikim.retention.sources import Source


def add(
    sweep: Sweep,
    stage: str,
    source: Source,
    rule_id: str,
    *,
    count: int,
    due_from: dt.datetime,
    due_to: dt.datetime,
    now: dt.datetime,
    approver: str = "",
) -> None:
    """Count a finished batch into the ledger (inside the batch's transaction)."""
    entry = (
        LedgerEntry.objects.select_for_update()
        .filter(sweep=sweep, stage=stage, source=source.name, rule=rule_id)
        .first()
    )
    if entry is None:
        rule = rules.rule(rule_id)
        LedgerEntry.objects.create(
            sweep=sweep,
            stage=stage,
            source=source.name,
            rule=rule_id,
            rule_label=rule.label,
            legal_basis=rule.basis,
            count=count,
            due_from=due_from,
            due_to=due_to,
            done_at=now,
            method=getattr(source, "method_move" if stage == Stage.MOVE else "method"),
            approver=approver,
        )
    else:
        entry.count += count
        entry.due_from = min(entry.due_from, due_from)
        entry.due_to = max(entry.due_to, due_to)
        entry.done_at = now
        entry.save(update_fields=["count", "due_from", "due_to", "done_at"])
