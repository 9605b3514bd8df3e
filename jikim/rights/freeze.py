"""The freeze (C6-03) wired into the code paths themselves: the vault withholds a frozen
subject's values from every read that is not the handling of the request, and the export
and API paths leave frozen recipients out and record the refusal."""

from __future__ import annotations

from collections.abc import Collection


def frozen_subjects(subjects: Collection[str]) -> set[str]:
    from jikim.rights.models import Frozen

    wanted = list(set(subjects))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        found.update(
            Frozen.objects.filter(subject__in=wanted[start : start + 500]).values_list(
                "subject", flat=True
            )
        )
    return found


def connect() -> None:
    from jikim.shipping import pushing
    from jikim.vault import access

    if frozen_subjects not in access.freeze_checkers:
        access.freeze_checkers.append(frozen_subjects)
    if frozen_subjects not in pushing.freeze_checkers:
        pushing.freeze_checkers.append(frozen_subjects)
