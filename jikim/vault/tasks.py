"""Compacting the key ring after a shred, in the task worker (PostgreSQL)."""

from __future__ import annotations

from django_tasks import task


@task()
def compact_key_ring(relations: list[str]) -> None:
    """Rewrite these partitions of the key ring (all of it when none are named) once the
    transactions older than the shred have ended: that wait belongs in the worker, not in
    the request that shredded. Only partition names travel here, never a subject."""
    from jikim.vault import keyring

    keyring.compact(relations or None)
