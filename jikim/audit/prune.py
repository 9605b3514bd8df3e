"""Retention of access records: 2 years by default (AUDIT_RETENTION_DAYS, never below 6
months, C9-05); permission changes 3 years (AUDIT_PERMISSION_RETENTION_DAYS, C9-02).

A prune cuts the chain before the oldest record still inside the period, keeps the
permission changes among the removed part (the "islands"), and signs an anchor — the last
removed seq, its hash and the islands' (seq, hash) — so `verify` starts from there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from jikim import clock
from jikim.audit import chain, checkpoints
from jikim.audit.models import AccessRecord, Checkpoint, CheckpointKind
from jikim.audit.records import PERMISSION_ACTIONS, record

# Six months is at most 184 days (July to December); three years at most 1,096.
MIN_RETENTION_DAYS = 184
MIN_PERMISSION_RETENTION_DAYS = 1096


class ChainBroken(RuntimeError):
    """The chain does not verify: pruning now would destroy the evidence."""


@dataclass(frozen=True)
class Pruned:
    removed: int
    kept: int
    anchor_seq: int | None


def retention_problems() -> list[str]:
    problems = []
    if settings.AUDIT_RETENTION_DAYS < MIN_RETENTION_DAYS:
        problems.append(
            f"AUDIT_RETENTION_DAYS is {settings.AUDIT_RETENTION_DAYS}; access records are "
            f"kept at least 6 months ({MIN_RETENTION_DAYS} days, C9-05)"
        )
    if settings.AUDIT_PERMISSION_RETENTION_DAYS < MIN_PERMISSION_RETENTION_DAYS:
        problems.append(
            f"AUDIT_PERMISSION_RETENTION_DAYS is {settings.AUDIT_PERMISSION_RETENTION_DAYS}; "
            f"permission changes are kept 3 years ({MIN_PERMISSION_RETENTION_DAYS} days, C9-02)"
        )
    if settings.AUDIT_PERMISSION_RETENTION_DAYS < settings.AUDIT_RETENTION_DAYS:
        problems.append("AUDIT_PERMISSION_RETENTION_DAYS is shorter than AUDIT_RETENTION_DAYS")
    return problems


def prune(*, verify_first: bool = True) -> Pruned:
    problems = retention_problems()
    if problems:  # the system check refuses start-up too; this guards a changed setting
        raise ImproperlyConfigured("; ".join(problems))
    if verify_first:
        from jikim.audit.verify import verify

        report = verify()
        if not report.ok:
            raise ChainBroken(report.summary())
    now = clock.now()
    cutoff = now - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    keep_since = now - dt.timedelta(days=settings.AUDIT_PERMISSION_RETENTION_DAYS)
    with transaction.atomic():
        head = chain.lock_head()
        anchor = Checkpoint.objects.filter(kind=CheckpointKind.ANCHOR).order_by("-seq").first()
        start = anchor.seq + 1 if anchor else 1
        # The first record young enough to stay; everything before it is older than the
        # cutoff (it is the *first* such seq), so nothing within the period is removed.
        young = AccessRecord.objects.filter(seq__gte=start, at__gte=cutoff).order_by("seq")
        first_kept = young.values_list("seq", flat=True).first() or head.seq + 1
        cut_seq = max(first_kept, start) - 1
        before = AccessRecord.objects.filter(seq__lte=cut_seq)
        expired = before.exclude(action__in=PERMISSION_ACTIONS, at__gte=keep_since)
        if cut_seq == 0 or (cut_seq == start - 1 and not expired.exists()):
            return Pruned(0, 0, None)
        if anchor is not None and anchor.seq == cut_seq:
            # Nothing new to cut, but kept permission changes passed their 3 years: the
            # anchor is signed again with the shorter list (the file keeps the old one).
            cut_hash = anchor.hash
            anchor.delete()
        else:
            cut_hash = AccessRecord.objects.values_list("hash", flat=True).get(seq=cut_seq)
        removed, _ = expired.delete()
        islands = list(before.order_by("seq").values_list("seq", "hash"))
        checkpoints.signed(CheckpointKind.ANCHOR, cut_seq, cut_hash, islands)
        record(
            "audit.prune",
            detail={"removed": removed, "anchor_seq": cut_seq, "kept": len(islands)},
        )
    return Pruned(removed, len(islands), cut_seq)
