"""Access-record chain: append records through `record` (the real path: lock the head, hash,
insert, commit), then verify a chain of a million records, against bare hashlib SHA-256
over the same bytes in the same run.

    .venv/bin/python bench/audit_bench.py [--append 100000] [--chain 1000000]

The chain beyond the appended records is built quickly with bulk inserts of correctly
chained rows (same canonical encoding). Last line: ratio_vs_hashlib=<verify time / bare
hashing time> (goal <= 3; verify of 1M records <= 3 s).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import shutil
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import _django

ACTIONS = ["view", "list", "search", "view", "update", "login"]
FIELDS = ["shipping.Party.name", "shipping.Party.phone1", "shipping.Party.address_base"]


def _values(rng: random.Random, i: int) -> dict[str, Any]:
    subjects = sorted({f"r_{rng.randrange(16**24):024x}" for _ in range(rng.choice([1, 1, 2, 5]))})
    return {
        "actor_id": 1 + i % 40,
        "actor_name": f"staff{i % 40:02d}",
        "tenant_id": 1 + i % 7,
        "action": ACTIONS[i % len(ACTIONS)],
        "subjects": subjects,
        "purpose": "service_delivery",
        "reason": "",
        "detail": {"fields": FIELDS[: 1 + i % 3], "system": False},
    }


def append(count: int, rng: random.Random) -> float:
    from jikim.audit import context
    from jikim.audit.records import record

    class Actor:
        def __init__(self, pk: int, login_id: str) -> None:
            self.pk, self.login_id = pk, login_id

    token = context._current.set(context.Origin(ip="203.0.113.9", request_id=uuid.uuid4().hex))
    try:
        t0 = time.perf_counter()
        for i in range(count):
            v = _values(rng, i)
            record(
                v["action"],
                actor=Actor(v["actor_id"], v["actor_name"]),
                tenant_id=v["tenant_id"],
                subjects=v["subjects"],
                purpose=v["purpose"],
                detail=v["detail"],
            )
        return time.perf_counter() - t0
    finally:
        context._current.reset(token)


def extend(total: int, rng: random.Random) -> float:
    """Bulk-insert chained rows until the chain holds `total` records."""
    from django.db import transaction

    from jikim.audit import canonical, checkpoints
    from jikim.audit.models import AccessRecord, ChainHead

    t0 = time.perf_counter()
    head = ChainHead.objects.get()
    seq, prev = head.seq, head.hash
    at = dt.datetime.now(tz=dt.UTC)
    while seq < total:
        rows = []
        for _ in range(min(20_000, total - seq)):
            seq += 1
            values = _values(rng, seq)
            values.update(
                seq=seq,
                at=at + dt.timedelta(microseconds=seq * 997),
                ip="203.0.113.9",
                request_id=uuid.uuid4().hex,
            )
            values["hash"] = canonical.chain_hash(prev, canonical.body(values))
            values["prev_hash"] = prev
            prev = str(values["hash"])
            rows.append(AccessRecord(**values))
        with transaction.atomic():
            AccessRecord.objects.bulk_create(rows, batch_size=2000)
            ChainHead.objects.filter(pk=head.pk).update(seq=seq, hash=prev)
    checkpoints.make_checkpoint()
    return time.perf_counter() - t0


def bare_hashing() -> tuple[float, int, int]:
    """SHA-256 over exactly the bytes verify hashes (read first, untimed). The faster of a
    plain loop and a C-level map, so the baseline is as strict as it can be."""
    from django.db import connection

    from jikim.audit import canonical, fastscan, scan

    sha256 = hashlib.sha256
    hexdigest = type(sha256()).hexdigest
    loop_time = map_time = 0.0
    count = size = 0
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        cursor = connection.connection.execute(fastscan.BY_SEQ_RANGE, (1, 10**18))
        chunks = iter(lambda: [r[0] for r in cursor.fetchmany(50_000)], [])
    else:
        rows = scan._rows(1, None)
        chunks = iter(
            lambda: [
                (r[0] + canonical.body_of_row(r[2:])).encode()
                for _, r in zip(range(50_000), rows, strict=False)
            ],
            [],
        )
    for datas in chunks:
        t0 = time.perf_counter()
        for data in datas:
            sha256(data).hexdigest()
        loop_time += time.perf_counter() - t0
        t0 = time.perf_counter()
        list(map(hexdigest, map(sha256, datas)))
        map_time += time.perf_counter() - t0
        count += len(datas)
        size += sum(len(d) for d in datas)
    return min(loop_time, map_time), count, size


def timed_verify(workers: int) -> tuple[float, Any]:
    from django.conf import settings

    from jikim.audit.verify import verify

    settings.AUDIT_VERIFY_WORKERS = workers
    t0 = time.perf_counter()
    report = verify()
    elapsed = time.perf_counter() - t0
    assert report.ok, report.summary()
    return elapsed, report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--append", type=int, default=100_000)
    parser.add_argument("--chain", type=int, default=1_000_000)
    args = parser.parse_args()
    var = _django.setup()
    from django.conf import settings
    from django.db import connection

    settings.DEBUG = False  # as in production: no query log in memory

    from jikim.audit.models import Checkpoint
    from jikim.audit.scan import workers

    rng = random.Random(7)
    t_append = append(args.append, rng)
    checkpoints_made = Checkpoint.objects.count()
    t_extend = extend(args.chain, rng)

    t_single, _ = timed_verify(1)
    t_verify, report = timed_verify(0)
    parallel = workers() if args.chain > settings.AUDIT_VERIFY_PARALLEL_MIN else 1
    assert report.records == args.chain

    t_bare, hashed, size = bare_hashing()
    assert hashed == args.chain
    print(f"database={connection.vendor} appended={args.append} chain={args.chain}")
    print(
        f"append_s={t_append:.2f} ({t_append / args.append * 1e6:.0f} us/record through "
        f"record(), {checkpoints_made} signed checkpoints on the way)"
    )
    print(f"build_rest_of_chain_s={t_extend:.2f} (bulk inserts, not part of the measure)")
    print(f"bare_hashlib_s={t_bare:.2f} ({hashed:,} digests over {size / 1e6:.0f} MB, one core)")
    print(
        f"verify_single_process_s={t_single:.2f} ({args.chain / t_single:,.0f} records/s) "
        f"ratio_single_process={t_single / t_bare:.2f}"
    )
    print(
        f"verify_s={t_verify:.2f} ({parallel} worker processes on {os.cpu_count()} CPUs, "
        f"as `jikim audit_verify` runs) {report.summary()}"
    )
    print(f"ratio_vs_hashlib={t_verify / t_bare:.2f}")
    connection.close()
    shutil.rmtree(var, ignore_errors=True)  # a million records take 600 MB


if __name__ == "__main__":
    main()
