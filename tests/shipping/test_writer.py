"""A large import on PostgreSQL writes each chunk on a thread of its own while the next is
prepared (writer.py): the same rows as the plain path, in the caller's one transaction,
and an error anywhere leaves nothing behind."""

from __future__ import annotations

import dataclasses
import threading

import pytest
from django.db import connection, transaction

from jikim.accounts.models import Tenant
from jikim.shipping import storing
from jikim.shipping.models import Order, Party, Shipment
from jikim.shipping.search import classify, orders_matching
from jikim.shipping.writer import Writer
from jikim.vault.models import BlindIndexEntry
from tests.shipping.test_line_updates import line
from tests.vaulthelp import plain

pytestmark = pytest.mark.django_db(transaction=True)
# The store overlaps its writes only on PostgreSQL (SQLite gives ids only on insert).
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the overlapped store is PostgreSQL's"
)


def _insert_order(using, tenant_id: int, number: int) -> None:  # type: ignore[no-untyped-def]
    with using.cursor() as cursor:
        cursor.execute(
            "INSERT INTO shipping_order (tenant_id, marketplace, order_no, product_order_no, "
            "product_name, option, quantity, status, content_hash, created_at, updated_at) "
            "VALUES (%s, 'api', %s, %s, '', '', 1, '', '', %s, %s)",
            [tenant_id, f"O-{number}", f"P-{number}", "2026-01-01", "2026-01-01"],
        )


def test_jobs_write_in_order_inside_the_callers_transaction(alice) -> None:
    tenant_id = Tenant.objects.get(slug="alice").pk
    with pytest.raises(RuntimeError, match="the caller changed its mind"), transaction.atomic():
        with Writer() as writer:
            for number in range(5):
                writer.submit(lambda using, n=number: _insert_order(using, tenant_id, n))
        assert list(Order.objects.values_list("order_no", flat=True).order_by("id")) == [
            f"O-{n}" for n in range(5)
        ]
        raise RuntimeError("the caller changed its mind")
    assert not Order.objects.exists(), "written in the caller's transaction, rolled back with it"
    assert not [t for t in threading.enumerate() if t.name == "import-writer"]


def test_a_failed_job_stops_the_rest_and_is_raised_in_the_caller(alice) -> None:
    ran: list[int] = []

    def job(using, n: int) -> None:  # type: ignore[no-untyped-def]
        ran.append(n)
        if n == 1:
            raise ValueError("the second write failed")

    failed = pytest.raises(ValueError, match="the second write failed")
    with failed, transaction.atomic(), Writer() as writer:
        for number in range(4):
            writer.submit(lambda using, n=number: job(using, n))
    assert ran == [0, 1]


@postgresql_only
def test_c3_04_a_large_upload_written_overlapped_is_what_the_plain_path_writes(alice) -> None:
    tenant = Tenant.objects.get(slug="alice")
    count = storing.OVERLAP_FROM + 300
    known = [line(n) for n in range(300)]
    storing.store(tenant, known)  # one chunk: the plain path
    shipped = dataclasses.replace(line(1), courier="CJ대한통운", tracking_no="654321098765")
    rows = [line(0), shipped, *known[2:], *[line(n) for n in range(300, count)]]
    with transaction.atomic():
        result = storing.store(tenant, rows)
    assert (result.new, result.updated, result.unchanged) == (count - 300, 1, 299)
    assert Order.objects.count() == Party.objects.count() == count
    assert Shipment.objects.get().order.product_order_no == "P-1"
    # Every new line has its recipient, sealed and indexed under its own subject.
    last = Party.objects.get(order__product_order_no=f"P-{count - 1}")
    assert plain(last, "phone1") == f"0101234{count - 1:04d}"
    hits = orders_matching(tenant.pk, classify(f"{count - 1:04d}"))
    assert [o.product_order_no for o in hits] == [f"P-{count - 1}"]
    assert BlindIndexEntry.objects.count() == 3 * count


@postgresql_only
def test_c3_04_a_write_failing_in_the_thread_leaves_no_upload(alice, monkeypatch) -> None:
    tenant = Tenant.objects.get(slug="alice")
    calls = {"n": 0}
    insert_rows = storing.insert_rows

    def failing(using, table, columns, values):  # type: ignore[no-untyped-def]
        assert threading.current_thread().name == "import-writer"
        calls["n"] += 1
        if calls["n"] == 6:  # the second chunk's recipients
            raise RuntimeError("the disk is full")
        insert_rows(using, table, columns, values)

    monkeypatch.setattr(storing, "insert_rows", failing)
    rows = [line(n) for n in range(storing.OVERLAP_FROM + 1)]
    with pytest.raises(RuntimeError, match="the disk is full"), transaction.atomic():
        storing.store(tenant, rows)
    assert calls["n"] == 6, "the writes after the failed one were not attempted"
    assert not Order.objects.exists() and not Party.objects.exists()
    assert not BlindIndexEntry.objects.exists()
