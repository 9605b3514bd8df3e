"""State changes of order imports. Each takes the acting member explicitly and records
the act in the same transaction. The commit is all-or-nothing."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from jikim import clock, plannerstats
from jikim.accounts.models import Member, Tenant
from jikim.audit.records import record
from jikim.shipping import gcpause, importers, staging
from jikim.shipping.contenthash import content_hasher
from jikim.shipping.importers import FileRefused, ParsedFile
from jikim.shipping.importers.reading import _decrypt_ooxml
from jikim.shipping.models import BatchStatus, ColumnMapping, ImportBatch, Order, Party
from jikim.shipping.normalising import CleanRow, Normaliser, Problem
from jikim.shipping.storing import existing_lines, store
from jikim.vault import access, keyring
from jikim.vault.models import BlindIndexEntry

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
MAX_STORED_PROBLEMS = 2000
STAGING_HOURS = 24
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def decrypt_upload(data: bytes, password: str | None) -> bytes:
    """An encrypted xlsx opened with the password the user typed; anything else as is.
    The password lives only in this call."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise FileRefused("too_large")
    if data[:8] == OLE_MAGIC:
        try:
            return _decrypt_ooxml(data, password)
        except FileRefused as exc:
            if exc.code != "corrupt":
                raise
            # Not an encrypted workbook (a legacy .xls): the reader takes it as it is.
    return data


@transaction.atomic
def do_receive_upload(
    actor: Member,
    tenant: Tenant,
    *,
    data: bytes,
    filename: str,
    password: str | None,
    mapping: Mapping[str, str] | None = None,
    queue: bool = True,
) -> ImportBatch:
    """Take an uploaded file: decrypt it now (the password is not kept), seal it, and
    queue its analysis. A file that cannot even be opened is refused before anything is
    stored."""
    if tenant.contract_ended_at is not None:
        raise FileRefused("contract_ended")  # no new personal data after the contract
    plain = decrypt_upload(data, password)
    batch = ImportBatch.objects.create(
        tenant=tenant,
        uploaded_by=actor,
        filename=filename[:200],
        staged=base64.b64encode(plain).decode("ascii"),
        mapping=dict(mapping or {}),
    )
    record(
        "upload",
        actor=actor,
        tenant_id=tenant.pk,
        subjects=[batch.subject],
        purpose="service_delivery",
        detail={"batch": batch.pk, "bytes": len(plain)},
    )
    if queue:
        from jikim.shipping.tasks import analyse_batch

        analyse_batch.enqueue(batch.pk)
    return batch


def _staged(batch: ImportBatch) -> str:
    pii = access.reveal(
        batch,
        "staged",
        purpose="service_delivery",
        actor=access.SYSTEM,
        action="import.read_staged",
    )
    return pii.value


def _staged_bytes(batch: ImportBatch) -> bytes:
    """The uploaded file (before its preview; afterwards the batch keeps the analysis)."""
    staged = _staged(batch)
    if staging.is_analysis(staged):
        raise FileRefused("corrupt")  # not reached: only a received batch's file is read
    return base64.b64decode(staged)


def _staged_rows(batch: ImportBatch) -> list[CleanRow]:
    """The clean rows to commit: kept by the preview, or (a batch previewed before the
    analysis was kept) worked out again from the file."""
    staged = _staged(batch)
    if staging.is_analysis(staged):
        return staging.loads(staged)
    return analyse_bytes(base64.b64decode(staged), batch.mapping).clean


@dataclass
class Analysis:
    parsed: ParsedFile
    clean: list[CleanRow]
    problems: list[Problem]
    identifiers: int


def analyse_bytes(data: bytes, mapping: Mapping[str, str] | None) -> Analysis:
    with gcpause.paused():
        return _analyse_bytes(data, mapping)


def _analyse_bytes(data: bytes, mapping: Mapping[str, str] | None) -> Analysis:
    parsed = importers.parse_file(data, mapping=mapping or None, max_rows=MAX_ROWS)
    problems = [Problem(p.row, p.column or "", p.code, p.message) for p in parsed.problems]
    clean: list[CleanRow] = []
    identifiers = 0
    normaliser = Normaliser(parsed.headers)
    # Each raw row is let go once normalised: the raw and the clean form of a large file
    # are never all in memory together, and the analysis does not keep the raw rows.
    raw_rows = parsed.rows
    parsed = dataclasses.replace(parsed, rows=[])
    raw_rows.reverse()
    while raw_rows:
        outcome = normaliser.normalise(raw_rows.pop())
        problems.extend(outcome.problems)
        identifiers += outcome.identifiers
        if outcome.row is not None:
            clean.append(outcome.row)
    return Analysis(parsed, clean, problems, identifiers)


def _with_saved_mapping(batch: ImportBatch, data: bytes) -> Analysis | None:
    for saved in ColumnMapping.objects.filter(tenant_id=batch.tenant_id).order_by("-created_at"):
        try:
            result = analyse_bytes(data, saved.mapping)
        except FileRefused:
            continue
        batch.mapping = saved.mapping
        return result
    return None


def header_preview(batch: ImportBatch) -> tuple[list[str], dict[str, str]]:
    """The header row of an unknown layout and a suggested mapping, for the mapping screen.
    The header row is the first of the top rows with the most filled cells."""
    table = importers.read_table(_staged_bytes(batch), max_rows=MAX_ROWS)
    top = table.rows[:10]
    if not top:
        raise FileRefused("empty")
    header = max(top, key=lambda row: (sum(1 for c in row if c.strip()), -top.index(row)))
    header = [c for c in header if c.strip()]
    return header, importers.suggest_mapping(header)


@transaction.atomic
def do_set_mapping(
    actor: Member, batch: ImportBatch, mapping: Mapping[str, str], save_as: str = ""
) -> None:
    """The seller's column mapping for an unknown layout; optionally kept for next time."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.NEEDS_MAPPING:
        return
    batch.mapping = {k: v for k, v in mapping.items() if v}
    batch.status = BatchStatus.RECEIVED
    batch.save(update_fields=["mapping", "status"])
    if save_as:
        ColumnMapping.objects.update_or_create(
            tenant_id=batch.tenant_id, name=save_as[:60], defaults={"mapping": batch.mapping}
        )
    record(
        "import.mapping",
        actor=actor,
        tenant_id=batch.tenant_id,
        detail={"batch": batch.pk, "fields": sorted(batch.mapping), "saved": bool(save_as)},
    )
    from jikim.shipping.tasks import analyse_batch

    analyse_batch.enqueue(batch.pk)


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


def analyse(batch_id: int, *, compare: bool = True, keep: bool = True) -> Analysis | None:
    """Parse, normalise and classify every row; nothing is stored but the report, and
    (`keep`) the clean rows, sealed in place of the file, for the commit to store without
    a second parse. `compare=False` skips counting new, changed and unchanged lines for
    the preview, and `keep=False` keeping the rows, for a caller that commits right away
    with the analysis it is given (the commit counts lines as it stores them)."""
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status != BatchStatus.RECEIVED:
        return None
    data = _staged_bytes(batch)
    result: Analysis | None
    try:
        result = analyse_bytes(data, batch.mapping)
    except FileRefused as exc:
        if exc.code != "unknown_format":
            _refuse(batch, exc)
            return None
        # A layout jikim does not know: a mapping this seller saved before may fit.
        result = _with_saved_mapping(batch, data)
        if result is None:
            batch.status = BatchStatus.NEEDS_MAPPING
            batch.save(update_fields=["status"])
            return None
    existing = (
        {
            number: known
            for _, _, number, known in existing_lines(
                batch.tenant_id, [(r.marketplace, r.product_order_no) for r in result.clean]
            )
        }
        if compare and len(result.clean) <= 20_000
        else None
    )
    new = updated = unchanged = 0
    if existing is not None:
        digest = content_hasher(batch.tenant_id)
        for row in result.clean:
            known = existing.get(row.product_order_no)
            if known is None:
                new += 1
            elif known == digest(row):
                unchanged += 1
            else:
                updated += 1
    else:
        new = len(result.clean)
    rejected = {p.row for p in result.problems if p.severity == "error"}
    batch.status = BatchStatus.PREVIEWED
    batch.format_id = result.parsed.format_id
    batch.format_name = result.parsed.format_name
    batch.marketplace = result.parsed.marketplace
    batch.total_rows = result.parsed.total_rows
    batch.valid_rows = len(result.clean)
    batch.new_rows, batch.updated_rows, batch.unchanged_rows = new, updated, unchanged
    batch.rejected_rows = len(rejected)
    batch.identifiers_masked = result.identifiers
    batch.problems = [p.as_dict() for p in result.problems[:MAX_STORED_PROBLEMS]]
    batch.progress = 100
    kept = []
    if keep:
        batch.staged = staging.dumps(result.clean)
        kept = ["staged"]
    # Not the staged file unless it changed: it is the largest value of the row.
    batch.save(update_fields=[*ImportBatch.REPORT_FIELDS, *kept])
    return result


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
