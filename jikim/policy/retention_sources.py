"""The policy app's places in the retention engine, registered into
jikim.retention.sources.SOURCES when the app is ready.

- `InquirySource`: privacy-desk tickets, 3 years after closing (complaint records, C4-07);
  a ticket answered but never closed counts from its answer.
- `VisitSource`: visit records, by day, a year after the day (C8-01).
- `CookieConsentSource`: an analytics consent row, a year after its last use (its cookie
  has expired by then); its visits are gone by the same date. A withdrawal destroys the
  row and its visits at once (`destroy_withdrawn`, ledgered); a withdrawn row an older
  version kept is due at its withdrawal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from django.db.models import Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest

from jikim.policy.models import CookieConsent, Inquiry, VisitRecord
from jikim.retention import rules
from jikim.retention.models import DestructionItem, ItemStatus, Stage

if TYPE_CHECKING:
    from jikim.retention.sources import Due


def _due(*args: object) -> Due:
    from jikim.retention.sources import Due

    return Due(*args)  # type: ignore[arg-type]


def _shortest(period: rules.Period | None) -> dt.timedelta:
    """A lower bound of the period, to skip rows that cannot be due yet."""
    if period is None:
        return dt.timedelta(0)
    return dt.timedelta(days=period.amount * {"d": 1, "m": 28, "y": 365}[period.unit])


def _not_done() -> Q:
    return ~Q(
        subject__in=DestructionItem.objects.filter(
            stage=Stage.DESTROY, status=ItemStatus.DONE
        ).values("subject")
    )


class InquirySource:
    name = "policy.inquiry"
    rule_id = "complaint_records"
    method = "데이터 키 파기(암호학적 삭제) 후 문의 기록 삭제"

    def due(self, until: dt.datetime) -> Iterator[Due]:
        rule = rules.rule(self.rule_id)
        rows = (
            Inquiry.objects.filter(Q(closed_at__isnull=False) | Q(answered_at__isnull=False))
            .filter(_not_done())
            .values_list("subject", "closed_at", "answered_at")
        )
        for subject, closed, answered in rows.iterator(chunk_size=2000):
            start = closed or answered
            assert start is not None  # filtered above
            due_at = rule.due(start)
            if due_at <= until:
                yield _due(self.name, subject, Stage.DESTROY, self.rule_id, None, due_at)

    def move(self, subjects: Sequence[str]) -> None:
        raise NotImplementedError("desk tickets are destroyed, never kept in separation")

    def destroy(self, subjects: Sequence[str]) -> None:
        Inquiry.objects.filter(subject__in=subjects).delete()


class VisitSource:
    name = "policy.visits"
    rule_id = "visit_analytics"
    method = "방문일 단위로 방문 기록 삭제"

    def due(self, until: dt.datetime) -> Iterator[Due]:
        rule = rules.rule(self.rule_id)
        days = (
            VisitRecord.objects.filter(started_at__lte=until - _shortest(rule.period))
            .values("day")
            .annotate(last=Max("last_at"))
        )
        for row in days:
            due_at = rule.due(row["last"])
            if due_at <= until:
                yield _due(self.name, row["day"], Stage.DESTROY, self.rule_id, None, due_at)

    def move(self, subjects: Sequence[str]) -> None:
        raise NotImplementedError

    def destroy(self, subjects: Sequence[str]) -> None:
        VisitRecord.objects.filter(day__in=subjects).delete()


WITHDRAWN_METHOD = "동의 철회 즉시 동의 기록(무작위 방문자 식별값)과 방문 기록 삭제"


class CookieConsentSource:
    name = "policy.cookie_consent"
    rule_id = "visit_analytics"
    method = "동의 기록과 남은 방문 기록 삭제"

    def due(self, until: dt.datetime) -> Iterator[Due]:
        rule = rules.rule(self.rule_id)
        last_visit = (
            VisitRecord.objects.filter(visitor=OuterRef("visitor"))
            .values("visitor")
            .annotate(last=Max("last_at"))
            .values("last")
        )
        rows = (
            CookieConsent.objects.filter(
                Q(given_at__lte=until - _shortest(rule.period)) | Q(withdrawn_at__lte=until)
            )
            .exclude(
                visitor__in=DestructionItem.objects.filter(
                    stage=Stage.DESTROY, status=ItemStatus.DONE
                ).values("subject")
            )
            .annotate(
                last_use=Greatest(
                    "given_at",
                    Coalesce("withdrawn_at", "given_at"),
                    Coalesce(Subquery(last_visit), "given_at"),
                )
            )
            .values_list("visitor", "last_use", "withdrawn_at")
        )
        for visitor, last_use, withdrawn in rows.iterator(chunk_size=2000):
            # Withdrawn: due at once (a row an older version kept past its withdrawal).
            due_at = withdrawn or rule.due(last_use)
            if due_at <= until:
                yield _due(self.name, visitor, Stage.DESTROY, self.rule_id, None, due_at)

    def move(self, subjects: Sequence[str]) -> None:
        raise NotImplementedError

    def destroy(self, subjects: Sequence[str]) -> None:
        # A withdrawal is ledgered as "cc_<row number>": a restored backup still holds that
        # row, and destroying the subject again (backups.reapply) must find it.
        rows = [int(s[3:]) for s in subjects if s.startswith("cc_") and s[3:].isdigit()]
        visitors = [s for s in subjects if not s.startswith("cc_")]
        visitors += CookieConsent.objects.filter(pk__in=rows).values_list("visitor", flat=True)
        VisitRecord.objects.filter(visitor__in=visitors).delete()
        CookieConsent.objects.filter(visitor__in=visitors).delete()

    @classmethod
    def destroy_withdrawn(cls, consent: CookieConsent, now: dt.datetime) -> int:
        """A consent withdrawn: its visits and the row (the visitor id) deleted at once,
        and ledgered under "cc_<row number>", never the visitor id. Returns the number of
        visits deleted. Inside the withdrawal's transaction."""
        from jikim.retention import ledger

        visits, _ = VisitRecord.objects.filter(visitor=consent.visitor).delete()
        subject = f"cc_{consent.pk}"
        consent.delete()
        ledger.immediate(
            source_name=cls.name,
            rule_id=cls.rule_id,
            trigger="withdrawal",
            due={subject: (None, now)},
            method=WITHDRAWN_METHOD,
        )
        return visits


def register() -> None:
    """Add these sources to the engine's list (once, whatever the number of calls)."""
    from jikim.retention import sources

    for source in (InquirySource(), VisitSource(), CookieConsentSource()):
        if source.name not in sources.BY_NAME:
            sources.SOURCES.append(source)
            sources.BY_NAME[source.name] = source
