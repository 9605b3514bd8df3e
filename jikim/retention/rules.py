"""The retention rules of policy.toml as typed objects, and date arithmetic on them."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
import tomllib
from dataclasses import dataclass

from jikim import clock
from jikim.policy.document import PolicyError, source_text

_PERIOD = re.compile(r"^(\d+)([dmy])$")


@dataclass(frozen=True)
class Period:
    amount: int
    unit: str  # "d", "m" or "y"

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD.match(text.strip())
        if not match:
            raise PolicyError(f"a retention period must look like 90d, 3m or 5y, not {text!r}")
        return cls(int(match.group(1)), match.group(2))

    def after(self, moment: dt.datetime) -> dt.datetime:
        """`moment` plus the period, counted in Korean calendar days, months and years."""
        local = clock.local(moment)
        if self.unit == "d":
            return moment + dt.timedelta(days=self.amount)
        months = self.amount * (12 if self.unit == "y" else 1)
        year, month = divmod(local.month - 1 + months, 12)
        year += local.year
        day = min(local.day, calendar.monthrange(year, month + 1)[1])
        return local.replace(year=year, month=month + 1, day=day)

    def __str__(self) -> str:
        unit = {"d": "일", "m": "개월", "y": "년"}[self.unit]
        return f"{self.amount}{unit}"


@dataclass(frozen=True)
class Rule:
    id: str
    label: str
    trigger: str
    period: Period | None  # None: the period comes from each consent
    basis: str
    separate: bool
    commitment: str
    filing_deadline: str = ""
    undelivered_period: Period | None = None

    def due(self, trigger_at: dt.datetime, *, period: Period | None = None) -> dt.datetime:
        chosen = period or self.period
        if chosen is None:
            raise PolicyError(f"rule {self.id} needs a period from its trigger")
        return chosen.after(trigger_at)

    def filing_deadline_after(self, moment: dt.datetime) -> dt.datetime:
        """The day after the statutory filing deadline for a transaction at `moment`:
        the deadline falls in the year after the (calendar) fiscal year of the moment."""
        month, day = (int(x) for x in self.filing_deadline.split("-"))
        local = clock.local(moment)
        deadline = dt.datetime(local.year + 1, month, day, tzinfo=clock.SEOUL)
        return deadline + dt.timedelta(days=1)


def parse(text: str) -> dict[str, Rule]:
    raw = tomllib.loads(text).get("retention", {})
    rules = {}
    for rid, spec in raw.items():
        try:
            period_text = str(spec["period"])
            rules[rid] = Rule(
                id=rid,
                label=str(spec["label"]),
                trigger=str(spec["trigger"]),
                period=None if period_text == "consented" else Period.parse(period_text),
                basis=str(spec["basis"]),
                separate=bool(spec["separate"]),
                commitment=str(spec.get("commitment", "")),
                filing_deadline=str(spec.get("filing_deadline", "")),
                undelivered_period=(
                    Period.parse(spec["undelivered_period"])
                    if "undelivered_period" in spec
                    else None
                ),
            )
        except KeyError as exc:
            raise PolicyError(f"retention rule {rid!r} lacks {exc}") from exc
    return rules


@functools.lru_cache(maxsize=8)
def _parsed(text: str) -> dict[str, Rule]:
    return parse(text)


def current() -> dict[str, Rule]:
    # The text the service runs on (the file, or a test's `document.loaded_from`).
    return _parsed(source_text())


def rule(rule_id: str) -> Rule:
    try:
        return current()[rule_id]
    except KeyError:
        raise PolicyError(f"no retention rule {rule_id!r} in policy.toml") from None
