"""A received upload analysed for its preview: parsed, normalised and classified row by row
(new, changed, unchanged, rejected), or held for the seller's column mapping where its
layout is unknown. Nothing is stored but the report and the clean rows, sealed."""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction

from jikim.accounts.models import Member
from jikim.audit.records import record
from jikim.shipping import gcpause, importers, staging
from jikim.shipping.actions.discarding import _refuse
from jikim.shipping.contenthash import content_hasher
from jikim.shipping.importers import FileRefused, ParsedFile
from jikim.shipping.models import BatchStatus, ColumnMapping, ImportBatch
from jikim.shipping.normalising import CleanRow, Normaliser, Problem
from jikim.shipping.storing import existing_lines
from jikim.vault import access

MAX_ROWS = 200_000
MAX_STORED_PROBLEMS = 2000


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
