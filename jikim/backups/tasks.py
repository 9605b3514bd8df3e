"""The daily backup, run by the task worker. django-tasks has no schedule of its own:
enqueue it once a day from cron (`jikim backup --prune` does the same without the
worker), e.g.

    15 3 * * *  jikim shell -c \
        "from jikim.backups.tasks import daily_backup; daily_backup.enqueue()"
"""

from __future__ import annotations

from django_tasks import task


@task()
def daily_backup() -> dict[str, object]:
    from jikim.backups.create import create
    from jikim.backups.prune import prune

    folder = create()
    return {"backup": folder.name, "removed": prune()}
