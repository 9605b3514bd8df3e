"""An order import killed with SIGKILL at chosen points of its progress leaves no partial
import: no order, recipient, shipment or index entry of the file exists until the whole
file is in. Run again, the import stores every row exactly once. What a kill does leave —
data keys of recipients that never came to exist (the key ring commits on its own), and
batches stuck "committing" with their sealed file — the clean-ups remove once the grace
and staging periods are over: that is checked last (see `CrashLeftovers`).

Each kill is aimed by polling the import's own state (the batch row, the key ring) and
landed deterministically: the process is stopped (SIGSTOP) the moment the point is seen,
its state read while it cannot move, then killed. So the test knows, rather than hopes,
that each kill landed mid-import.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import time_machine
from django.db import connections

from bench.import_bench import build
from jikim import clock
from jikim.accounts.models import Tenant
from jikim.audit.models import AccessRecord
from jikim.shipping import actions as shipping_actions
from jikim.shipping.actions import STAGING_HOURS
from jikim.shipping.models import BatchStatus, ImportBatch, Order, Party, Shipment
from jikim.vault import orphans as orphan_keys
from jikim.vault.models import BlindIndexEntry, DataKey
from jikim.vault.routers import KEYRING
from tests.childdb import database_url
from tests.conftest import create_seller

pytestmark = pytest.mark.django_db(transaction=True)
ROWS = int(os.environ.get("JIKIM_IMPORT_CRASH_ROWS", "2000"))
ROOT = Path(__file__).resolve().parents[2]


def _import_process(path: Path) -> subprocess.Popen[bytes]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_ALLOW")},
        "DATABASE_URL": database_url("default"),
        "JIKIM_KEYRING_DATABASE_URL": database_url("keyring"),
        "JIKIM_SEPARATED_DATABASE_URL": database_url("separated"),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "jikim.manage", "import_orders", str(path), "--tenant", "crash"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )


def _recipient_keys() -> set[str]:
    """Live data keys of recipients (a recipient's subject is `r_…`, see storing._insert)."""
    return set(
        DataKey.objects.using(KEYRING)
        .filter(subject__startswith="r_", wrapped__isnull=False)
        .values_list("subject", flat=True)
    )


def _recipient_key_count() -> int:
    return DataKey.objects.using(KEYRING).filter(subject__startswith="r_").count()


@dataclass(frozen=True)
class KillPoint:
    name: str
    # Given the tenant and the recipient keys there were before this run: reached yet?
    reached: Callable[[Tenant, int], bool]


def _analysing(tenant: Tenant, keys_before: int) -> bool:
    return ImportBatch.objects.filter(tenant=tenant, status=BatchStatus.RECEIVED).exists()


def _storing(share: float) -> Callable[[Tenant, int], bool]:
    def reached(tenant: Tenant, keys_before: int) -> bool:
        committing = ImportBatch.objects.filter(tenant=tenant, status=BatchStatus.COMMITTING)
        made = _recipient_key_count() - keys_before
        return made >= max(1, share * ROWS) and committing.exists()

    return reached


KILL_POINTS = [
    KillPoint("reading and checking the file", _analysing),
    KillPoint("storing, the first rows' keys made", _storing(0.01)),
    KillPoint("storing, half the rows' keys made", _storing(0.5)),
]


def _kill_at(point: KillPoint, path: Path, tenant: Tenant) -> str:
    """Run the import, stop it where `point` is reached, kill it. Returns the status of
    the newest batch at the moment of the kill ("finished" if the import ended first)."""
    keys_before = _recipient_key_count()
    process = _import_process(path)
    deadline = time.monotonic() + 120
    try:
        while process.poll() is None and time.monotonic() < deadline:
            if point.reached(tenant, keys_before):
                process.send_signal(signal.SIGSTOP)
                break
            time.sleep(0.002)
        # Stopped, the process cannot move on: what is read now is what the kill cuts.
        batch = ImportBatch.objects.filter(tenant=tenant).order_by("-pk").first()
        status = batch.status if batch is not None else "none"
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        else:
            status = "finished"
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=60)
        connections.close_all()
    return status


def _assert_nothing_or_everything(tenant: Tenant) -> None:
    orders = Order.objects.filter(tenant=tenant)
    committed = ImportBatch.objects.filter(tenant=tenant, status=BatchStatus.COMMITTED)
    expected = ROWS if committed.exists() else 0
    assert orders.count() == expected, f"{orders.count()} of {ROWS} orders: a partial import"
    assert Party.objects.filter(tenant=tenant).count() == expected
    indexed = BlindIndexEntry.objects.filter(tenant_id=tenant.pk, source__startswith="shipping.")
    assert indexed.exists() == bool(expected)
    if not expected:
        assert not Shipment.objects.filter(tenant=tenant).exists()
        assert not orders.exclude(batch=None).exists()


def _orphaned_keys() -> set[str]:
    return _recipient_keys() - set(Party.objects.values_list("subject", flat=True))


class CrashLeftovers(AssertionError):
    """What a killed import leaves behind that the clean-ups did not remove: not a partial
    import (no order or recipient exists), but keys and staged files with no purpose."""


def test_import_killed_mid_way_leaves_nothing_and_finishes_exactly_once(tmp_path: Path) -> None:
    create_seller("crash")
    tenant = Tenant.objects.get(slug="crash")
    path = tmp_path / "스마트스토어_주문.xlsx"
    path.write_bytes(build(ROWS))
    connections.close_all()

    landed: list[tuple[str, str]] = []
    orphans: dict[str, int] = {}
    for point in KILL_POINTS:
        status = _kill_at(point, path, tenant)
        landed.append((point.name, status))
        _assert_nothing_or_everything(tenant)
        if found := _orphaned_keys():
            orphans[point.name] = len(found)
    # Every kill landed before the end, and at least one while rows were being stored.
    assert all(status in ("received", "committing") for _, status in landed), landed
    assert "committing" in dict(landed).values(), landed

    final = _import_process(path)
    _, err = final.communicate(timeout=600)
    assert final.returncode == 0, err.decode()[-2000:]
    connections.close_all()

    orders = Order.objects.filter(tenant=tenant)
    assert orders.count() == ROWS
    assert orders.values("product_order_no").distinct().count() == ROWS, "each row once"
    assert Party.objects.filter(tenant=tenant).count() == ROWS
    done = ImportBatch.objects.get(tenant=tenant, status=BatchStatus.COMMITTED)
    assert (done.new_rows, done.updated_rows, done.rejected_rows) == (ROWS, 0, 0)
    assert set(orders.values_list("batch_id", flat=True)) == {done.pk}
    _assert_nothing_or_everything(tenant)

    # The kills mid-storing did leave keys behind: the clean-up below has work to do.
    assert orphans, "no kill left a key without its recipient"
    left_by_kills = _orphaned_keys()
    killed = ImportBatch.objects.filter(tenant=tenant).exclude(pk=done.pk)
    assert killed.filter(status=BatchStatus.COMMITTING, staged__isnull=False).exists()

    # A day and more later, the daily work runs: past the grace period no import in
    # progress could still be making those keys, past the staging period no upload waits.
    later = max(orphan_keys.grace(), dt.timedelta(hours=STAGING_HOURS)) + dt.timedelta(hours=1)
    with time_machine.travel(clock.now() + later, tick=False):
        destroyed = orphan_keys.clean()
        shipping_actions.expire_staged()

    leftovers = []
    if found := _orphaned_keys():
        leftovers.append(f"data keys of recipients that do not exist: {len(found)}")
    holding = sorted(killed.filter(staged__isnull=False).values_list("status", flat=True))
    if holding:
        leftovers.append(f"killed uploads still holding their file after staging: {holding}")
    if leftovers:
        raise CrashLeftovers("; ".join(leftovers))
    assert destroyed >= len(left_by_kills)
    assert AccessRecord.objects.filter(action="shred", reason=orphan_keys.REASON).exists()
    assert set(killed.values_list("status", flat=True)) == {BatchStatus.EXPIRED}
    # Everything the finished import stored keeps its key.
    assert set(Party.objects.values_list("subject", flat=True)) <= _recipient_keys()
