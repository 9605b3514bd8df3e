"""Separated data on the monthly review's watch list: a person reading a subject after its
data moved to separated storage is flagged for the privacy officer (PIPC notice art. 8)."""

from __future__ import annotations

from jikim.audit.review import SinceMap, watch
from jikim.retention.models import DestructionItem, ItemStatus, Stage


@watch("separated", "분리보관 정보 접근")
def separated_subjects(subjects: set[str]) -> SinceMap:
    wanted = sorted(subjects)
    moved = DestructionItem.objects.filter(stage=Stage.MOVE, status=ItemStatus.DONE)
    found: SinceMap = {}
    for start in range(0, len(wanted), 500):
        rows = moved.filter(subject__in=wanted[start : start + 500])
        for subject, since in rows.values_list("subject", "done_at"):
            if since is not None:
                found[subject] = since
    return found
