"""The forecast leaves out what a sweep has already done, however long the ledger's past."""

import datetime as dt

import pytest

from jikim import clock
from jikim.retention import forecast as forecast_module
from jikim.retention.models import DestructionItem, ItemStatus, Stage, Sweep
from jikim.retention.sources import Due

pytestmark = pytest.mark.django_db


class _Source:
    """A source whose rows outlive a stage (as a moved member's row does)."""

    name = "test.stub"

    def __init__(self, subjects: list[str]) -> None:
        self.subjects = subjects

    def due(self, until: dt.datetime):
        for subject in self.subjects:
            yield Due(self.name, subject, Stage.MOVE, "member_after_withdrawal", None, until)


def test_done_subjects_are_not_forecast_again(monkeypatch) -> None:
    now = clock.now()
    sweep = Sweep.objects.create(as_of=now)
    for subject, stage in (("m_done", Stage.MOVE), ("m_other_stage", Stage.DESTROY)):
        # m_other_stage is done for the other stage only: still due for this one.
        DestructionItem.objects.create(
            subject=subject,
            stage=stage,
            source="test.stub",
            rule="member_after_withdrawal",
            due_at=now,
            status=ItemStatus.DONE,
            sweep=sweep,
            done_sweep=sweep,
            done_at=now,
        )
    stub = _Source(["m_done", "m_other_stage", "m_new"])
    monkeypatch.setattr(forecast_module, "SOURCES", [stub])
    lines = forecast_module.forecast(10, now)
    assert [(line.stage, line.count) for line in lines] == [(Stage.MOVE, 2)]
