"""The daily sweep, run by the task worker (enqueue it from a scheduler once a day)."""

from __future__ import annotations

from django_tasks import task


@task()
def daily_sweep() -> None:
    from jikim.retention import sweep

    sweep.run(trigger="schedule")
