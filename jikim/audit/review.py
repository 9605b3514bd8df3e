"""The monthly review of access records (PIPC notice 2023-6, art. 8 ②): per-staff counts by
action, and flags for what the privacy officer must look at.

Flags: downloads and exports; unmasking above AUDIT_REVIEW_UNMASK_THRESHOLD a month;
access between 22:00 and 06:00 Korea time; more than AUDIT_REVIEW_SUBJECTS_PER_HOUR
distinct data subjects read within any 60 minutes; access to data of subjects on a watch
list — withdrawn members here, separated (retention) data when that app registers its
own watch with `@watch`.
"""

from __future__ import annotations

import collections
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q

from jikim import clock
from jikim.audit.models import AccessRecord, DownloadCheck, Review

DOWNLOAD_ACTIONS = frozenset({"download", "export"})
# Reads of personal data, for the distinct-subjects-per-hour flag; writes by an import touch
# thousands of subjects by design and are not what the flag looks for.
READ_ACTIONS = frozenset({"view", "list", "search", "unmask", "download", "export"})
NIGHT_FROM, NIGHT_UNTIL = 22, 6
HOUR = dt.timedelta(hours=1)

# subject ids → since when a person's access to that subject is a flag
SinceMap = dict[str, dt.datetime]


@dataclass(frozen=True)
class Watch:
    kind: str
    label: str
    since: Callable[[set[str]], SinceMap]


WATCHES: list[Watch] = []


def watch(kind: str, label: str) -> Callable[[Callable[[set[str]], SinceMap]], Any]:
    """Register a watch list: `fn(subjects) -> {subject: since}` for the subjects among
    `subjects` that are watched. The retention app registers separated data this way."""

    def register(fn: Callable[[set[str]], SinceMap]) -> Callable[[set[str]], SinceMap]:
        WATCHES.append(Watch(kind, label, fn))
        return fn

    return register


@watch("withdrawn", "탈퇴 회원 정보 접근")
def _withdrawn_members(subjects: set[str]) -> SinceMap:
    from jikim.accounts.models import Member

    ids = sorted({int(s[7:]) for s in subjects if s.startswith("member:") and s[7:].isdigit()})
    others = sorted(s for s in subjects if not s.startswith("member:"))
    found: SinceMap = {}
    withdrawn = Member.objects.filter(withdrawn_at__isnull=False)
    for start in range(0, max(len(ids), len(others)), 500):
        chunk_ids = ids[start : start + 500]
        chunk_others = others[start : start + 500]
        rows = withdrawn.filter(Q(pk__in=chunk_ids) | Q(subject__in=chunk_others))
        for pk, subject, since in rows.values_list("pk", "subject", "withdrawn_at"):
            if since is None:
                continue
            found[f"member:{pk}"] = since
            found[subject] = since
    return found


@dataclass
class StaffRow:
    actor_id: int
    actor_name: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Flag:
    kind: str
    label: str
    actor_id: int | None
    actor_name: str
    seqs: list[int] = field(default_factory=list)
    note: str = ""

    @property
    def count(self) -> int:
        return len(self.seqs)


@dataclass
class Download:
    seq: int
    at: dt.datetime
    actor_name: str
    action: str
    reason: str
    subjects: int


@dataclass
class MonthReview:
    month: dt.date
    start: dt.datetime
    end: dt.datetime
    records: int = 0
    staff: list[StaffRow] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    unconfirmed: list[Download] = field(default_factory=list)
    signed: Review | None = None
    # Records with no person behind them (the sweep, tasks, commands run on the server,
    # a data subject on the public pages), by action: with the staff rows they add up to
    # `records`, so the reviewer sees every record of the month somewhere.
    automatic: dict[str, int] = field(default_factory=dict)

    @property
    def by_people(self) -> int:
        return sum(row.total for row in self.staff)

    @property
    def automatic_total(self) -> int:
        return sum(self.automatic.values())

    @property
    def actions(self) -> list[str]:
        return sorted({a for row in self.staff for a in row.counts})

    @property
    def table(self) -> list[tuple[StaffRow, list[int]]]:
        """Each staff row with its counts in the order of `actions` (for the page)."""
        actions = self.actions
        return [(row, [row.counts.get(a, 0) for a in actions]) for row in self.staff]

    def summary(self) -> dict[str, Any]:
        """What the sign-off stores: counts, not personal data."""
        by_kind = collections.Counter(f.kind for f in self.flags)
        return {
            "records": self.records,
            "staff": len(self.staff),
            "flags": dict(sorted(by_kind.items())),
            "unconfirmed_downloads": len(self.unconfirmed),
        }


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(month.year, month.month, 1, tzinfo=clock.SEOUL)
    following = dt.datetime(
        month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=clock.SEOUL
    )
    return start, following


def parse_month(text: str) -> dt.date:
    """`YYYY-MM` → the first day of that month; ValueError otherwise."""
    year, _, month = text.partition("-")
    if len(year) != 4 or len(month) != 2:
        raise ValueError("month must be YYYY-MM")
    return dt.date(int(year), int(month), 1)


def previous_month() -> dt.date:
    first = clock.today().replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


class _Actor:
    __slots__ = ("burst", "flagged_burst", "name", "unmasks", "window", "window_counts")

    def __init__(self, name: str) -> None:
        self.name = name
        self.unmasks: list[int] = []
        self.window: collections.deque[tuple[dt.datetime, list[str]]] = collections.deque()
        self.window_counts: collections.Counter[str] = collections.Counter()
        self.flagged_burst = False
        self.burst: list[int] = []

    def read(self, seq: int, at: dt.datetime, subjects: list[str], limit: int) -> None:
        self.window.append((at, subjects))
        self.window_counts.update(subjects)
        while self.window and at - self.window[0][0] > HOUR:
            _, old = self.window.popleft()
            self.window_counts.subtract(old)
            for subject in old:
                if self.window_counts[subject] <= 0:
                    del self.window_counts[subject]
        if len(self.window_counts) > limit:
            if not self.flagged_burst:
                self.burst.append(seq)
                self.flagged_burst = True
        else:
            self.flagged_burst = False


def _person_records(start: dt.datetime, end: dt.datetime) -> Iterable[tuple[Any, ...]]:
    rows = AccessRecord.objects.filter(at__gte=start, at__lt=end, actor_id__isnull=False)
    return (
        rows.order_by("seq")
        .values_list("seq", "at", "actor_id", "actor_name", "action", "subjects", "reason")
        .iterator(chunk_size=5000)
    )


def compute(month: dt.date) -> MonthReview:
    start, end = month_bounds(month)
    review = MonthReview(month=month, start=start, end=end)
    review.records = AccessRecord.objects.filter(at__gte=start, at__lt=end).count()
    review.automatic = dict(
        AccessRecord.objects.filter(at__gte=start, at__lt=end, actor_id__isnull=True)
        .values_list("action")
        .annotate(n=Count("seq"))
        .order_by("action")
        .values_list("action", "n")
    )
    review.signed = Review.objects.filter(month=month).first()
    limit = settings.AUDIT_REVIEW_SUBJECTS_PER_HOUR
    actors: dict[int, _Actor] = {}
    counts: dict[int, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    night: dict[int, list[int]] = collections.defaultdict(list)
    downloads: list[Download] = []
    touched: set[str] = set()
    for seq, at, actor_id, name, action, subjects, reason in _person_records(start, end):
        actor = actors.get(actor_id)
        if actor is None:
            actor = actors[actor_id] = _Actor(name)
        actor.name = name or actor.name
        counts[actor_id][action] += 1
        hour = clock.local(at).hour
        if hour >= NIGHT_FROM or hour < NIGHT_UNTIL:
            night[actor_id].append(seq)
        if action == "unmask":
            actor.unmasks.append(seq)
        # A file that names no one (an order list without recipients, a marketplace
        # tracking sheet) is on record but is no download of personal data to check.
        if action in DOWNLOAD_ACTIONS and subjects:
            downloads.append(Download(seq, at, name, action, reason, len(subjects or [])))
        if action in READ_ACTIONS and subjects:
            actor.read(seq, at, list(subjects), limit)
        touched.update(subjects or [])
    review.staff = sorted(
        (StaffRow(pk, actors[pk].name, dict(sorted(c.items()))) for pk, c in counts.items()),
        key=lambda row: (-row.total, row.actor_name),
    )
    flags = review.flags
    for download in downloads:
        flags.append(
            Flag("download", "개인정보 다운로드", None, download.actor_name, [download.seq])
        )
    threshold = settings.AUDIT_REVIEW_UNMASK_THRESHOLD
    for pk, actor in actors.items():
        if len(actor.unmasks) > threshold:
            note = f"{len(actor.unmasks)}회 (기준 {threshold}회)"
            flags.append(Flag("unmask", "가림 해제 과다", pk, actor.name, actor.unmasks, note))
        if actor.burst:
            note = f"1시간 안에 {limit}명 넘는 정보주체 조회"
            flags.append(Flag("many_subjects", "대량 조회", pk, actor.name, actor.burst, note))
        if night.get(pk):
            flags.append(Flag("night", "야간 접속(22시~6시)", pk, actor.name, night[pk]))
    flags.extend(_watched(start, end, touched, actors))
    confirmed = set(
        DownloadCheck.objects.filter(seq__in=[d.seq for d in downloads]).values_list(
            "seq", flat=True
        )
    )
    review.unconfirmed = [d for d in downloads if d.seq not in confirmed]
    return review


def _watched(
    start: dt.datetime, end: dt.datetime, touched: set[str], actors: dict[int, _Actor]
) -> list[Flag]:
    flags: list[Flag] = []
    for item in WATCHES:
        since = item.since(touched) if touched else {}
        if not since:
            continue
        hits: dict[int, list[int]] = collections.defaultdict(list)
        for seq, at, actor_id, _name, _action, subjects, _reason in _person_records(start, end):
            for subject in subjects or []:
                moment = since.get(subject)
                # A member's own withdrawal is recorded just after it takes effect.
                if moment is not None and at > moment and subject != f"member:{actor_id}":
                    hits[actor_id].append(seq)
                    break
        for pk, seqs in hits.items():
            flags.append(Flag(item.kind, item.label, pk, actors[pk].name, seqs))
    return flags
