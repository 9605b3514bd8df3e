"""Destruction throughput: N expired recipients through the real sweep (plan, shred keys,
delete rows and index entries, ledger) against raw SQL DELETEs of the same rows (recipient
rows, their index entries and their key rows) on an identical copy, in the same run.

    .venv/bin/python bench/retention_bench.py [--rows 1000000]

The raw DELETEs alone do not destroy anything on PostgreSQL: a deleted row's bytes stay in
the table's file until it is rewritten, so the deleted keys could still decrypt a copy of
the data (C7-02 asks for destruction that cannot be undone). The line `floor_ratio_vs_raw_delete`
adds, on the same copy after the raw DELETEs, what destruction needs beyond them in the form
this product keeps it, and times each part: the key table rewritten so the deleted keys' bytes
leave its file (what the sweep's compaction does; SQLite's key ring zeroes them on delete, so
there only its checkpoint), and one ledger row per destroyed subject's pseudonymous id (C7-03),
written in one INSERT … SELECT. It is the ratio a sweep would reach if finding, batching,
holding, tombstoning and recording cost nothing more.

With `--ideal` (PostgreSQL), a third identical copy is destroyed the fastest way SQL allows,
and timed part by part: the due rows found with the sweep's own query into a scratch table,
then deleted with their index entries by one join each, the subjects' key rows deleted by one
join in the key ring and its table rewritten — no batches, holds, tombstones, access records
or ledger. `ideal_ratio_vs_raw_delete` is what any sweep that must find its rows (and not
delete a seller's whole table) could hope for on this machine.

Between copies the deleted rows are vacuumed away, untimed, so every copy meets tables alike.

Last line: ratio_vs_raw_delete=<sweep time / raw delete time> (goal <= 3).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import _django


def populate(rows: int, tenant_id: int, delivered: dt.datetime) -> None:
    from django.db import connection, connections, transaction

    # As Django writes them, so the sweep's queries compare like for like.
    now = connection.ops.adapt_datetimefield_value(delivered)
    step = 20_000
    with transaction.atomic(), transaction.atomic(using="keyring"):
        main, ring = connection.cursor(), connections["keyring"].cursor()
        for start in range(0, rows, step):
            ids = range(start + 1, min(start + step, rows) + 1)
            main.executemany(
                "INSERT INTO shipping_order (id, tenant_id, marketplace, order_no, product_order_no, product_name, "
                "option, quantity, status, content_hash, created_at, updated_at) VALUES "
                "(%s, %s, 'api', %s, %s, '', '', 1, '', '', %s, %s)",
                [(i, tenant_id, f"O{i}", f"P{i}", now, now) for i in ids],
            )
            main.executemany(
                "INSERT INTO shipping_shipment (tenant_id, order_id, courier, tracking_no, delivered_at) "
                "VALUES (%s, %s, '', '', %s)",
                [(tenant_id, i, now) for i in ids],
            )
            main.executemany(
                "INSERT INTO shipping_party (id, tenant_id, order_id, role, subject, name, phone1, legacy_postcode) "
                "VALUES (%s, %s, %s, 'recipient', %s, %s, %s, %s)",
                [(i, tenant_id, i, f"r_{i:024x}", "v1.1.AAAA", "v1.1.BBBB", False) for i in ids],
            )
            main.executemany(
                "INSERT INTO vault_blindindexentry (tenant_id, name, digest, subject, source) VALUES (%s, %s, %s, %s, %s)",
                [
                    (tenant_id, n, i, f"r_{i:024x}", "shipping.Party.phone1")
                    for i in ids
                    for n in ("recipient.phone/phone", "recipient.phone/last4")
                ],
            )
            ring.executemany(
                "INSERT INTO vault_datakey (subject, wrapped, kek, created_at) VALUES (%s, %s, 'x', %s)",
                [(f"r_{i:024x}", os.urandom(60), now) for i in ids],
            )


def unavoidable(rows: int) -> tuple[float, float]:
    """Seconds for what destruction needs beyond the raw DELETEs (module docstring); the
    ledger rows are removed again, untimed, so the sweep that follows finds its work."""
    from django.db import connection, connections, transaction

    from jikim.retention.models import DestructionItem, ItemStatus, Sweep
    from jikim.vault import sqllist
    from jikim.vault.models import DataKey

    ring = connections["keyring"]
    t0 = time.perf_counter()
    with ring.cursor() as cursor:
        if ring.vendor == "postgresql":
            cursor.execute(f"VACUUM FULL {ring.ops.quote_name(DataKey._meta.db_table)}")
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    t_rewrite = time.perf_counter() - t0
    items = connection.ops.quote_name(DestructionItem._meta.db_table)
    now = dt.datetime.now(dt.UTC)
    stamp = connection.ops.adapt_datetimefield_value(now)
    floor = Sweep.objects.create(as_of=now, finished_at=now, trigger="bench")
    subjects = [f"r_{i:024x}" for i in range(1, rows + 1)]
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {items} (subject, tenant_id, due_at, stage, source, rule, status, "
            "sweep_id, planned_at, approved_by, done_at, done_sweep_id) "
            f"SELECT s.v, NULL, %s, 'destroy', 'floor', 'floor', %s, %s, %s, '', %s, %s "
            f"FROM {sqllist.rows_of(connection, 's')}",
            [
                stamp,
                ItemStatus.DONE,
                floor.pk,
                stamp,
                stamp,
                floor.pk,
                sqllist.param(connection, subjects),
            ],
        )
    t_ledger = time.perf_counter() - t0
    DestructionItem.objects.filter(source="floor").delete()
    floor.delete()
    return t_rewrite, t_ledger


def level_ground() -> None:
    """Untimed, between copies: PostgreSQL keeps deleted rows and their index entries
    until a VACUUM (autovacuum may be off or late), and a copy written over them would be
    scanned through them."""
    from django.db import connections

    for alias in ("default", "keyring"):
        if connections[alias].vendor == "postgresql":
            with connections[alias].cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")


def clear_orders(tenant_id: int) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM shipping_shipment WHERE tenant_id = %s", [tenant_id])
        cursor.execute("DELETE FROM shipping_order WHERE tenant_id = %s", [tenant_id])


def ideal(rows: int) -> dict[str, float]:
    """Seconds per part of the set-based destruction the module docstring describes."""
    from django.db import connection, connections, transaction

    from jikim import clock
    from jikim.retention import direct
    from jikim.retention.models import Sweep
    from jikim.retention.planning import plan

    ring = connections["keyring"]
    parts: dict[str, float] = {}
    now = clock.now()
    scratch = Sweep.objects.create(as_of=now, trigger="bench")
    t0 = time.perf_counter()
    direct.create_table()
    found = plan(scratch, now, direct=True)[0]
    parts["find"] = time.perf_counter() - t0
    assert found == rows, found
    with transaction.atomic(), transaction.atomic(using="keyring"):
        main, keys = connection.cursor(), ring.cursor()
        t0 = time.perf_counter()
        main.execute(
            "DELETE FROM vault_blindindexentry b USING retention_due_now d "
            "WHERE b.subject = d.subject"
        )
        main.execute(
            "DELETE FROM shipping_party p USING retention_due_now d WHERE p.subject = d.subject"
        )
        parts["rows"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        main.execute("SELECT subject FROM retention_due_now")
        keys.execute("CREATE TEMPORARY TABLE bench_shred (subject varchar(40))")
        with keys.copy("COPY bench_shred (subject) FROM STDIN") as copy:
            for row in main.fetchall():
                copy.write_row(row)
        keys.execute("ANALYZE bench_shred")
        keys.execute("DELETE FROM vault_datakey k USING bench_shred s WHERE k.subject = s.subject")
        assert keys.rowcount == rows, keys.rowcount
        parts["keys"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    with ring.cursor() as cursor:
        cursor.execute("DROP TABLE bench_shred")
        cursor.execute("VACUUM FULL vault_datakey")
    parts["rewrite"] = time.perf_counter() - t0
    direct.drop_table()
    scratch.delete()
    return parts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--ideal", action="store_true", help="also time the set-based ideal")
    args = parser.parse_args()
    _django.setup()
    from django.db import connection, connections, transaction

    from jikim import clock
    from jikim.accounts.models import Tenant
    from jikim.retention import sweep
    from jikim.shipping.models import Party
    from tests.conftest import create_seller

    create_seller("bench")
    tenant_id = Tenant.objects.get(slug="bench").pk
    delivered = clock.now() - dt.timedelta(days=200)

    populate(args.rows, tenant_id, delivered)
    t0 = time.perf_counter()
    with transaction.atomic(), transaction.atomic(using="keyring"):
        main, ring = connection.cursor(), connections["keyring"].cursor()
        main.execute("DELETE FROM vault_blindindexentry WHERE tenant_id = %s", [tenant_id])
        main.execute("DELETE FROM shipping_party WHERE tenant_id = %s", [tenant_id])
        ring.execute("DELETE FROM vault_datakey WHERE subject LIKE 'r\\_%%' ESCAPE '\\'")
    t_raw = time.perf_counter() - t0
    t_rewrite, t_ledger = unavoidable(args.rows)
    t_floor = t_raw + t_rewrite + t_ledger
    clear_orders(tenant_id)
    level_ground()

    parts: dict[str, float] = {}
    if args.ideal and connection.vendor == "postgresql":
        populate(args.rows, tenant_id, delivered)
        parts = ideal(args.rows)
        clear_orders(tenant_id)
        level_ground()

    populate(args.rows, tenant_id, delivered)
    t0 = time.perf_counter()
    report = sweep.run()
    t_sweep = time.perf_counter() - t0
    assert report.destroyed == args.rows and not Party.objects.exists(), report
    print(f"rows={args.rows:,}")
    print(f"raw_delete_s={t_raw:.2f} (recipient rows, index entries, key rows)")
    print(f"sweep_s={t_sweep:.2f} ({args.rows / t_sweep:,.0f} rows/s: plan, shred, delete, ledger)")
    print(
        f"floor_s={t_floor:.2f} (raw deletes {t_raw:.2f}, key table rewritten {t_rewrite:.2f}, a ledger row per subject {t_ledger:.2f})"
    )
    print(f"floor_ratio_vs_raw_delete={t_floor / t_raw:.2f}")
    if parts:
        t_ideal = sum(parts.values())
        shown = ", ".join(f"{name} {seconds:.2f}" for name, seconds in parts.items())
        print(f"ideal_s={t_ideal:.2f} ({shown})")
        print(f"ideal_ratio_vs_raw_delete={t_ideal / t_raw:.2f}")
    print(f"ratio_vs_raw_delete={t_sweep / t_raw:.2f}")


if __name__ == "__main__":
    main()
