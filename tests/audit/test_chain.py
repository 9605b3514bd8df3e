"""The hash chain: what a record is, how it links, and the rules `record` enforces."""

import datetime as dt
import hashlib

import pytest
import time_machine
from django.db import transaction

from jikim.audit import canonical, scan
from jikim.audit.models import AccessRecord, ChainHead
from jikim.audit.records import ReasonRequired, record
from jikim.audit.verify import verify
from tests.audit.support import build_chain

pytestmark = pytest.mark.django_db


def _spec_hash(prev: str, row: AccessRecord) -> str:
    """The documented formula, written out independently of `canonical`."""
    at = row.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    parts = [
        str(row.seq),
        at,
        "" if row.actor_id is None else str(row.actor_id),
        row.actor_name,
        "" if row.tenant_id is None else str(row.tenant_id),
        row.ip,
        row.action,
        canonical.canonical_json(row.subjects),
        row.purpose,
        row.reason,
        row.request_id,
        canonical.canonical_json(row.detail),
    ]
    return hashlib.sha256((prev + "\x1f".join(parts)).encode("utf-8")).hexdigest()


def test_records_are_numbered_without_gaps_and_linked_by_hash(alice) -> None:
    before = ChainHead.objects.get().seq
    build_chain(5, actor=alice)
    rows = list(AccessRecord.objects.filter(seq__gt=before).order_by("seq"))
    assert [r.seq for r in rows] == list(range(before + 1, before + 6))
    prev = AccessRecord.objects.get(seq=before).hash if before else canonical.GENESIS
    for row in rows:
        assert row.prev_hash == prev
        assert row.hash == _spec_hash(prev, row)
        prev = row.hash
    head = ChainHead.objects.get()
    assert (head.seq, head.hash) == (rows[-1].seq, rows[-1].hash)


def test_the_canonical_time_is_utc_with_microseconds() -> None:
    moment = dt.datetime(2026, 5, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    assert canonical.time_text(moment) == "2026-05-01 01:00:00.000000"


def test_json_is_sorted_compact_and_keeps_korean() -> None:
    assert canonical.canonical_json({"b": 1, "a": ["한글"]}) == '{"a":["한글"],"b":1}'


def test_floats_and_the_separator_are_refused(alice) -> None:
    with pytest.raises(canonical.NotCanonical):
        record("view", actor=alice, detail={"ratio": 0.5})
    with pytest.raises(canonical.NotCanonical):
        record("view", actor=alice, purpose="a\x1fb")


def test_a_time_at_a_whole_second_verifies(alice) -> None:
    # SQLite stores such a time without the fraction; the verifier must still agree.
    with time_machine.travel(dt.datetime(2026, 5, 1, 1, 0, 0, tzinfo=dt.UTC), tick=False):
        build_chain(2, actor=alice)
    assert verify().ok


@pytest.mark.parametrize("action", ["unmask", "download", "export"])
def test_unmask_download_and_export_need_a_reason(alice, action: str) -> None:
    with pytest.raises(ReasonRequired):
        record(action, actor=alice, subjects=["member:1"])
    with pytest.raises(ReasonRequired):
        record(action, actor=alice, subjects=["member:1"], reason="   ")
    assert record(action, actor=alice, subjects=["member:1"], reason="고객 문의 확인").reason


@pytest.mark.parametrize(
    "action", ["role.grant", "role.change", "role.revoke", "operator_role.change"]
)
def test_permission_changes_must_say_target_before_and_after(alice, action: str) -> None:
    with pytest.raises(ValueError, match="target, before and after"):
        record(action, actor=alice, detail={"target": alice.pk})


def test_a_record_rolls_back_with_the_act(alice) -> None:
    head = ChainHead.objects.get()
    count = AccessRecord.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        record("view", actor=alice, subjects=["member:1"])
        raise RuntimeError("the act failed")
    assert AccessRecord.objects.count() == count
    assert ChainHead.objects.get().seq == head.seq
    # ...and the next record takes the same number: no gap.
    assert record("view", actor=alice).seq == head.seq + 1
    assert verify().ok


def test_the_fast_walk_accepts_what_record_wrote_without_the_slow_path(alice, monkeypatch) -> None:
    build_chain(50, actor=alice)

    def refuse(*args, **kwargs):
        raise AssertionError("the exact path was not needed")

    monkeypatch.setattr(scan, "_walk_exact", refuse)
    report = verify()
    assert report.ok and report.records == AccessRecord.objects.count()


def test_reformatted_but_equal_json_still_verifies(alice) -> None:
    build_chain(3, actor=alice)
    target = AccessRecord.objects.order_by("-seq")[1]
    # Same JSON value, other spelling (spaces, key order): not an alteration of the record.
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL stores jsonb, which has no spelling")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_accessrecord SET detail = %s WHERE seq = %s",
            ['{ "note": "한글 ✓", "n": 1 }', target.seq],
        )
    assert verify().ok


def test_the_head_row_is_rebuilt_when_missing(alice) -> None:
    build_chain(2, actor=alice)
    ChainHead.objects.all().delete()
    entry = record("view", actor=alice)
    assert entry.prev_hash == AccessRecord.objects.get(seq=entry.seq - 1).hash
    assert verify().ok
