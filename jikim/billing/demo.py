"""Two plans for a fresh demo service (`jikim seed_demo`), so the seller's 요금·결제 page has
something to choose. In production the operator sets its own plans on the console."""

from __future__ import annotations

from jikim.billing.actions import do_create_plan
from jikim.billing.models import Plan
from jikim.vault import access

PLANS = (("베이직", 29_000), ("프로", 59_000))


def seed_plans() -> int:
    """Create the demo plans when the service has none; returns how many were made."""
    if Plan.objects.exists():
        return 0
    for name, price in PLANS:
        do_create_plan(access.SYSTEM, name=name, monthly_price=price)
    return len(PLANS)
