"""A sweep killed with SIGKILL at random points and run again destroys each row exactly
once and ledgers it exactly once."""

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connections

from bench.import_bench import build
from jikim import clock
from jikim.accounts.models import Tenant
from jikim.retention.models import DestructionItem, ItemStatus, LedgerEntry
from jikim.shipping import actions
from jikim.shipping.models import Order, Party, Shipment
from tests.childdb import database_url
from tests.conftest import create_seller

pytestmark = pytest.mark.django_db(transaction=True)
ROWS = int(os.environ.get("JIKIM_CRASH_ROWS", "3000"))
BATCH = 100


def _sweep_process() -> subprocess.Popen[bytes]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_ALLOW")},
        "DATABASE_URL": database_url("default"),
        "JIKIM_KEYRING_DATABASE_URL": database_url("keyring"),
        "JIKIM_SEPARATED_DATABASE_URL": database_url("separated"),
        # Small batches, so the sweep commits often and a kill can land between commits.
        "JIKIM_RETENTION_SWEEP_BATCH": str(BATCH),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "jikim.manage", "retention_sweep"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[2],
    )


def test_sweep_killed_at_random_points_finishes_exactly_once() -> None:
    seller = create_seller("crash")
    tenant = Tenant.objects.get(slug="crash")
    actions.do_import_file(seller, tenant, data=build(ROWS), filename="big.xlsx")
    delivered = clock.now() - dt.timedelta(days=120)
    Shipment.objects.bulk_create(
        [
            Shipment(tenant=tenant, order=o, delivered_at=delivered)
            for o in Order.objects.filter(tenant=tenant)
        ]
    )
    subjects = set(Party.objects.filter(tenant=tenant).values_list("subject", flat=True))
    assert len(subjects) == ROWS
    connections.close_all()

    rng = random.Random(os.environ.get("JIKIM_CRASH_SEED", "42"))
    # The sweep's items (the upload's own destruction is an item too); cheap to poll,
    # unlike 3000 ids.
    items = DestructionItem.objects.filter(tenant_id=tenant.pk, rule="shipping_purpose_met")
    kills = 0
    # The first kill lands right after planning; the others once the work has passed a
    # random point in each fifth, polled between the sweep's commits; the last fifths are
    # left for the final run.
    for attempt in range(4):
        process = _sweep_process()
        target = attempt * ROWS // 5 + rng.randint(0, ROWS // 10) if attempt else 0
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            if items.exists() and items.filter(status=ItemStatus.DONE).count() >= target:
                break
            time.sleep(0.002)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait(timeout=60)
        connections.close_all()
    done_before_final = DestructionItem.objects.filter(
        subject__in=subjects, status=ItemStatus.DONE
    ).count()
    assert kills >= 1 and done_before_final < ROWS, "at least one kill landed mid-sweep"
    final = _sweep_process()
    _, err = final.communicate(timeout=600)
    assert final.returncode == 0, err.decode()[-2000:]

    assert not Party.objects.filter(tenant=tenant).exists()
    # The sweep's items (the upload's own destruction is an item too); cheap to poll,
    # unlike 3000 ids.
    items = DestructionItem.objects.filter(tenant_id=tenant.pk, rule="shipping_purpose_met")
    assert items.count() == ROWS and not items.exclude(status=ItemStatus.DONE).exists()
    ledgered = [
        s for e in LedgerEntry.objects.filter(rule="shipping_purpose_met") for s in e.subjects
    ]
    assert sorted(ledgered) == sorted(subjects), "every row ledgered exactly once"
    assert (
        sum(LedgerEntry.objects.filter(rule="shipping_purpose_met").values_list("count", flat=True))
        == ROWS
    )
