"""The freeze (C6-03) wired into the code paths themselves: the vault withholds a frozen
subject's values from every read that is not the handling of the request, and the export
and API paths leave frozen recipients out and record the refusal. A frozen person's CS
cases at the seller, and the recordings of calls about them, are frozen with them."""

from __future__ import annotations

from collections.abc import Collection

from django.db import connection

from jikim.rights import complaints
from jikim.vault import sqllist


def frozen_subjects(subjects: Collection[str]) -> set[str]:
    from jikim.rights.models import Frozen

    wanted = sorted(set(subjects))
    if not wanted:
        return set()
    # Asked on every read of personal data: one written-out statement, where the ORM spent
    # longer building the query than the database took to answer it.
    table = connection.ops.quote_name(Frozen._meta.db_table)
    found: set[str] = set()
    with connection.cursor() as cursor:
        for chunk in sqllist.chunks(wanted):
            cursor.execute(
                f"SELECT subject FROM {table} "  # noqa: S608 - the name comes from the model
                f"WHERE {sqllist.member_of(connection, 'subject')}",
                [sqllist.param(connection, chunk)],
            )
            found.update(subject for (subject,) in cursor.fetchall())
    # The person's CS cases and their call recordings are frozen with the person's orders,
    # also those the request does not name (opened after it was received).
    found |= complaints.frozen_cases(set(wanted) - found)
    found |= _frozen_recordings(set(wanted) - found)
    return found


RECORDING_PREFIX = "v_"


def _frozen_recordings(subjects: Collection[str]) -> set[str]:
    """Recordings of consultations about a frozen case."""
    from jikim.cases.models import Recording

    wanted = sorted(s for s in subjects if s.startswith(RECORDING_PREFIX))
    if not wanted:
        return set()
    case_of = dict(
        Recording.objects.filter(subject__in=wanted, consultation__case__isnull=False).values_list(
            "subject", "consultation__case__subject"
        )
    )
    if not case_of:
        return set()
    frozen = frozen_subjects(set(case_of.values()))
    return {recording for recording, case in case_of.items() if case in frozen}


def connect() -> None:
    from jikim.shipping import pushing
    from jikim.vault import access

    if frozen_subjects not in access.freeze_checkers:
        access.freeze_checkers.append(frozen_subjects)
    if frozen_subjects not in pushing.freeze_checkers:
        pushing.freeze_checkers.append(frozen_subjects)
