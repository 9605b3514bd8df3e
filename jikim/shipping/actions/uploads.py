"""An upload received: an encrypted workbook opened with the password typed for it (kept
no longer than the call), the file sealed in its batch and its analysis queued."""

from __future__ import annotations

import base64
from collections.abc import Mapping

from django.db import transaction

from jikim.accounts.models import Member, Tenant
from jikim.audit.records import record
from jikim.shipping.importers import FileRefused
from jikim.shipping.importers.reading import _decrypt_ooxml
from jikim.shipping.models import ImportBatch

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
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
