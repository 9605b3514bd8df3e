"""Background work for access records. The hourly checkpoint is `jikim audit_checkpoint`
run by cron (django-tasks has no schedule); this task is the same for a scheduler that
enqueues tasks instead."""

from __future__ import annotations

from django_tasks import task

from jikim.audit import checkpoints


@task()
def checkpoint() -> int | None:
    mark = checkpoints.make_checkpoint()
    return mark.seq if mark else None
