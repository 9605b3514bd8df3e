"""Checkpoint cadence: every N records and at least hourly, by the commit hook, the task
and the command; each one in the database and in the export file."""

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import call_command

from jikim.audit.models import ChainHead, Checkpoint
from jikim.audit.records import record

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 6, 1, 0, 0, tzinfo=dt.UTC)


def _append(django_capture_on_commit_callbacks, count: int) -> None:
    for _ in range(count):
        with django_capture_on_commit_callbacks(execute=True):
            record("view", subjects=["member:1"])


def test_a_checkpoint_every_n_records(settings, django_capture_on_commit_callbacks) -> None:
    settings.AUDIT_CHECKPOINT_EVERY = 5
    with time_machine.travel(START, tick=False):
        # The first record finds no checkpoint within the hour: one is made at once.
        _append(django_capture_on_commit_callbacks, 1)
        base = ChainHead.objects.get().seq
        assert Checkpoint.objects.filter(seq=base).exists()
        _append(django_capture_on_commit_callbacks, 12)
    seqs = list(Checkpoint.objects.filter(seq__gt=base).values_list("seq", flat=True))
    assert seqs == [base + 5, base + 10]


def test_at_least_hourly_while_records_are_written(settings, django_capture_on_commit_callbacks):
    settings.AUDIT_CHECKPOINT_EVERY = 1000
    with time_machine.travel(START, tick=False) as traveller:
        _append(django_capture_on_commit_callbacks, 3)
        assert Checkpoint.objects.count() <= 1
        traveller.shift(dt.timedelta(minutes=61))
        _append(django_capture_on_commit_callbacks, 1)
    assert Checkpoint.objects.order_by("-seq").first().seq == ChainHead.objects.get().seq


def test_the_hourly_command_signs_the_head_once(audit_files) -> None:
    record("view")
    out = io.StringIO()
    call_command("audit_checkpoint", stdout=out)
    assert "체크포인트 서명" in out.getvalue()
    head = ChainHead.objects.get()
    mark = Checkpoint.objects.get(seq=head.seq)
    assert mark.hash == head.hash
    out = io.StringIO()
    call_command("audit_checkpoint", stdout=out)
    assert "만들지 않았습니다" in out.getvalue()
    lines = [json.loads(x) for x in audit_files.read_text().splitlines()]
    assert [(x["seq"], x["hash"]) for x in lines] == [(mark.seq, mark.hash)]


def test_the_task_makes_a_checkpoint() -> None:
    from jikim.audit.tasks import checkpoint

    record("view")
    result = checkpoint.enqueue()
    assert result.return_value == ChainHead.objects.get().seq


def test_a_failed_checkpoint_does_not_undo_the_act(
    settings, tmp_path, django_capture_on_commit_callbacks, caplog
) -> None:
    settings.AUDIT_SIGNING_KEY_FILE = tmp_path / "missing.key"
    settings.AUDIT_CHECKPOINT_EVERY = 1
    with django_capture_on_commit_callbacks(execute=True):
        entry = record("view", subjects=["member:1"])
    assert ChainHead.objects.get().seq == entry.seq
    assert "audit checkpoint failed" in caplog.text


def test_one_checkpoint_per_transaction(settings, django_capture_on_commit_callbacks) -> None:
    settings.AUDIT_CHECKPOINT_EVERY = 2
    with django_capture_on_commit_callbacks() as callbacks:
        for _ in range(10):
            record("view")
    assert len(callbacks) == 1, "an import of thousands of rows signs once, after its commit"
