"""An upload whose commit was cut off (the process killed mid-way) stays "committing" with
its sealed file: the staging expiry ends it like an unconfirmed upload once the staging
period is over, and never touches a commit that is young or still running."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
import time_machine
from django.db import connections, transaction

from jikim.accounts.models import Member, Tenant
from jikim.audit.models import AccessRecord
from jikim.shipping import actions
from jikim.shipping.actions import STAGING_HOURS
from jikim.shipping.models import BatchStatus, ImportBatch, Order
from jikim.vault import keyring
from tests.shipping import marketplace_files as files

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
PAST_STAGING = T0 + dt.timedelta(hours=STAGING_HOURS, minutes=1)


def _committing(member: Member) -> ImportBatch:
    """A batch as a killed commit leaves it: previewed, switched to "committing", its file
    still sealed, nothing stored."""
    tenant = Tenant.objects.get(memberships__member=member)
    batch = actions.do_receive_upload(
        member,
        tenant,
        data=files.smartstore_xlsx(),
        filename="주문.xlsx",
        password=None,
        queue=False,
    )
    actions.analyse(batch.pk)
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.COMMITTING)
    batch.refresh_from_db()
    assert batch.staged is not None
    return batch


@pytest.mark.django_db
def test_a_commit_cut_off_is_expired_after_the_staging_period(alice: Member) -> None:
    with time_machine.travel(T0, tick=False):
        batch = _committing(alice)
    with time_machine.travel(PAST_STAGING, tick=False):
        assert actions.expire_staged() == 1
    batch.refresh_from_db()
    assert batch.status == BatchStatus.EXPIRED
    assert batch.staged is None
    assert batch.refusal_code == "interrupted"
    assert batch.finished_at == PAST_STAGING
    assert keyring.is_shredded(batch.subject), "the sealed file is unreadable everywhere"
    shred = AccessRecord.objects.get(action="shred", reason="import interrupted")
    assert shred.subjects == [batch.subject]
    # A worker that picks the commit up late finds nothing to do.
    actions.commit(batch.pk)
    assert not Order.objects.exists()
    with time_machine.travel(PAST_STAGING, tick=False):
        assert actions.expire_staged() == 0


@pytest.mark.django_db
def test_a_young_commit_is_left_alone(alice: Member) -> None:
    with time_machine.travel(T0, tick=False):
        batch = _committing(alice)
    with time_machine.travel(PAST_STAGING - dt.timedelta(minutes=2), tick=False):
        assert actions.expire_staged() == 0
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTING
    assert batch.staged is not None
    assert not keyring.is_shredded(batch.subject)


@pytest.mark.django_db(transaction=True)
def test_a_commit_still_running_is_never_expired(alice: Member) -> None:
    batch = _committing(alice)
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=batch.created_at - dt.timedelta(hours=STAGING_HOURS + 1)
    )
    locked, failed = threading.Event(), []

    def running_commit() -> None:
        # What `commit` does: hold the batch's row for as long as it stores.
        try:
            with transaction.atomic():
                ImportBatch.objects.select_for_update().get(pk=batch.pk)
                locked.set()
                time.sleep(1.0)
                ImportBatch.objects.filter(pk=batch.pk).update(
                    status=BatchStatus.COMMITTED, staged=None
                )
        except Exception as exc:  # surfaced by the assertion below
            failed.append(exc)
            locked.set()
        finally:
            connections.close_all()

    worker = threading.Thread(target=running_commit)
    worker.start()
    try:
        assert locked.wait(10)
        assert actions.expire_staged() == 0
    finally:
        worker.join(30)
    assert not failed, failed
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED
    assert not keyring.is_shredded(batch.subject)
