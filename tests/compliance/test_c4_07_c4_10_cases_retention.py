"""§4 for complaints and recordings: closed complaint records kept 3 years then destroyed
(C4-07), a dispute keeps them until resolved and shows in the forecast (C4-04),
recordings destroyed 6 months after the consultation ends (C4-10)."""

import datetime as dt
from pathlib import Path

import pytest
import time_machine

from jikim.cases import actions
from jikim.cases.models import Case, ContactLog, Recording
from jikim.retention import sweep
from jikim.retention.forecast import forecast
from jikim.retention.models import LedgerEntry
from jikim.vault import access, keyring
from tests.cases import helpers
from tests.retention.helpers import T0
from tests.vaulthelp import plain

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
THREE_YEARS = dt.datetime(2029, 1, 5, 3, 0, tzinfo=dt.UTC)  # T0 + 3 calendar years


@pytest.fixture
def location(settings, tmp_path) -> Path:
    return helpers.use_recordings_dir(settings, tmp_path)


def _sweep(at: dt.datetime) -> sweep.Report:
    with time_machine.travel(at, tick=False):
        return sweep.run()


def _closed_case(member) -> Case:
    with time_machine.travel(T0 - 30 * DAY, tick=False):
        case = helpers.seller_case(member)
        actions.do_add_contact(member, case, kind="call_out", note="사진을 요청함")
    with time_machine.travel(T0, tick=False):
        return helpers.closed(case, member)


def test_c4_07_closed_complaint_kept_three_years_then_destroyed_never_before(alice) -> None:
    case = _closed_case(alice)
    _sweep(THREE_YEARS - DAY)
    case.refresh_from_db()
    assert case.destroyed_at is None and plain(case, "body") == helpers.BODY
    assert plain(ContactLog.objects.get(case=case), "note") == "사진을 요청함"
    _sweep(THREE_YEARS + dt.timedelta(hours=1))
    case.refresh_from_db()
    assert keyring.is_shredded(case.subject)
    assert case.destroyed_at is not None and case.body is None and case.answer is None
    assert case.complainant_name is None and case.contact_phone is None
    assert ContactLog.objects.get(case=case).note is None
    assert access.reveal(case, "body", purpose="complaint_handling", actor=alice).value == ""
    entry = LedgerEntry.objects.get(rule="complaint_records")
    assert entry.subjects == [case.subject] and "전자상거래" in entry.legal_basis
    assert case.status == "closed" and case.title == "(파기됨)", "the row stays as a count"


def test_c4_07_open_cases_are_never_due(alice) -> None:
    with time_machine.travel(T0, tick=False):
        case = helpers.seller_case(alice)
    _sweep(T0 + 10 * 365 * DAY)
    assert not keyring.is_shredded(case.subject)


def test_c4_04_a_disputed_complaint_outlives_its_period_until_resolved(alice) -> None:
    case = _closed_case(alice)
    with time_machine.travel(T0 + DAY, tick=False):
        actions.do_mark_dispute(alice, case, kind="lawsuit", note="2026가단5678")
    lines = forecast(3 * 366, now=T0 + DAY)
    [line] = [ln for ln in lines if ln.rule == "complaint_records"]
    assert line.count == 1 and line.held == 1, "the hold shows in the retention forecast"
    _sweep(THREE_YEARS + 30 * DAY)
    assert not keyring.is_shredded(case.subject), "kept past 3 years while disputed"
    with time_machine.travel(THREE_YEARS + 40 * DAY, tick=False):
        actions.do_resolve_dispute(alice, case, reason="판결 확정")
    _sweep(THREE_YEARS + 41 * DAY)
    assert keyring.is_shredded(case.subject)


def test_c4_10_recording_destroyed_six_months_after_the_consultation_ends(alice, location) -> None:
    ended = T0 + 2 * DAY
    with time_machine.travel(T0, tick=False):
        consultation = helpers.consultation(alice, helpers.tenant_of(alice), started=T0)
        recording = actions.do_attach_recording(alice, consultation, data=helpers.wav())
    with time_machine.travel(ended, tick=False):
        actions.do_end_consultation(alice, consultation)
    [stored] = helpers.stored_files(location)
    six_months = dt.datetime(2026, 7, 7, 3, 0, tzinfo=dt.UTC)
    _sweep(six_months - DAY)
    assert stored.exists() and not keyring.is_shredded(recording.subject)
    _sweep(six_months + dt.timedelta(hours=1))
    recording.refresh_from_db()
    assert keyring.is_shredded(recording.subject), "the key is shredded"
    assert not stored.exists() and helpers.stored_files(location) == [], "nothing remains"
    assert recording.destroyed_at is not None and recording.storage_name == ""
    entry = LedgerEntry.objects.get(rule="call_recording_6m")
    assert entry.subjects == [recording.subject] and "파일 삭제" in entry.method


def test_c4_10_a_consultation_never_ended_counts_from_the_upload(alice, location) -> None:
    with time_machine.travel(T0, tick=False):
        consultation = helpers.consultation(alice, helpers.tenant_of(alice), started=T0)
        recording = actions.do_attach_recording(alice, consultation, data=helpers.wav())
    _sweep(T0 + 182 * DAY)
    assert keyring.is_shredded(recording.subject)
    assert Recording.objects.get().destroyed_at is not None


def test_c4_10_a_recording_in_a_dispute_is_kept(alice, location) -> None:
    with time_machine.travel(T0, tick=False):
        case = helpers.seller_case(alice)
        consultation = helpers.consultation(
            alice, helpers.tenant_of(alice), started=T0, ended=T0, case=case
        )
        recording = actions.do_attach_recording(alice, consultation, data=helpers.wav())
        actions.do_mark_dispute(alice, case, kind="complaint", note="")
    _sweep(T0 + 400 * DAY)
    assert not keyring.is_shredded(recording.subject) and helpers.stored_files(location)
