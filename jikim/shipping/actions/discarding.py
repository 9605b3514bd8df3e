"""An upload's file destroyed and put on the destruction ledger when it is no longer
wanted: refused, cancelled by the seller, left unconfirmed past the staging period, or its
commit cut off."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from jikim import clock
from jikim.accounts.models import Member
from jikim.audit.records import record
from jikim.shipping.importers import FileRefused
from jikim.shipping.models import BatchStatus, ImportBatch
from jikim.vault import keyring

STAGING_HOURS = 24


def _mark_refused(batch: ImportBatch, exc: FileRefused) -> None:
    batch.status = BatchStatus.REFUSED
    batch.refusal_code = exc.code
    batch.refusal_message = str(exc.message)[:300]
    batch.staged = None
    batch.finished_at = clock.now()
    batch.save()


def _refuse(batch: ImportBatch, exc: FileRefused) -> None:
    _mark_refused(batch, exc)
    _shred_uploads([batch], reason="import refused")


def _shred_uploads(batches: list[ImportBatch], **how: Any) -> None:
    """Destroy the uploaded files and put that on the destruction ledger (C7-02)."""
    from jikim.retention.sources import StagedUploadSource  # it imports this app's models

    StagedUploadSource.shred(batches, **how)


@transaction.atomic
def do_cancel(actor: Member, batch: ImportBatch) -> None:
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status not in (BatchStatus.RECEIVED, BatchStatus.PREVIEWED, BatchStatus.NEEDS_MAPPING):
        return
    batch.status = BatchStatus.CANCELLED
    batch.staged = None
    batch.finished_at = clock.now()
    batch.save()
    record(
        "import.cancel",
        actor=actor,
        tenant_id=batch.tenant_id,
        subjects=[batch.subject],
        detail={"batch": batch.pk},
    )
    _shred_uploads([batch], record_access=False)


def expire_staged(now: dt.datetime | None = None) -> int:
    """Uploads left unconfirmed for a day lose their staged file (and its key); so do
    uploads whose commit was cut off (the process killed), since nothing else would ever
    move them out of "committing"."""
    cutoff = (now or clock.now()) - dt.timedelta(hours=STAGING_HOURS)
    stale = list(
        ImportBatch.objects.filter(
            status__in=[BatchStatus.RECEIVED, BatchStatus.PREVIEWED, BatchStatus.NEEDS_MAPPING],
            created_at__lt=cutoff,
        )
    )
    for batch in stale:
        batch.status, batch.staged, batch.finished_at = BatchStatus.EXPIRED, None, clock.now()
        batch.save()
    if stale:
        _shred_uploads(stale, reason="staging expired")
    # A commit takes minutes: a batch still "committing" a staging period after its upload
    # had its commit cut off. A commit that is running holds its batch's row until it ends: on
    # PostgreSQL that row is skipped, on SQLite this transaction waits for it and finds it
    # committed. So only batches no process is storing are expired.
    interrupted = ImportBatch.objects.filter(status=BatchStatus.COMMITTING, created_at__lt=cutoff)
    if not interrupted.exists():
        return len(stale)
    with transaction.atomic():
        stuck = list(interrupted.select_for_update(skip_locked=True))
        if stuck:
            # The key first (the key ring commits on its own): cut off after it, the batch
            # is still "committing" and found again next time; its file is unreadable.
            _shred_uploads(stuck, reason="import interrupted", compact=False)
        for batch in stuck:
            batch.status, batch.staged, batch.finished_at = BatchStatus.EXPIRED, None, clock.now()
            batch.refusal_code = "interrupted"
            batch.refusal_message = "저장 중에 중단되어 올린 파일을 파기했습니다. 다시 올려 주세요."
            batch.save()
    if stuck:
        keyring.compact()  # outside the transaction: compacting can take a while
    return len(stale) + len(stuck)
