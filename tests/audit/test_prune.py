"""Pruning: the oldest part goes, a signed anchor stays, permission changes stay 3 years,
and verification passes from the new start."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from jikim.audit import checkpoints, prune
from jikim.audit.models import AccessRecord, Checkpoint, CheckpointKind
from jikim.audit.records import record
from jikim.audit.verify import verify
from tests.audit.support import build_chain, run_verify

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2024, 1, 10, 3, 0, tzinfo=dt.UTC)


def _role(target: int, before: str, after: str) -> None:
    record(
        "role.change",
        subjects=[f"member:{target}"],
        detail={"target": target, "before": before, "after": after},
    )


def _year_of_records(traveller) -> None:
    """One record a week for two and a half years, a role change each quarter."""
    for week in range(130):
        build_chain(1)
        if week % 13 == 0:
            _role(week, "viewer", "manager")
        if week % 20 == 0:
            checkpoints.make_checkpoint()
        traveller.shift(dt.timedelta(days=7))


def test_prune_keeps_the_period_anchors_and_verifies(audit_files) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        _year_of_records(traveller)
        now = dt.datetime.now(tz=dt.UTC)
        total = AccessRecord.objects.count()
        result = prune.prune()
        assert result.removed > 0 and result.anchor_seq is not None
        cutoff = now - dt.timedelta(days=731)
        young = AccessRecord.objects.exclude(action__startswith="role.").exclude(
            action="audit.prune"
        )
        assert young.order_by("at").first().at >= cutoff
        assert AccessRecord.objects.count() == total - result.removed + 1  # + the prune record
        anchor = Checkpoint.objects.get(kind=CheckpointKind.ANCHOR)
        assert anchor.seq == result.anchor_seq
        code, line = run_verify()
        assert code == 0, line
        assert f"기준점 seq {anchor.seq}" in line
        assert "audit_prune" not in line
        assert '"kind":"anchor"' in audit_files.read_text()


def test_permission_changes_outlive_the_prune_for_three_years() -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        _year_of_records(traveller)
        prune.prune()
        kept = AccessRecord.objects.filter(
            action="role.change", at__lt=dt.datetime.now(tz=dt.UTC) - dt.timedelta(days=731)
        )
        assert kept.exists(), "role changes older than 2 years are kept"
        assert verify().ok
        traveller.shift(dt.timedelta(days=400))
        build_chain(1)
        prune.prune()
        now = dt.datetime.now(tz=dt.UTC)
        roles = AccessRecord.objects.filter(action="role.change")
        assert not roles.filter(at__lt=now - dt.timedelta(days=1096)).exists()
        assert roles.filter(at__lt=now - dt.timedelta(days=731)).exists()
        assert verify().ok


def test_deleting_a_kept_permission_change_is_caught() -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        _year_of_records(traveller)
        result = prune.prune()
        island = AccessRecord.objects.filter(seq__lte=result.anchor_seq).order_by("seq").first()
        island.delete()
        problem = verify().first_problem
        assert (problem.seq, problem.kind) == (island.seq, "missing")


def test_editing_a_kept_permission_change_is_caught() -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        _year_of_records(traveller)
        result = prune.prune()
        island = AccessRecord.objects.filter(seq__lte=result.anchor_seq).order_by("seq").first()
        AccessRecord.objects.filter(pk=island.pk).update(
            detail={"target": 1, "before": "", "after": "owner"}
        )
        problem = verify().first_problem
        assert (problem.seq, problem.kind) == (island.seq, "edited")


def test_records_pruned_by_a_forger_without_an_anchor_are_missing() -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        _year_of_records(traveller)
        AccessRecord.objects.filter(seq__lte=10).delete()
        problem = verify().first_problem
        assert (problem.seq, problem.kind) == (1, "missing")


def test_prune_refuses_a_broken_chain() -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        _year_of_records(traveller)
        AccessRecord.objects.filter(seq=3).update(reason="덮어씀")
        with pytest.raises(CommandError, match="seq 3 edited"):
            call_command("audit_prune")
        assert AccessRecord.objects.filter(seq=1).exists()


def test_a_second_prune_with_nothing_old_does_nothing() -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        _year_of_records(traveller)
        prune.prune()
        out = io.StringIO()
        call_command("audit_prune", stdout=out)
        assert "없습니다" in out.getvalue()
        assert Checkpoint.objects.filter(kind=CheckpointKind.ANCHOR).count() == 1


def test_retention_settings_are_checked(settings) -> None:
    from jikim.audit.checks import check_retention

    settings.AUDIT_PERMISSION_RETENTION_DAYS = 1000
    assert [e.id for e in check_retention()] == ["audit.E001"]
    settings.AUDIT_PERMISSION_RETENTION_DAYS = 1096
    settings.AUDIT_RETENTION_DAYS = 184
    assert check_retention() == []
