"""`verify` beyond the compliance cases: what it says about each kind of damage, the export
file, and keys."""

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from jikim.audit import canonical, checkpoints
from jikim.audit.models import AccessRecord, Checkpoint
from jikim.audit.verify import verify
from tests.audit.support import build_chain, run_verify, swap_seq

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_chain(alice):
    build_chain(8, actor=alice)
    checkpoints.make_checkpoint()
    return AccessRecord.objects.order_by("-seq").first().seq


def _first(kind_seq_report):
    problem = kind_seq_report.first_problem
    return (problem.seq, problem.kind) if problem else None


def test_an_empty_chain_verifies(db) -> None:
    AccessRecord.objects.all().delete()
    from jikim.audit.models import ChainHead

    ChainHead.objects.all().delete()
    code, line = run_verify()
    assert code == 0 and "기록 없음" in line


def test_editing_the_time_or_the_subjects_is_caught(signed_chain) -> None:
    AccessRecord.objects.filter(seq=signed_chain - 2).update(subjects=["member:999"])
    assert _first(verify()) == (signed_chain - 2, "edited")


def test_editing_a_record_and_its_own_hash_names_that_record(signed_chain) -> None:
    seq = signed_chain - 3
    row = AccessRecord.objects.get(seq=seq)
    row.reason = "바뀐 사유"
    digest = canonical.chain_hash(row.prev_hash, canonical.body(row.__dict__))
    AccessRecord.objects.filter(seq=seq).update(reason=row.reason, hash=digest)
    assert _first(verify()) == (seq, "edited")


def test_swapping_neighbours_is_reordered(signed_chain) -> None:
    swap_seq(signed_chain - 4, signed_chain - 3)
    assert _first(verify()) == (signed_chain - 4, "reordered")


def test_deleting_several_names_the_first(signed_chain) -> None:
    AccessRecord.objects.filter(seq__in=[signed_chain - 5, signed_chain - 4]).delete()
    report = verify()
    assert _first(report) == (signed_chain - 5, "missing")
    assert f"{signed_chain - 5}–{signed_chain - 4}" in report.summary()


def test_a_checkpoint_missing_from_the_export_file_is_reported(signed_chain, audit_files) -> None:
    audit_files.write_text("")
    assert _first(verify()) == (signed_chain, "export")


def test_a_damaged_export_file_is_reported(signed_chain, audit_files) -> None:
    audit_files.write_text(audit_files.read_text() + "{not json\n")
    report = verify()
    assert any(p.kind == "export" and "damaged" in p.message for p in report.problems)


def test_a_forged_line_in_the_export_file_fails_its_signature(signed_chain, audit_files) -> None:
    line = json.loads(audit_files.read_text().splitlines()[0])
    line["seq"] = 1
    audit_files.write_text(audit_files.read_text() + json.dumps(line) + "\n")
    assert _first(verify()) == (1, "bad signature")


def test_a_checkpoint_signed_by_another_key_is_refused(signed_chain, settings, tmp_path) -> None:
    other = tmp_path / "other.key"
    other.write_text(Ed25519PrivateKey.generate().private_bytes_raw().hex())
    original = settings.AUDIT_SIGNING_KEY_FILE
    settings.AUDIT_SIGNING_KEY_FILE = other
    build_chain(1)
    checkpoints.make_checkpoint()
    settings.AUDIT_SIGNING_KEY_FILE = original
    report = verify()
    assert _first(report)[1] == "bad signature"


def test_an_old_key_listed_for_verification_is_accepted(signed_chain, settings, tmp_path) -> None:
    old_key = Ed25519PrivateKey.generate()
    old_file = tmp_path / "old.key"
    old_file.write_text(old_key.private_bytes_raw().hex())
    public = tmp_path / "old.pub"
    public.write_text(old_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex())
    original = settings.AUDIT_SIGNING_KEY_FILE
    settings.AUDIT_SIGNING_KEY_FILE = old_file
    build_chain(1)
    checkpoints.make_checkpoint()
    settings.AUDIT_SIGNING_KEY_FILE = original  # the key changed
    settings.AUDIT_VERIFY_KEY_FILES = [str(public)]
    assert verify().ok


def test_a_verifier_without_the_private_key_uses_the_public_key(signed_chain, settings, tmp_path):
    from jikim.audit import signing

    public = tmp_path / "audit.pub"
    key = signing.private_key().public_key()
    public.write_text(key.public_bytes(Encoding.Raw, PublicFormat.Raw).hex())
    settings.AUDIT_SIGNING_KEY_FILE = tmp_path / "not-on-this-host.key"
    settings.AUDIT_VERIFY_KEY_FILES = [str(public)]
    assert verify().ok


def test_the_command_exits_1_with_one_line(signed_chain) -> None:
    AccessRecord.objects.filter(seq=signed_chain).update(action="view.changed")
    code, line = run_verify()
    assert code == 1
    assert line.count("\n") == 0
    assert line.startswith("접속기록 검증 실패: seq ")


def test_checkpoint_rows_match_the_export_file(signed_chain, audit_files) -> None:
    lines = [json.loads(x) for x in audit_files.read_text().splitlines()]
    rows = list(Checkpoint.objects.values_list("seq", "hash", "signature"))
    assert [(x["seq"], x["hash"], x["signature"]) for x in lines] == rows


@pytest.mark.django_db(transaction=True)
def test_a_long_chain_is_verified_by_several_processes(settings, monkeypatch) -> None:
    from django.db import connection

    from jikim.audit import fastscan

    if connection.vendor != "sqlite":
        pytest.skip("the process split is SQLite's fast path")
    settings.AUDIT_VERIFY_PARALLEL_MIN = 10
    settings.AUDIT_VERIFY_WORKERS = 3
    build_chain(60)
    results = []
    original = fastscan.walk_parallel

    def spy(*args):
        results.append(original(*args))
        return results[-1]

    monkeypatch.setattr(fastscan, "walk_parallel", spy)
    report = verify()
    assert report.ok and report.records == 60
    assert results and results[0] is not None, "the split was used and accepted the chain"
    # A fault inside one piece: the split gives up and the walk in order names it.
    AccessRecord.objects.filter(seq=45).update(purpose="바뀜")
    assert _first(verify()) == (45, "edited")
    AccessRecord.objects.filter(seq=45).delete()
    assert _first(verify()) == (45, "missing")
