"""A previewed import committed: every valid row stored in one transaction, from the clean
rows its preview kept; and the command line's upload, analysis and commit in one go."""

from __future__ import annotations

import base64
from collections.abc import Mapping

from django.db import transaction

from jikim import clock, plannerstats
from jikim.accounts.models import Member, Tenant
from jikim.audit.records import record
from jikim.shipping import staging
from jikim.shipping.actions.analysis import Analysis, _staged, analyse, analyse_bytes
from jikim.shipping.actions.discarding import _mark_refused, _shred_uploads
from jikim.shipping.actions.uploads import do_receive_upload
from jikim.shipping.importers import FileRefused
from jikim.shipping.models import BatchStatus, ImportBatch, Order, Party
from jikim.shipping.normalising import CleanRow
from jikim.shipping.storing import store
from jikim.vault.models import BlindIndexEntry


def _staged_rows(batch: ImportBatch) -> list[CleanRow]:
    """The clean rows to commit: kept by the preview, or (a batch previewed before the
    analysis was kept) worked out again from the file."""
    staged = _staged(batch)
    if staging.is_analysis(staged):
        return staging.loads(staged)
    return analyse_bytes(base64.b64decode(staged), batch.mapping).clean


@transaction.atomic
def do_commit(actor: Member, batch: ImportBatch) -> None:
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.PREVIEWED:
        return
    batch.status = BatchStatus.COMMITTING
    batch.save(update_fields=["status"])
    record(
        "import.commit_requested",
        actor=actor,
        tenant_id=batch.tenant_id,
        detail={"batch": batch.pk},
    )
    from jikim.shipping.tasks import commit_batch

    commit_batch.enqueue(batch.pk)


def commit(batch_id: int, analysis: Analysis | None = None) -> None:
    """Store every valid row of the batch in one transaction. Safe to rerun after a crash:
    a crashed commit left nothing behind, and rows are upserts. The rows come from the
    preview's kept analysis, or from `analysis` when the caller has just made it."""
    with transaction.atomic():
        batches = ImportBatch.objects.select_for_update()
        if analysis is not None:
            batches = batches.defer("staged")  # not needed, as in do_import_file
        batch = batches.get(pk=batch_id)
        if batch.status != BatchStatus.COMMITTING:
            return
        try:
            clean = analysis.clean if analysis is not None else _staged_rows(batch)
        except staging.StaleAnalysis:
            # Kept by an older version in a form this one cannot read: refused with a
            # clear message (nothing was stored), not left committing until it expires.
            clean = None
            _mark_refused(batch, FileRefused("stale_preview"))
        if clean is not None:
            stored = store(batch.tenant, clean, batch=batch)
            batch.status = BatchStatus.COMMITTED
            batch.new_rows, batch.updated_rows = stored.new, stored.updated
            batch.unchanged_rows = stored.unchanged
            batch.staged = None
            batch.finished_at = clock.now()
            batch.save()
            record(
                "create",
                actor=batch.uploaded_by,
                tenant_id=batch.tenant_id,
                subjects=stored.subjects,
                purpose="service_delivery",
                detail={
                    "batch": batch.pk,
                    "new": stored.new,
                    "updated": stored.updated,
                    "unchanged": stored.unchanged,
                    "rejected": batch.rejected_rows,
                },
            )
    reason = "import committed" if clean is not None else "import refused"
    _shred_uploads([batch], reason=reason)
    if clean is not None and stored.new >= plannerstats.AFTER_IMPORT_ROWS:
        # Searches right after a large import would otherwise be planned with the table
        # sizes from before it (a scan of every order instead of the blind index).
        plannerstats.refresh("default", [Order, Party, BlindIndexEntry])


def do_import_file(
    actor: Member,
    tenant: Tenant,
    *,
    data: bytes,
    filename: str,
    password: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> ImportBatch:
    """Upload, analyse and commit in one go, in this process (the command line)."""
    batch = do_receive_upload(
        actor, tenant, data=data, filename=filename, password=password, mapping=mapping, queue=False
    )
    analysis = analyse(batch.pk, compare=False, keep=False)
    # Without the staged file: the largest value of the row, and read by the steps only.
    unstaged = ImportBatch.objects.defer("staged")
    batch = unstaged.get(pk=batch.pk)
    if batch.status == BatchStatus.PREVIEWED:
        with transaction.atomic():
            ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.COMMITTING)
            record(
                "import.commit_requested",
                actor=actor,
                tenant_id=tenant.pk,
                detail={"batch": batch.pk},
            )
        commit(batch.pk, analysis)
        batch = unstaged.get(pk=batch.pk)
    return batch
