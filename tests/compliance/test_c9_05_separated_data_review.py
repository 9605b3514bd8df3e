"""C9-05: the monthly review of the access records flags a person's access to data already
moved to separated storage (a withdrawn member's data kept only for a legal period)."""

import datetime as dt

import pytest
import time_machine

from jikim.audit import review
from jikim.audit.records import record
from jikim.retention.models import DestructionItem, ItemStatus, Stage, Sweep

pytestmark = pytest.mark.django_db
KST = dt.timezone(dt.timedelta(hours=9))


def test_c9_05_reading_separated_data_is_flagged_in_the_monthly_review(alice, bob) -> None:
    moved_at = dt.datetime(2026, 5, 3, tzinfo=KST)
    sweep = Sweep.objects.create(as_of=moved_at)
    DestructionItem.objects.create(
        subject="m_separated",
        stage=Stage.MOVE,
        source="accounts.member",
        rule="member_after_withdrawal",
        due_at=moved_at,
        status=ItemStatus.DONE,
        sweep=sweep,
        done_at=moved_at,
    )
    with time_machine.travel(dt.datetime(2026, 5, 2, 10, tzinfo=KST), tick=False):
        record("view", actor=bob, subjects=["m_separated"])  # before the move: no flag
    with time_machine.travel(dt.datetime(2026, 5, 8, 10, tzinfo=KST), tick=False):
        record("view", actor=alice, subjects=["m_separated", "r_other"])
    flags = [f for f in review.compute(dt.date(2026, 5, 1)).flags if f.kind == "separated"]
    assert [(f.actor_name, f.count) for f in flags] == [("alice", 1)]
    assert flags[0].label == "분리보관 정보 접근"
