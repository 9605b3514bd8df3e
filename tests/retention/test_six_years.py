"""Six simulated years, day by day: every row is destroyed or moved within 5 days after its
due date and never before; held rows survive until their hold is released.

JIKIM_SIM_STEP_DAYS sets the step (1 = every day; CI uses the default below to stay within
its time budget; `JIKIM_SIM_STEP_DAYS=1 pytest -k six_years` runs the full daily walk)."""

import datetime as dt
import os
import random

import pytest
import time_machine

from jikim.accounts import actions as account_actions
from jikim.accounts.models import Member, Tenant
from jikim.retention import actions, sweep
from jikim.retention.models import Hold
from jikim.retention.separated import sweeping
from jikim.shipping.models import Party
from jikim.vault import keyring
from tests.conftest import create_member, create_seller
from tests.retention.helpers import T0, deliver, seller_with_orders

pytestmark = pytest.mark.django_db
STEP = int(os.environ.get("JIKIM_SIM_STEP_DAYS", "2"))
DAY = dt.timedelta(days=1)
GRACE = dt.timedelta(days=5)


def test_c7_02_six_years_day_by_day_nothing_early_nothing_late() -> None:
    rng = random.Random(6)
    expected: dict[str, dt.datetime] = {}  # subject -> due date (destruction)
    held_until: dict[str, dt.datetime] = {}  # subject -> release date of its hold
    members: dict[str, Member] = {}
    events: list[tuple[dt.datetime, str, object]] = []

    with time_machine.travel(T0, tick=False):
        sellers = [create_seller(f"sim{i}") for i in range(3)]
        owner = sellers[0]
        parties = [p for s in sellers for p in seller_with_orders(s)]
    custom_days = 30
    actions.do_set_shipping_days(owner, Tenant.objects.get(slug="sim1"), custom_days)
    for party in parties:
        delivered = T0 + rng.randrange(0, 3 * 365) * DAY
        days = custom_days if party.tenant.slug == "sim1" else 90
        deliver(party, delivered)
        expected[party.subject] = delivered + days * DAY
    for i in range(8):
        member = create_member(f"simm{i}")
        members[member.subject] = member
        withdraw_at = T0 + rng.randrange(10, 4 * 365) * DAY
        events.append((withdraw_at, "withdraw", member))
        expected[member.subject] = withdraw_at.replace() + 365 * DAY  # +1y; leap years below
    held_subject = parties[0].subject
    events.append((T0 + 10 * DAY, "hold", held_subject))
    release = expected[held_subject] + 400 * DAY
    events.append((release, "release", held_subject))
    held_until[held_subject] = release
    events.sort(key=lambda e: e[0])

    from jikim.retention import rules

    member_rule = rules.rule("member_after_withdrawal")
    day = T0
    end = T0 + 6 * 365 * DAY
    while day <= end:
        with time_machine.travel(day, tick=False):
            while events and events[0][0] <= day:
                _, kind, target = events.pop(0)
                if kind == "withdraw":
                    assert isinstance(target, Member)
                    account_actions.do_withdraw(target)
                    target.refresh_from_db()
                    expected[target.subject] = member_rule.due(target.withdrawn_at)
                elif kind == "hold":
                    actions.do_place_hold(owner, kind="dispute", subject=str(target), reason="분쟁")
                else:
                    actions.do_release_hold(
                        owner,
                        Hold.objects.get(subject=str(target), released_at__isnull=True),
                        reason="분쟁 해결",
                    )
            sweep.run()
        alive_parties = set(Party.objects.values_list("subject", flat=True))
        for subject, due in expected.items():
            gone = (
                (subject not in alive_parties)
                if subject not in members
                else keyring.is_shredded(subject)
            )
            if subject in held_until and day < held_until[subject]:
                assert not gone, "held data destroyed"
                continue
            effective_due = max(due, held_until.get(subject, due))
            if day < due:
                assert not gone, "destroyed before its due date"
            elif day >= effective_due + GRACE:
                assert gone, "not destroyed within 5 days of its due date"
        day += STEP * DAY

    assert all(keyring.is_shredded(s) for s in members)
    with sweeping():
        assert not Party.objects.exists()
