"""The chain head: the one row every append and every checkpoint locks.

PostgreSQL: `SELECT ... FOR UPDATE` on the head row queues concurrent appenders until the
holder's transaction ends, so sequence numbers stay gapless and every record links to the
one committed before it. SQLite: the IMMEDIATE transaction mode (settings) takes the
database's write lock at BEGIN, which serialises writers the same way.

The lock is held until the caller's transaction commits (the record must commit or roll
back with the act it records), so an act that records early and then works long holds up
other appenders: record last where that matters.
"""

from __future__ import annotations

from django.db import transaction

from jikim.audit.canonical import GENESIS
from jikim.audit.models import AccessRecord, ChainHead

HEAD_PK = 1


def lock_head() -> ChainHead:
    """The head row, locked for this transaction. Call inside `transaction.atomic()`."""
    assert transaction.get_connection().in_atomic_block, "lock_head needs a transaction"
    try:
        return ChainHead.objects.select_for_update().get(pk=HEAD_PK)
    except ChainHead.DoesNotExist:
        pass
    # First append ever, or the table was emptied (a test database flush): start from the
    # last record there is. Concurrent first appenders race to insert; one row wins.
    last = AccessRecord.objects.order_by("-seq").values_list("seq", "hash").first()
    seq, digest = last if last else (0, GENESIS)
    ChainHead.objects.bulk_create(
        [ChainHead(pk=HEAD_PK, seq=seq, hash=digest, checkpoint_seq=0)], ignore_conflicts=True
    )
    return ChainHead.objects.select_for_update().get(pk=HEAD_PK)


def read_head() -> ChainHead | None:
    return ChainHead.objects.filter(pk=HEAD_PK).first()
