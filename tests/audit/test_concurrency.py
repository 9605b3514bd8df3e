"""Concurrent appenders on PostgreSQL: the head lock keeps sequence numbers gapless and every
record linked to the one committed before it, also when some acts roll back."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from jikim.audit.models import AccessRecord
from jikim.audit.records import record
from jikim.audit.verify import verify

THREADS = 8
PER_THREAD = 40


class _Abort(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_the_chain_whole() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite serialises writers by its IMMEDIATE transactions; this is for PostgreSQL"
        )
    before = AccessRecord.objects.count()
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []
    committed = [0] * THREADS

    def work(index: int) -> None:
        try:
            barrier.wait()
            for j in range(PER_THREAD):
                try:
                    with transaction.atomic():
                        record("view", subjects=[f"member:{index}"], detail={"t": index, "j": j})
                        if j % 5 == 0:
                            time.sleep(0.002)  # hold the head lock while others queue
                        if j % 9 == 0:
                            raise _Abort  # the act fails: its record must leave no gap
                    committed[index] += 1
                except _Abort:
                    pass
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    seqs = list(AccessRecord.objects.order_by("seq").values_list("seq", flat=True))
    assert len(seqs) == before + sum(committed)
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), "no gaps, no duplicates"
    report = verify()
    assert report.ok, report.summary()
