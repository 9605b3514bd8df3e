"""The freeze (C6-03) wired into the code paths themselves: the vault withholds a frozen
subject's values from every read that is not the handling of the request, and the export
and API paths leave frozen recipients out and record the refusal."""

from __future__ import annotations

from collections.abc import Collection

from django.db import connection

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
    return found


def connect() -> None:
    from jikim.shipping import pushing
    from jikim.vault import access

    if frozen_subjects not in access.freeze_checkers:
        access.freeze_checkers.append(frozen_subjects)
    if frozen_subjects not in pushing.freeze_checkers:
        pushing.freeze_checkers.append(frozen_subjects)
