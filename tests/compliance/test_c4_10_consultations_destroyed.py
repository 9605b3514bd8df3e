"""C4-10 / C4-07 for the calls themselves: a consultation's topic, agent, times, notice and
case link do not outlive what they describe. A call without a case is destroyed with its
recording, 6 months after it ended (never while a hold keeps the recording); a call with a
case goes with the case, 3 years after it was closed. Each destruction is on the ledger."""

import datetime as dt
from pathlib import Path

import pytest
import time_machine

from jikim.cases import actions
from jikim.cases.models import Consultation, Recording
from jikim.retention import sweep
from jikim.retention.models import LedgerEntry
from jikim.retention.sources import BY_NAME
from tests.cases import helpers
from tests.retention.helpers import T0

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
SIX_MONTHS_AFTER_END = dt.datetime(2026, 7, 7, 3, 0, tzinfo=dt.UTC)  # ended T0 + 2 days
THREE_YEARS = dt.datetime(2029, 1, 5, 3, 0, tzinfo=dt.UTC)  # closed at T0


@pytest.fixture
def location(settings, tmp_path) -> Path:
    return helpers.use_recordings_dir(settings, tmp_path)


def _sweep(at: dt.datetime) -> sweep.Report:
    with time_machine.travel(at, tick=False):
        return sweep.run()


def test_c4_10_a_call_without_a_case_is_destroyed_with_its_recording(alice, location) -> None:
    assert "cases.consultation" in BY_NAME
    with time_machine.travel(T0, tick=False):
        call = helpers.consultation(alice, helpers.tenant_of(alice), started=T0)
        actions.do_attach_recording(alice, call, data=helpers.wav())
        bare = helpers.consultation(alice, helpers.tenant_of(alice), started=T0, ended=T0)
    with time_machine.travel(T0 + 2 * DAY, tick=False):
        actions.do_end_consultation(alice, call)
    _sweep(SIX_MONTHS_AFTER_END - DAY)
    assert Consultation.objects.filter(pk=call.pk).exists()
    assert not Consultation.objects.filter(pk=bare.pk).exists(), "ended 2 days earlier"
    _sweep(SIX_MONTHS_AFTER_END + dt.timedelta(hours=1))
    _sweep(SIX_MONTHS_AFTER_END + DAY)
    assert not Consultation.objects.filter(pk__in=[call.pk, bare.pk]).exists()
    assert not Recording.objects.exists() and helpers.stored_files(location) == []
    entries = LedgerEntry.objects.filter(source="cases.consultation")
    assert {e.rule for e in entries} == {"call_recording_6m"}
    assert sum(e.count for e in entries) == 2 and all("상담 기록" in e.method for e in entries)


def test_c4_10_a_held_recording_keeps_its_call(alice, location) -> None:
    with time_machine.travel(T0, tick=False):
        case = helpers.seller_case(alice)
        call = helpers.consultation(
            alice, helpers.tenant_of(alice), started=T0, ended=T0, case=case
        )
        actions.do_attach_recording(alice, call, data=helpers.wav())
        actions.do_mark_dispute(alice, case, kind="complaint", note="")
    _sweep(T0 + 400 * DAY)
    _sweep(T0 + 401 * DAY)
    assert Consultation.objects.filter(pk=call.pk).exists()


def test_c4_07_c4_10_a_call_with_a_case_goes_with_the_case(alice, location) -> None:
    with time_machine.travel(T0 - 30 * DAY, tick=False):
        case = helpers.seller_case(alice)
        call = helpers.consultation(
            alice, helpers.tenant_of(alice), started=T0 - 30 * DAY, ended=T0 - 30 * DAY, case=case
        )
        actions.do_attach_recording(alice, call, data=helpers.wav())
    with time_machine.travel(T0, tick=False):
        helpers.closed(case, alice)
    _sweep(T0 + 200 * DAY)
    assert Recording.objects.get().destroyed_at is not None, "the recording went at 6 months"
    assert Consultation.objects.filter(pk=call.pk).exists(), "the call stays with its case"
    _sweep(THREE_YEARS - DAY)
    assert Consultation.objects.filter(pk=call.pk).exists()
    _sweep(THREE_YEARS + dt.timedelta(hours=1))
    case.refresh_from_db()
    assert case.destroyed_at is not None
    assert not Consultation.objects.filter(pk=call.pk).exists() and not Recording.objects.exists()
    assert "상담 기록" in LedgerEntry.objects.get(rule="complaint_records").method
