"""Which subjects are held: a hold on the subject itself or on its whole tenant."""

from __future__ import annotations

from collections.abc import Iterable

from jikim.retention.models import Hold


def held(subjects: Iterable[str], tenant_ids: Iterable[int | None]) -> tuple[set[str], set[int]]:
    active = Hold.objects.filter(released_at__isnull=True)
    if not active.exists():
        # The usual case, and a sweep asks for every batch: skip the long IN lists.
        return set(), set()
    wanted = set(subjects)
    held_subjects = set(active.filter(subject__in=wanted).values_list("subject", flat=True))
    held_tenants = set(
        active.filter(tenant_id__in={t for t in tenant_ids if t is not None}).values_list(
            "tenant_id", flat=True
        )
    )
    return held_subjects, {t for t in held_tenants if t is not None}
