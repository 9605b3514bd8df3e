"""Background work for imports. Arguments are batch ids: the file itself stays sealed."""

from __future__ import annotations

from django_tasks import task


@task()
def analyse_batch(batch_id: int) -> None:
    from jikim.shipping.actions import analyse

    analyse(batch_id)


@task()
def commit_batch(batch_id: int) -> None:
    from jikim.shipping.actions import commit

    commit(batch_id)
