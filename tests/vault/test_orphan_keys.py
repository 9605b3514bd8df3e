"""Data keys whose subject no row holds (left by a write that made its keys in the key ring
and then rolled back or was killed) are destroyed after a grace period, recorded; every
key some table still names is left alone."""

from __future__ import annotations

import datetime as dt
import io
import secrets
from collections.abc import Callable

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import transaction

from jikim.accounts.models import Tenant
from jikim.audit.models import AccessRecord
from jikim.disclosures.models import Incident
from jikim.retention import sweep
from jikim.retention.models import DestructionItem, Hold, SeparatedRecord, Stage, Sweep
from jikim.retention.separated import sweeping
from jikim.rights.models import Request
from jikim.shipping import actions as shipping_actions
from jikim.shipping.models import Party
from jikim.shipping.storing import store
from jikim.vault import keyring, orphans
from jikim.vault.fields import SubjectField
from jikim.vault.models import DataKey
from jikim.vault.routers import KEYRING
from tests.conftest import create_member, create_seller
from tests.shipping import marketplace_files as files
from tests.vaulthelp import plain

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
PAST_GRACE = T0 + dt.timedelta(hours=25)


def _recipient() -> str:
    return f"r_{secrets.token_hex(12)}"


def _key_made_at_t0(subject: str | None = None) -> str:
    subject = subject or _recipient()
    with time_machine.travel(T0, tick=False):
        keyring.create([subject])
    return subject


def _live(subject: str) -> bool:
    return keyring.load([subject])[subject] is not None


def _clean(at: dt.datetime = PAST_GRACE, **kwargs: bool) -> int:
    with time_machine.travel(at, tick=False):
        return orphans.clean(**kwargs)


def test_a_key_without_any_row_past_the_grace_period_is_destroyed_and_recorded() -> None:
    subject = _key_made_at_t0()
    assert _clean() == 1
    assert keyring.is_shredded(subject)
    record = AccessRecord.objects.get(action="shred")
    assert record.subjects == [subject]
    assert record.reason == orphans.REASON
    assert record.actor_id is None and record.detail["system"] is True
    assert _clean() == 0, "a second run finds nothing left"


def test_a_key_whose_subject_has_a_row_is_kept() -> None:
    with time_machine.travel(T0, tick=False):
        member = create_member("kim")
    assert _clean() == 0
    assert _live(member.subject)
    assert not AccessRecord.objects.filter(action="shred").exists()


def test_a_young_key_is_kept_for_the_write_that_made_it() -> None:
    subject = _key_made_at_t0()
    assert _clean(T0 + dt.timedelta(hours=23)) == 0
    assert _live(subject)


def test_the_grace_period_comes_from_settings_but_never_below_an_hour(settings) -> None:
    subject = _key_made_at_t0()
    settings.VAULT_ORPHAN_KEY_GRACE_HOURS = 0
    assert _clean(T0 + dt.timedelta(minutes=30)) == 0
    settings.VAULT_ORPHAN_KEY_GRACE_HOURS = 2
    assert _clean(T0 + dt.timedelta(minutes=90)) == 0
    assert _clean(T0 + dt.timedelta(hours=3)) == 1
    assert keyring.is_shredded(subject)


def test_a_shredded_key_is_left_as_it_is() -> None:
    subject = _key_made_at_t0()
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        keyring.shred([subject])
    before = DataKey.objects.using(KEYRING).get(subject=subject).shredded_at
    assert _clean() == 0
    assert DataKey.objects.using(KEYRING).get(subject=subject).shredded_at == before
    assert not AccessRecord.objects.filter(action="shred").exists()


def _planned_for_destruction(subject: str) -> None:
    DestructionItem.objects.create(
        subject=subject,
        stage=Stage.DESTROY,
        source="shipping.recipient",
        rule="recipient_after_delivery",
        due_at=T0,
        sweep=Sweep.objects.create(as_of=T0),
    )


def _held(subject: str) -> None:
    Hold.objects.create(kind="dispute", subject=subject, reason="분쟁")


def _named_by_a_rights_request(subject: str) -> None:
    Request.objects.create(kind="deletion", channel="web", subjects=[subject], due_at=T0)


def _named_by_an_incident(subject: str) -> None:
    Incident.objects.create(title="t", discovered_at=T0, description="d", subjects=[subject])


def _kept_in_the_separated_store(subject: str) -> None:
    with sweeping():
        SeparatedRecord.objects.create(
            subject=subject,
            source="shipping.recipient",
            rule="r",
            legal_basis="b",
            moved_at=T0,
            due_at=T0,
        )


@pytest.mark.parametrize(
    "named",
    [
        _planned_for_destruction,
        _held,
        _named_by_a_rights_request,
        _named_by_an_incident,
        _kept_in_the_separated_store,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_a_subject_named_by_any_table_keeps_its_key(named: Callable[[str], None]) -> None:
    subject = _key_made_at_t0()
    named(subject)
    assert _clean() == 0
    assert _live(subject)


def test_a_key_of_a_prefix_no_model_declares_is_left_alone() -> None:
    subject = _key_made_at_t0(f"zz_{secrets.token_hex(12)}")
    assert _clean() == 0
    assert _live(subject)


def test_the_holders_are_every_subject_field_of_the_registry() -> None:
    table = orphans.holders()
    declared = {
        (model._meta.label, f.attname, f.prefix)
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, SubjectField)
    }
    found = {
        (h.model._meta.label, h.column, prefix)
        for prefix, group in table.by_prefix.items()
        for h in group
    }
    assert found == declared
    assert ("shipping.Party", "subject", "r") in found
    anywhere = {str(h) for h in table.anywhere}
    assert {"retention.DestructionItem.subject", "retention.Hold.subject"} <= anywhere
    assert "rights.AgentDocument.request_subject" in anywhere  # sealed under it
    assert "rights.Request.subjects" in {str(h) for h in table.listed}
    assert "audit.AccessRecord.subjects" not in {str(h) for h in table.listed}


def test_the_key_ring_is_walked_a_page_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(orphans, "PAGE", 2)
    with time_machine.travel(T0, tick=False):
        members = [create_member(f"member{i}") for i in range(3)]
    lost = [_key_made_at_t0() for _ in range(5)]
    assert _clean() == 5
    assert all(keyring.is_shredded(s) for s in lost)
    assert all(_live(m.subject) for m in members)
    assert AccessRecord.objects.filter(action="shred").count() >= 3, "one record per page"


def test_keys_of_an_import_that_rolled_back_are_destroyed_and_the_rest_kept() -> None:
    with time_machine.travel(T0, tick=False):
        create_seller("shop")
        tenant = Tenant.objects.get(slug="shop")
        rows = shipping_actions.analyse_bytes(files.smartstore_xlsx(), None).clean
        before = set(DataKey.objects.using(KEYRING).values_list("subject", flat=True))
        with pytest.raises(RuntimeError), transaction.atomic():
            store(tenant, rows)
            raise RuntimeError("the push failed after storing")
        made = set(DataKey.objects.using(KEYRING).values_list("subject", flat=True)) - before
        assert made and not Party.objects.exists(), "keys outlive the rolled-back rows"
        store(tenant, rows)
    kept = list(Party.objects.all())
    assert _clean() == len(made)
    assert all(keyring.is_shredded(s) for s in made)
    assert all(plain(p, "name") for p in kept), "the committed import reads as before"


def test_dry_run_counts_and_destroys_nothing() -> None:
    subject = _key_made_at_t0()
    out = io.StringIO()
    with time_machine.travel(PAST_GRACE, tick=False):
        call_command("vault_orphans", "--dry-run", stdout=out)
    assert out.getvalue().strip() == "1 orphaned data keys found"
    assert _live(subject)
    out = io.StringIO()
    with time_machine.travel(PAST_GRACE, tick=False):
        call_command("vault_orphans", stdout=out)
    assert out.getvalue().strip() == "1 orphaned data keys destroyed"
    assert keyring.is_shredded(subject)


def test_the_daily_sweep_destroys_them_and_reports_how_many() -> None:
    subject = _key_made_at_t0()
    with time_machine.travel(PAST_GRACE, tick=False):
        report = sweep.run()
    assert report.orphan_keys == 1
    assert keyring.is_shredded(subject)
