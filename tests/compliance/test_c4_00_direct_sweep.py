"""The sweep destroys sellers' recipients straight from the due query (direct.py), batch by
batch: what a privacy officer checks of it — a hold placed while it runs still wins, a
recipient due under two rules is destroyed and ledgered once, and with approval required
nothing is destroyed before the approval."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import override_settings

from jikim.accounts.models import Tenant
from jikim.retention import actions, direct, sweep
from jikim.retention.models import DestructionItem, HoldKind, ItemStatus, LedgerEntry
from jikim.vault import keyring
from tests.retention.helpers import T0, alive, deliver, seller_with_orders

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
LATER = T0 + 91 * DAY


def _sweep(at: dt.datetime = LATER) -> sweep.Report:
    with time_machine.travel(at, tick=False):
        return sweep.run()


@override_settings(RETENTION_SWEEP_BATCH=1)
def test_c4_04_a_hold_placed_while_the_sweep_runs_wins(alice, monkeypatch) -> None:
    with time_machine.travel(T0, tick=False):
        parties = seller_with_orders(alice)
    for party in parties:
        deliver(party, T0)
    last = parties[-1]
    real_destroy = direct.destroy
    calls = []

    def destroy_then_hold(*args, **kwargs):  # a CS agent places a hold after the first batch
        done = real_destroy(*args, **kwargs)
        if not calls:
            actions.do_place_hold(
                alice, kind=HoldKind.DISPUTE, reason="분쟁 접수", subject=last.subject
            )
        calls.append(done)
        return done

    monkeypatch.setattr(direct, "destroy", destroy_then_hold)
    report = _sweep()
    assert len(calls) == len(parties), "one batch per recipient"
    assert alive(last) and not keyring.is_shredded(last.subject)
    assert not any(alive(p) for p in parties[:-1])
    assert report.destroyed == len(parties) - 1
    ledger = LedgerEntry.objects.get(rule="shipping_purpose_met")
    assert ledger.count == len(parties) - 1 and last.subject not in ledger.subjects
    assert not DestructionItem.objects.filter(subject=last.subject).exists()


def test_c4_00_a_recipient_due_under_two_rules_is_destroyed_and_ledgered_once(alice) -> None:
    with time_machine.travel(T0, tick=False):
        parties = seller_with_orders(alice)
    for party in parties:
        deliver(party, T0)
    Tenant.objects.filter(slug="alice").update(contract_ended_at=T0)
    report = _sweep()
    assert not any(alive(p) for p in parties)
    assert report.destroyed == len(parties)
    swept = LedgerEntry.objects.filter(sweep__trigger="schedule")  # not the upload's own
    ledgered = [s for e in swept for s in e.subjects]
    assert sorted(ledgered) == sorted(p.subject for p in parties)
    assert sum(swept.values_list("count", flat=True)) == len(parties)
    items = DestructionItem.objects.filter(subject__in=[p.subject for p in parties])
    assert items.count() == len(parties) and not items.exclude(status=ItemStatus.DONE).exists()
