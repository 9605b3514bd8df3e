"""`verify`: is the chain whole, and does it agree with every signed checkpoint?

Checked, in this order of evidence:
1. every checkpoint and anchor, in the database and in the export file, carries a valid
   signature of a known key, and every one in the database is also in the file;
2. the chain from the latest anchor (or from seq 1) links and hashes record by record;
   the records kept from before the anchor (permission changes) match the anchor's list;
3. the chain reaches the head and every checkpoint (else it was truncated), and at each
   checkpoint's seq it has the signed hash (else it was rewritten, hashes and all).
The report names the lowest sequence number found wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jikim.audit import chain, checkpoints, scan, signing
from jikim.audit.canonical import GENESIS
from jikim.audit.checkpoints import Mark
from jikim.audit.models import AccessRecord, CheckpointKind
from jikim.audit.scan import Problem, Walk

KINDS_KO = {
    "edited": "변경됨",
    "missing": "누락됨",
    "reordered": "순서 바뀜",
    "truncated": "뒷부분 삭제됨",
    "bad signature": "서명 불일치",
    "rewritten": "체인 재작성됨",
    "export": "체크포인트 파일 불일치",
}


@dataclass
class Report:
    records: int = 0
    first_seq: int = 0
    last_seq: int = 0
    checkpoints: int = 0
    anchored_at: int = 0
    islands: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_problem(self) -> Problem | None:
        return min(self.problems, key=lambda p: p.seq) if self.problems else None

    def summary(self) -> str:
        problem = self.first_problem
        if problem is not None:
            return (
                f"접속기록 검증 실패: seq {problem.seq} {problem.kind} "
                f"({KINDS_KO.get(problem.kind, problem.kind)}) — {problem.message}"
            )
        span = f"seq {self.first_seq}–{self.last_seq}" if self.records else "기록 없음"
        kept = (
            f", 기준점 seq {self.anchored_at} 이전 보존 {self.islands}건"
            if self.anchored_at
            else ""
        )
        return (
            f"접속기록 검증 통과: {self.records:,}건 ({span}), "
            f"서명된 체크포인트 {self.checkpoints}개 일치{kept}"
        )


def _marks(report: Report) -> tuple[list[Mark], list[Mark]]:
    try:
        in_file = list(checkpoints.read_export())
    except checkpoints.ExportFileDamaged as exc:
        report.problems.append(Problem(0, "export", str(exc)))
        in_file = []
    return checkpoints.from_database(), in_file


def _check_signatures(report: Report, db: list[Mark], in_file: list[Mark]) -> None:
    try:
        keys = signing.public_keys()
    except signing.SigningKeyError as exc:
        report.problems.append(Problem(0, "bad signature", str(exc)))
        return
    stored, filed = set(db), set(in_file)
    for mark in stored | filed:
        sig = signing.Signature(mark.key_id, mark.signature)
        if not signing.valid(mark.message(), sig, keys):
            where = "database" if mark in stored else "export file"
            report.problems.append(
                Problem(
                    mark.seq,
                    "bad signature",
                    f"the {mark.kind} in the {where} is not validly signed",
                )
            )
    for mark in stored - filed:
        report.problems.append(
            Problem(mark.seq, "export", f"the {mark.kind} at this seq is not in the export file")
        )


def _check_islands(report: Report, anchor: Mark) -> None:
    listed = dict(anchor.islands)
    rows = AccessRecord.objects.filter(seq__lte=anchor.seq).order_by("seq")
    seen = set()
    for row in rows.values_list(*scan._VALUES).iterator(chunk_size=2000):
        seq, digest = row[2], row[1]
        seen.add(seq)
        if seq not in listed:
            report.problems.append(
                Problem(seq, "edited", "a record before the anchor no anchor keeps")
            )
        elif listed[seq] != digest or not scan.self_consistent(row):
            report.problems.append(Problem(seq, "edited", "a kept record does not match its hash"))
    for seq in sorted(set(listed) - seen):
        report.problems.append(Problem(seq, "missing", "a record the anchor keeps is gone"))
    report.islands = len(listed)


def verify() -> Report:
    report = Report()
    db, in_file = _marks(report)
    _check_signatures(report, db, in_file)
    anchors = [m for m in db if m.kind == CheckpointKind.ANCHOR]
    anchor = max(anchors, key=lambda m: m.seq) if anchors else None
    start = Walk(expect=1, last=GENESIS)
    if anchor is not None:
        _check_islands(report, anchor)
        start = Walk(expect=anchor.seq + 1, last=anchor.hash, first=anchor.seq + 1)
        report.anchored_at = anchor.seq
    report.first_seq = start.expect
    # The head is read first and the walk stops there: records appended meanwhile are for
    # the next run, not a reason to call the chain truncated.
    head = chain.read_head()
    end = scan.walk(
        Walk(expect=start.expect, last=start.last, first=start.first),
        head.seq if head is not None else None,
    )
    report.records = end.count
    report.last_seq = end.expect - 1
    if end.problem is not None:
        report.problems.append(end.problem)
        verified_to = end.problem.seq - 1
    else:
        verified_to = end.expect - 1
        if head is not None and head.seq > verified_to:
            report.problems.append(
                Problem(
                    verified_to + 1,
                    "truncated",
                    f"the chain ends at {verified_to} but its head is {head.seq}",
                )
            )
    _check_marks(report, list(set(db) | set(in_file)), start, verified_to, end.problem is None)
    return report


def _check_marks(
    report: Report, marks: list[Mark], start: Walk, verified_to: int, whole: bool
) -> None:
    stored = scan.stored_hashes(m.seq for m in marks if start.expect <= m.seq <= verified_to)
    stored[start.expect - 1] = start.last
    good = start.expect - 1  # the last seq known to be as signed
    matched = set()
    for mark in sorted(marks, key=lambda m: m.seq):
        if mark.seq > verified_to:
            if whole:
                report.problems.append(
                    Problem(
                        verified_to + 1, "truncated", f"a signed {mark.kind} covers seq {mark.seq}"
                    )
                )
            continue
        if mark.seq < start.expect - 1:
            continue  # before the anchor: its records are pruned, only the signature counts
        if stored.get(mark.seq) != mark.hash:
            report.problems.append(
                Problem(
                    mark.seq,
                    "rewritten",
                    f"the chain differs from the signed {mark.kind}: records after seq {good} "
                    "were changed and their hashes recomputed",
                )
            )
            continue
        good = max(good, mark.seq)
        if mark.kind == CheckpointKind.CHECKPOINT:
            matched.add(mark.seq)
    report.checkpoints = len(matched)
