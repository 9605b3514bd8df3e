"""C9-05: access records of the personal-data processing system are kept at least 6 months
and protected against forgery and alteration: `jikim audit_verify` catches an edited field,
a deleted record, two swapped records, a truncated tail and a consistently rewritten chain
(the last through the signed checkpoints kept outside the database)."""

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from jikim.audit import canonical, checkpoints, prune
from jikim.audit.models import AccessRecord, ChainHead, Checkpoint
from jikim.audit.verify import verify
from tests import production
from tests.audit.support import build_chain, own_checkpoint_file, run_verify, swap_seq

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def audit_files(settings, tmp_path):
    return own_checkpoint_file(settings, tmp_path)


@pytest.fixture
def chain(alice):
    """Twenty records by Alice, signed at seq 10 and at the end."""
    records = build_chain(10, actor=alice)
    checkpoints.make_checkpoint()
    records += build_chain(10, actor=alice)
    checkpoints.make_checkpoint()
    assert run_verify()[0] == 0
    first = AccessRecord.objects.order_by("seq").first().seq
    return first


def test_c9_05_an_intact_chain_verifies_with_a_one_line_summary(chain) -> None:
    code, line = run_verify()
    assert code == 0
    assert "\n" not in line and "검증 통과" in line
    assert "체크포인트 2개" in line


def test_c9_05_editing_one_field_of_one_record_is_caught(chain) -> None:
    target = chain + 7
    AccessRecord.objects.filter(seq=target).update(actor_name="someone_else")
    code, line = run_verify()
    assert code == 1
    assert f"seq {target} edited" in line


def test_c9_05_deleting_one_record_is_caught(chain) -> None:
    target = chain + 4
    AccessRecord.objects.filter(seq=target).delete()
    code, line = run_verify()
    assert code == 1
    assert f"seq {target} missing" in line


def test_c9_05_swapping_two_records_is_caught(chain) -> None:
    swap_seq(chain + 3, chain + 5)
    code, line = run_verify()
    assert code == 1
    assert f"seq {chain + 3} reordered" in line


def test_c9_05_truncating_the_tail_is_caught(chain) -> None:
    last = AccessRecord.objects.order_by("-seq").first().seq
    AccessRecord.objects.filter(seq__gt=last - 3).delete()
    code, line = run_verify()
    assert code == 1
    assert f"seq {last - 2} truncated" in line


def test_c9_05_truncating_the_tail_and_the_head_row_is_caught_by_the_checkpoints(chain) -> None:
    last = AccessRecord.objects.order_by("-seq").first()
    AccessRecord.objects.filter(seq__gt=last.seq - 3).delete()
    new_last = AccessRecord.objects.order_by("-seq").first()
    ChainHead.objects.update(seq=new_last.seq, hash=new_last.hash)
    Checkpoint.objects.filter(seq__gt=new_last.seq).delete()  # the forger cleans up the table
    code, line = run_verify()
    assert code == 1
    assert f"seq {new_last.seq + 1} truncated" in line


def _rewrite_from(seq: int) -> None:
    """What a forger with full database access does: change a record and recompute every
    hash after it, the head and the checkpoint rows (without the signing key)."""
    AccessRecord.objects.filter(seq=seq).update(reason="조작된 사유")
    prev = AccessRecord.objects.get(seq=seq - 1).hash if seq > 1 else canonical.GENESIS
    for row in AccessRecord.objects.filter(seq__gte=seq).order_by("seq"):
        digest = canonical.chain_hash(prev, canonical.body(row.__dict__))
        AccessRecord.objects.filter(pk=row.pk).update(prev_hash=prev, hash=digest)
        prev = digest
    last = AccessRecord.objects.order_by("-seq").first()
    ChainHead.objects.update(seq=last.seq, hash=last.hash)
    for mark in Checkpoint.objects.all():
        mark.hash = AccessRecord.objects.get(seq=mark.seq).hash
        mark.save()


def test_c9_05_a_consistently_rewritten_chain_is_caught_by_the_signed_checkpoints(chain) -> None:
    _rewrite_from(chain + 2)
    # The links and hashes are all consistent again...
    assert not any(p.kind in {"edited", "missing", "reordered"} for p in verify().problems)
    # ...but they are not what was signed.
    code, line = run_verify()
    assert code == 1
    assert "bad signature" in line or "rewritten" in line


def test_c9_05_rewriting_and_dropping_the_checkpoint_rows_is_caught_by_the_export_file(
    chain, audit_files
) -> None:
    first_mark = Checkpoint.objects.order_by("seq").first().seq
    _rewrite_from(chain + 2)
    Checkpoint.objects.all().delete()
    code, line = run_verify()
    assert code == 1
    assert f"seq {first_mark} rewritten" in line
    assert audit_files.read_text().count("\n") == 2


def test_c9_05_a_forged_checkpoint_fails_its_signature(chain) -> None:
    mark = Checkpoint.objects.order_by("seq").first()
    mark.hash = "f" * 64
    mark.save()
    code, line = run_verify()
    assert code == 1
    assert f"seq {mark.seq} bad signature" in line


# Retention: at least 6 months -------------------------------------------------------


def test_c9_05_a_prune_never_removes_records_younger_than_the_period(settings) -> None:
    settings.AUDIT_RETENTION_DAYS = 184
    start = dt.datetime(2026, 1, 1, 3, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(12):  # one record a month for a year
            build_chain(1)
            traveller.shift(dt.timedelta(days=30))
        now = dt.datetime.now(tz=dt.UTC)
        result = prune.prune()
        assert result.removed > 0
        oldest = AccessRecord.objects.exclude(action="audit.prune").order_by("at").first()
        assert now - oldest.at <= dt.timedelta(days=184)
        assert AccessRecord.objects.filter(at__gte=now - dt.timedelta(days=184)).count() >= 6
        # Everything that was younger than 184 days is still there.
        assert (
            not AccessRecord.objects.filter(at__lt=now - dt.timedelta(days=184))
            .exclude(action__startswith="role.")
            .exists()
        )
        assert run_verify()[0] == 0


def test_c9_05_a_setting_below_six_months_refuses_to_start(settings) -> None:
    settings.AUDIT_RETENTION_DAYS = 183
    from jikim.audit.checks import check_retention

    assert [e.id for e in check_retention()] == ["audit.E001"]
    with pytest.raises(Exception, match="at least 6 months"):
        prune.prune()
    with pytest.raises(SystemCheckError, match=r"audit\.E001"):
        call_command("check")


def test_c9_05_the_default_keeps_two_years(settings) -> None:
    assert settings.AUDIT_RETENTION_DAYS >= 730
    assert settings.AUDIT_PERMISSION_RETENTION_DAYS >= 1095


def test_c9_05_production_refuses_to_start_without_the_signing_key(tmp_path: Path) -> None:
    env = production.environment(tmp_path)
    del env["JIKIM_AUDIT_SIGNING_KEY_FILE"]
    result = production.jikim(env, "check")
    assert result.returncode != 0
    assert "JIKIM_AUDIT_SIGNING_KEY_FILE" in result.stderr
