"""C6-01 with C4-10: a deletion request destroys the recordings of the calls about the
person's CS cases. They are kept 6 months by the operator's own rule, which no law imposes,
so unlike the cases themselves (complaint records the law keeps) they go at once — key
shredded, file removed, ledgered — and the answer says so. A recording held for a dispute
is kept, and the answer says that too."""

import datetime as dt

import pytest
from django.test import Client

from jikim.cases import actions as case_actions
from jikim.cases.models import DisputeKind, Recording
from jikim.retention import sweep
from jikim.retention.models import LedgerEntry
from jikim.rights import actions
from jikim.rights.models import State
from jikim.vault import keyring
from tests.cases import helpers
from tests.cases.helpers import make_order, tenant_of
from tests.rights.helpers import ask, cs_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def location(settings, tmp_path):
    return helpers.use_recordings_dir(settings, tmp_path)


def _case_with_call(member):
    tenant = tenant_of(member)
    order, party = make_order(tenant)
    case = cs_case(member, order)
    started = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)
    call = helpers.consultation(
        member, tenant, started=started, ended=started + dt.timedelta(minutes=3), case=case
    )
    recording = case_actions.do_attach_recording(member, call, data=helpers.wav(seconds=0.2))
    return party, case, recording


def test_c6_01_deletion_destroys_the_persons_call_recordings_at_once(alice, bob, location) -> None:
    party, _, recording = _case_with_call(alice)
    _, _, bobs = _case_with_call(bob)
    assert len([p for p in location.rglob("*") if p.is_file()]) == 2
    req, _ = ask(Client(), party, "deletion")
    actions.do_answer(alice, req, outcome="done", answer="")

    req.refresh_from_db()
    recording.refresh_from_db()
    assert recording.destroyed_at is not None and recording.storage_name == ""
    assert keyring.is_shredded(recording.subject)
    assert len([p for p in location.rglob("*") if p.is_file()]) == 1, "her file is removed"
    assert "상담 통화 녹음 1건을 복구할 수 없는 방법(암호 키 파기)으로 삭제했습니다." in req.answer
    assert req.state == State.PARTLY_DONE, "the case is a complaint record the law keeps"
    assert recording.subject in LedgerEntry.objects.get(source="cases.recording").subjects
    assert Recording.objects.get(pk=bobs.pk).destroyed_at is None, "only hers"
    assert not keyring.is_shredded(bobs.subject)


def test_c6_01_a_recording_held_for_a_dispute_is_kept_then_destroyed_when_it_ends(
    alice, location
) -> None:
    party, case, recording = _case_with_call(alice)
    case_actions.do_mark_dispute(alice, case, kind=DisputeKind.MEDIATION, note="조정 신청")
    req, _ = ask(Client(), party, "deletion")
    actions.do_answer(alice, req, outcome="done", answer="")

    req.refresh_from_db()
    recording.refresh_from_db()
    assert recording.destroyed_at is None and not keyring.is_shredded(recording.subject)
    assert "요구하신 상담 통화 녹음 1건은 아직 삭제하지 않았습니다." in req.answer
    assert req.state in (State.PARTLY_DONE, State.REFUSED)

    # The dispute ends: the next sweep destroys the recording, its file with it.
    case_actions.do_resolve_dispute(alice, case, reason="조정 성립")
    sweep.run()
    recording.refresh_from_db()
    assert recording.destroyed_at is not None and keyring.is_shredded(recording.subject)
    assert not [p for p in location.rglob("*") if p.is_file()], "the file is gone"
    assert recording.subject in LedgerEntry.objects.get(source="rights.deletion").subjects
