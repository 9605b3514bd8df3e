"""C7-02, C7-03: every destruction is on the ledger — not only the sweep's. An uploaded
order file is destroyed by the import itself (committed, cancelled, refused, expired, cut
off), and each such destruction is ledgered like a sweep's: rule, legal basis, count,
pseudonymous ids, seller, due and done, method; no personal data. The access log's
shredding and the ledger agree."""

import datetime as dt

import pytest
import time_machine

from jikim.accounts.models import Member, Tenant
from jikim.audit.models import AccessRecord
from jikim.retention import rules, sweep
from jikim.retention.models import DestructionItem, ItemStatus, LedgerEntry
from jikim.shipping import actions
from jikim.shipping.actions import STAGING_HOURS
from jikim.shipping.models import BatchStatus, ImportBatch
from jikim.vault import keyring
from tests.retention.helpers import T0, deliver, seller_with_orders
from tests.shipping import marketplace_files as files
from tests.shipping.test_import_flow import _import
from tests.vaulthelp import plain

pytestmark = pytest.mark.django_db
HOUR = dt.timedelta(hours=1)


def _upload(member: Member) -> ImportBatch:
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
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PREVIEWED and batch.staged is not None
    return batch


def _entry_of(subject: str) -> LedgerEntry:
    item = DestructionItem.objects.get(subject=subject, stage="destroy")
    assert item.status == ItemStatus.DONE
    return LedgerEntry.objects.get(
        sweep_id=item.done_sweep_id, source=item.source, rule=item.rule, stage="destroy"
    )


def test_c7_02_c7_03_a_committed_upload_is_destroyed_and_ledgered(alice) -> None:
    with time_machine.travel(T0, tick=False):
        batch = _import(alice, files.smartstore_xlsx())
    assert batch.status == BatchStatus.COMMITTED and keyring.is_shredded(batch.subject)
    entry = _entry_of(batch.subject)
    rule = rules.rule("upload_staging")
    assert entry.sweep.trigger == "import"
    assert entry.subjects == [batch.subject] and entry.count == 1
    assert entry.rule_label == rule.label and entry.legal_basis == rule.basis
    assert "데이터 키 파기" in entry.method
    assert entry.tenant_id == Tenant.objects.get(slug="alice").pk
    assert entry.due_from == entry.due_to == entry.done_at == T0, "purpose met: due at once"
    # The shredding's access record and the ledger entry were written together.
    shred = AccessRecord.objects.get(action="shred", reason="import committed")
    assert shred.subjects == [batch.subject]


def test_c7_02_cancelled_expired_and_cut_off_uploads_are_ledgered_once(alice) -> None:
    with time_machine.travel(T0, tick=False):
        cancelled = _upload(alice)
        waiting = _upload(alice)
        cut_off = _upload(alice)
        ImportBatch.objects.filter(pk=cut_off.pk).update(status=BatchStatus.COMMITTING)
    with time_machine.travel(T0 + HOUR, tick=False):
        actions.do_cancel(alice, cancelled)
    later = T0 + dt.timedelta(hours=STAGING_HOURS, minutes=5)
    with time_machine.travel(later, tick=False):
        assert actions.expire_staged() == 2
        sweep.run()  # the sweep's own staging rule finds nothing left to destroy
    for batch in (cancelled, waiting, cut_off):
        assert keyring.is_shredded(batch.subject)
        assert DestructionItem.objects.filter(subject=batch.subject).count() == 1, "once"
    assert _entry_of(cancelled.subject).done_at == T0 + HOUR
    assert _entry_of(cancelled.subject).due_from == T0 + HOUR, "cancelled: due at once"
    expired = _entry_of(waiting.subject)
    # Expired: due when the staging period ended, done when the expiry ran.
    assert expired.due_from == T0 + dt.timedelta(days=1) and expired.done_at == later
    assert _entry_of(cut_off.subject).sweep.trigger == "import"
    assert (
        sum(LedgerEntry.objects.filter(source="shipping.upload").values_list("count", flat=True))
        == 3
    )


def test_c7_02_an_upload_the_sweep_planned_is_taken_off_its_plan_when_destroyed(
    alice, settings
) -> None:
    """With approval required, the sweep plans an expired upload and waits; the import's
    own expiry destroys it first: ledgered once, the waiting item gone."""
    settings.RETENTION_REQUIRE_APPROVAL = True
    with time_machine.travel(T0, tick=False):
        batch = _upload(alice)
    with time_machine.travel(T0 + dt.timedelta(days=2), tick=False):
        assert sweep.run().awaiting_approval == 1
        actions.expire_staged()
        assert not DestructionItem.objects.filter(status=ItemStatus.AWAITING_APPROVAL).exists()
        assert DestructionItem.objects.get(subject=batch.subject).status == ItemStatus.DONE


def test_c7_02_every_shredding_on_the_access_log_is_on_the_ledger(alice) -> None:
    """What the privacy officer compares: each subject the access log says was shredded
    is on the ledger, with no personal data there."""
    with time_machine.travel(T0, tick=False):
        parties = seller_with_orders(alice)  # an upload committed
        cancelled = _upload(alice)
        _upload(alice)  # left to expire
        actions.do_cancel(alice, cancelled)
    names = [plain(p, "name") for p in parties]
    for p in parties:
        deliver(p, T0)
    with time_machine.travel(T0 + dt.timedelta(days=2), tick=False):
        actions.expire_staged()
    with time_machine.travel(T0 + dt.timedelta(days=91), tick=False):
        sweep.run()
    shredded = {s for r in AccessRecord.objects.filter(action="shred") for s in r.subjects}
    assert len(AccessRecord.objects.filter(action="shred")) >= 3
    ledgered = {s for e in LedgerEntry.objects.all() for s in e.subjects}
    assert shredded <= ledgered, shredded - ledgered
    assert cancelled.subject in ledgered  # a cancel shreds without a "shred" record
    assert all(keyring.is_shredded(s) for s in ledgered)
    text = str(list(LedgerEntry.objects.values())) + str(list(DestructionItem.objects.values()))
    assert not any(n in text for n in names)
