"""PostgreSQL: a shred of many subjects names each key's own partition (so its cost
follows the subjects, not the size of the key ring: bench/retention_bench.py); a subject the
routing cannot vouch for is still shredded, through the whole table."""

from __future__ import annotations

import pytest
from django.db import connections

from jikim.vault import keyparts, keyring
from jikim.vault.fields import new_subject

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connections["keyring"].vendor != "postgresql",
        reason="the key ring is in partitions on PostgreSQL",
    ),
]


def _held_in(subjects: list[str]) -> dict[str, str]:
    with connections["keyring"].cursor() as cursor:
        cursor.execute(
            "SELECT subject, tableoid::regclass::text FROM vault_datakey WHERE subject = ANY(%s)",
            [subjects],
        )
        return dict(cursor.fetchall())


def _file_nodes() -> dict[str, int]:
    with connections["keyring"].cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.relfilenode FROM pg_inherits i JOIN pg_class c "
            "ON c.oid = i.inhrelid WHERE i.inhparent = 'vault_datakey'::regclass"
        )
        return dict(cursor.fetchall())


def test_c7_03_every_subject_is_routed_to_the_partition_that_holds_it() -> None:
    subjects = [new_subject("r") for _ in range(2000)]
    keyring.create(subjects)
    with connections["keyring"].cursor() as cursor:
        routed, unrouted = keyparts.route(cursor, subjects)
    assert unrouted == []
    assert len(routed) == 32
    placed = {s: relation for relation, group in routed.items() for s in group}
    assert placed == _held_in(subjects)


def test_c7_03_a_large_shred_destroys_every_key_and_rewrites_only_their_partitions() -> None:
    keyed = [new_subject("r") for _ in range(2000)]
    keyring.create(keyed)
    held_in = _held_in(keyed)
    three = sorted(set(held_in.values()))[:3]
    victims = [s for s in keyed if held_in[s] in three]  # more than keyring._FEW: routed
    already = victims[:20]
    keyring.shred(already)
    never = [new_subject("r") for _ in range(40)]  # no key yet: marked so none is made
    before = _file_nodes()

    destroyed = keyring.shred(victims + never)

    assert destroyed == len(victims) - len(already)
    after = _file_nodes()
    assert {name for name in before if before[name] != after[name]} == set(three)
    loaded = keyring.load(keyed + never)
    assert {s for s, m in loaded.items() if m is None} == set(victims) | set(never)
    with pytest.raises(keyring.SubjectShredded):
        keyring.ensure(never[:1])


def test_c7_03_subjects_the_routing_misplaces_are_shredded_through_the_whole_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    subjects = [new_subject("r") for _ in range(300)]
    keyring.create(subjects)
    monkeypatch.setattr(keyparts, "_SEED", keyparts._SEED + 1)  # PostgreSQL's hash changed
    with connections["keyring"].cursor() as cursor:
        routed, unrouted = keyparts.route(cursor, subjects)
    assert sum(map(len, routed.values())) < 300 // 4, "PostgreSQL's own test refuses most"
    assert sorted(unrouted + [s for g in routed.values() for s in g]) == sorted(subjects)

    assert keyring.shred(subjects) == 300
    assert set(keyring.load(subjects).values()) == {None}


def test_c7_03_a_shred_leaves_the_compaction_to_the_worker_naming_only_partitions(settings) -> None:
    """The rewrite waits for older transactions: a request that shreds hands it to the task
    worker, whose stored arguments name partitions of the key ring, never a subject."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    subjects = [new_subject("r") for _ in range(3)]
    keyring.create(subjects)
    held_in = _held_in(subjects)

    keyring.shred(subjects)

    row = DBTaskResult.objects.get()
    assert row.task_path == "jikim.vault.tasks.compact_key_ring"
    (relations,) = row.args_kwargs["args"]
    assert relations == sorted(set(held_in.values()))
    assert not any(s in str(row.args_kwargs) for s in subjects)
