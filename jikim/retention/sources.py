"""Where personal data lives, and how each kind's due date follows from its rule and its
trigger events. Each source lists what falls due, moves it to separated storage, and
destroys it (crypto-shred, then delete rows, index entries and files)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import DateTimeField, F, Max, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Greatest

from jikim import clock
from jikim.accounts.actions import KEEP_AFTER_WITHDRAWAL
from jikim.accounts.models import Consent, Member
from jikim.audit.models import ServiceLog
from jikim.billing.retention_sources import ContractSource, PaymentBookSource
from jikim.cases.retention_sources import CaseSource, RecordingSource
from jikim.retention import duesql, rules
from jikim.retention.models import (
    DestructionItem,
    ItemStatus,
    SeparatedRecord,
    Stage,
    TenantRetention,
)
from jikim.shipping.models import BatchStatus, ImportBatch, Party
from jikim.vault import access, keyring, sealing
from jikim.vault.fields import Sealed


class Source(Protocol):
    name: str
    rule_id: str
    method: str

    def due(self, until: dt.datetime) -> Iterator[Due]: ...

    def move(self, subjects: Sequence[str]) -> None: ...

    def destroy(self, subjects: Sequence[str]) -> None: ...


@dataclass(frozen=True)
class Due:
    source: str
    subject: str
    stage: str
    rule: str
    tenant_id: int | None
    due_at: dt.datetime


def _done(stage: str) -> Q:
    return Q(
        subject__in=DestructionItem.objects.filter(stage=stage, status=ItemStatus.DONE).values(
            "subject"
        )
    )


class RecipientSource:
    """Sellers' shipping data (C4-00): the recipient's purpose is met N days after delivery
    or purchase confirmation (the later of the two); a seller may choose fewer days."""

    name = "shipping.recipient"
    rule_id = "shipping_purpose_met"
    method = "데이터 키 파기(암호학적 삭제) 후 수취인 행·검색 색인 삭제"
    models = (Party,)  # where a large sweep deletes, for plannerstats

    def terms(self) -> tuple[int, rules.Period]:
        """(days after delivery or confirmation, the period for an order never delivered)."""
        rule = rules.rule(self.rule_id)
        default_days = rule.period.amount if rule.period and rule.period.unit == "d" else 90
        return default_days, rule.undelivered_period or rules.Period(180, "d")

    @staticmethod
    def due_at(
        days: int,
        undelivered: rules.Period,
        ends: tuple[dt.datetime | None, dt.datetime | None],
        ordered: dt.datetime | None,
        recorded: dt.datetime,
    ) -> dt.datetime:
        """One recipient's due date: `days` after the later of delivery and purchase
        confirmation (`ends`); with neither, `undelivered` after the later of the order and
        its arrival here — an old order uploaded today is not destroyed tonight."""
        known = [t for t in ends if t is not None]
        if known:
            return max(known) + dt.timedelta(days=days)
        return undelivered.after(max(ordered or recorded, recorded))

    def due(self, until: dt.datetime) -> Iterator[Due]:
        default_days, undelivered = self.terms()
        custom = dict(TenantRetention.objects.values_list("tenant_id", "shipping_days"))
        shortest = min([default_days, *custom.values()])
        cut = until - dt.timedelta(days=shortest)
        cut_undelivered = (
            until - dt.timedelta(days=undelivered.amount) if undelivered.unit == "d" else until
        )
        rows = Party.objects.filter(
            Q(order__shipment__delivered_at__lte=cut)
            | Q(order__shipment__purchase_confirmed_at__lte=cut)
            | Q(order__created_at__lte=cut_undelivered)
        ).values_list(
            "subject",
            "tenant_id",
            "order__shipment__delivered_at",
            "order__shipment__purchase_confirmed_at",
            "order__ordered_at",
            "order__created_at",
        )
        for subject, tenant_id, delivered, confirmed, ordered, created in rows.iterator(
            chunk_size=5000
        ):
            days = min(custom.get(tenant_id, default_days), default_days)
            due_at = self.due_at(days, undelivered, (delivered, confirmed), ordered, created)
            if due_at <= until:
                yield Due(self.name, subject, Stage.DESTROY, self.rule_id, tenant_id, due_at)

    def due_querysets(self, until: dt.datetime) -> list[tuple[QuerySet[Any], str]] | None:
        """`due` as queries over the recipients (one per retention period in use), for the
        sweep to plan without passing every row through Python. The conditions are `due`'s:
        a delivered or confirmed order is due when both known ends are `days` old; an order
        with neither is due `undelivered_period` after the later of its order and its arrival."""
        default_days, undelivered = self.terms()
        if undelivered.unit != "d":
            return None  # calendar months: only `due` counts them
        shorter: dict[int, list[int]] = defaultdict(list)
        for tenant_id, days in TenantRetention.objects.values_list("tenant_id", "shipping_days"):
            if days < default_days:
                shorter[days].append(tenant_id)
        delivered = F("order__shipment__delivered_at")
        confirmed = F("order__shipment__purchase_confirmed_at")
        ends = Greatest(Coalesce(delivered, confirmed), Coalesce(confirmed, delivered))
        groups = [(default_days, ~Q(tenant_id__in=[t for ts in shorter.values() for t in ts]))]
        groups += [(days, Q(tenant_id__in=tenants)) for days, tenants in shorter.items()]
        querysets: list[QuerySet[Any]] = []
        for days, tenants in groups:
            cut = until - dt.timedelta(days=days)
            rows = Party.objects.filter(
                tenants,
                Q(order__shipment__delivered_at__isnull=False)
                | Q(order__shipment__purchase_confirmed_at__isnull=False),
                Q(order__shipment__delivered_at__isnull=True)
                | Q(order__shipment__delivered_at__lte=cut),
                Q(order__shipment__purchase_confirmed_at__isnull=True)
                | Q(order__shipment__purchase_confirmed_at__lte=cut),
            )
            querysets.append(duesql.due_rows(rows, duesql.PlusDays(ends, days)))
        cut = until - dt.timedelta(days=undelivered.amount)
        recorded = F("order__created_at")
        started = Greatest(Coalesce(F("order__ordered_at"), recorded), recorded)
        rows = Party.objects.annotate(started=started).filter(
            order__shipment__delivered_at__isnull=True,
            order__shipment__purchase_confirmed_at__isnull=True,
            order__created_at__lte=cut,
            started__lte=cut,
        )
        querysets.append(duesql.due_rows(rows, duesql.PlusDays(started, undelivered.amount)))
        return [(qs, Stage.DESTROY) for qs in querysets]

    def move(self, subjects: Sequence[str]) -> None:
        raise NotImplementedError("shipping data is destroyed, never kept in separation")

    def destroy(self, subjects: Sequence[str]) -> None:
        # The sweep shreds before it destroys, and shredding already forgets the subjects'
        # index entries: only the rows are left.
        duesql.delete_parties(subjects)


class ContractEndSource:
    """A seller whose contract ended (C4-00): its recipients' data is offered for download
    during the notice period and destroyed when it ends."""

    name = "shipping.contract_end"
    rule_id = "seller_contract_end"
    method = "계약 종료 안내 기간 후 데이터 키 파기(암호학적 삭제), 수취인 행·검색 색인 삭제"

    def due(self, until: dt.datetime) -> Iterator[Due]:
        from jikim.accounts.models import Tenant

        rule = rules.rule(self.rule_id)
        for tenant_id, ended in Tenant.objects.filter(contract_ended_at__isnull=False).values_list(
            "pk", "contract_ended_at"
        ):
            assert ended is not None
            due_at = rule.due(ended)
            if due_at > until:
                continue
            for subject in Party.objects.filter(tenant_id=tenant_id).values_list(
                "subject", flat=True
            ):
                yield Due(self.name, subject, Stage.DESTROY, self.rule_id, tenant_id, due_at)

    def due_querysets(self, until: dt.datetime) -> list[tuple[QuerySet[Any], str]]:
        """`due` as queries, one per ended contract whose notice period is over."""
        from jikim.accounts.models import Tenant

        rule = rules.rule(self.rule_id)
        querysets: list[tuple[QuerySet[Any], str]] = []
        for tenant_id, ended in Tenant.objects.filter(contract_ended_at__isnull=False).values_list(
            "pk", "contract_ended_at"
        ):
            assert ended is not None
            due_at = rule.due(ended)
            if due_at <= until:
                rows = Party.objects.filter(tenant_id=tenant_id)
                querysets.append(
                    (duesql.due_rows(rows, Value(due_at, DateTimeField())), Stage.DESTROY)
                )
        return querysets

    def move(self, subjects: Sequence[str]) -> None:
        raise NotImplementedError

    def destroy(self, subjects: Sequence[str]) -> None:
        # The sweep shreds before it destroys, and shredding already forgets the subjects'
        # index entries: only the rows are left.
        duesql.delete_parties(subjects)


class StagedUploadSource:
    """An uploaded order file waiting for confirmation: gone a day after upload at most."""

    name = "shipping.upload"
    rule_id = "upload_staging"
    method = "업로드 파일의 데이터 키 파기 후 대기 파일 삭제"

    def due(self, until: dt.datetime) -> Iterator[Due]:
        rule = rules.rule(self.rule_id)
        assert rule.period is not None
        cut = until - dt.timedelta(days=rule.period.amount)
        rows = ImportBatch.objects.filter(staged__isnull=False, created_at__lte=cut)
        for subject, tenant_id, created in rows.values_list("subject", "tenant_id", "created_at"):
            yield Due(self.name, subject, Stage.DESTROY, self.rule_id, tenant_id, rule.due(created))

    def move(self, subjects: Sequence[str]) -> None:
        raise NotImplementedError

    def destroy(self, subjects: Sequence[str]) -> None:
        batches = ImportBatch.objects.filter(subject__in=subjects)
        # A commit that finished after planning keeps its outcome; only the file goes.
        batches.filter(status=BatchStatus.COMMITTED).update(staged=None)
        batches.exclude(status=BatchStatus.COMMITTED).update(
            staged=None, status=BatchStatus.EXPIRED, finished_at=clock.now()
        )

    @classmethod
    def shred(
        cls,
        batches: Sequence[ImportBatch],
        *,
        reason: str = "",
        compact: bool = True,
        record_access: bool = True,
    ) -> None:
        """The import's own destruction of uploads whose purpose ended (committed,
        cancelled, refused, expired): keys shredded and the destruction ledgered like a
        sweep's, in one transaction with the access record of the shredding. The caller
        has emptied the staged files. `record_access=False` for a caller whose own record
        already names the batch (a cancel)."""
        from jikim.retention import ledger

        subjects = [b.subject for b in batches]
        rule = rules.rule(cls.rule_id)
        now = clock.now()
        with transaction.atomic():
            if record_access:
                access.shred(subjects, actor=access.SYSTEM, reason=reason, compact=False)
            else:
                keyring.shred(subjects, compact_after=False)
            ledger.immediate(
                source_name=cls.name,
                rule_id=cls.rule_id,
                trigger="import",
                # Due when the purpose ended, and never later than the staging period.
                due={b.subject: (b.tenant_id, min(now, rule.due(b.created_at))) for b in batches},
            )
        if compact:
            keyring.compact()  # outside the transaction: compacting can take a while


MEMBER_SEALED = ("mobile", "company_phone")


class MemberSource:
    """Withdrawn members (C4-01): moved to separated storage at withdrawal, with only what
    the reason for keeping needs, and destroyed a year later."""

    name = "accounts.member"
    rule_id = "member_after_withdrawal"
    method_move = "회원 테이블에서 분리 DB로 이동 (암호문 그대로, 원래 자리는 비움)"
    method = "데이터 키 파기(암호학적 삭제) 후 분리 보관 기록 삭제"

    def due(self, until: dt.datetime) -> Iterator[Due]:
        rule = rules.rule(self.rule_id)
        withdrawn = Member.objects.filter(withdrawn_at__isnull=False, withdrawn_at__lte=until)
        for subject, at in withdrawn.exclude(_done(Stage.MOVE)).values_list(
            "subject", "withdrawn_at"
        ):
            assert at is not None  # filtered above
            yield Due(self.name, subject, Stage.MOVE, self.rule_id, None, at)
        consented = dict(
            Consent.objects.filter(
                purpose=KEEP_AFTER_WITHDRAWAL, withdrawn_at__isnull=True, valid_until__isnull=False
            ).values_list("member__subject", "valid_until")
        )
        for subject, at in withdrawn.exclude(_done(Stage.DESTROY)).values_list(
            "subject", "withdrawn_at"
        ):
            assert at is not None  # filtered above
            # Kept longer only if the member consented to a longer period (C4-02).
            due_at = max(rule.due(at), consented.get(subject) or at)
            if due_at <= until:
                yield Due(self.name, subject, Stage.DESTROY, self.rule_id, None, due_at)

    def move(self, subjects: Sequence[str]) -> None:
        rule = rules.rule(self.rule_id)
        members = list(Member.objects.filter(subject__in=subjects))
        keys = keyring.ensure([m.subject for m in members])
        for member in members:
            payload = {
                f: getattr(member, f).token
                for f in MEMBER_SEALED
                if isinstance(getattr(member, f), Sealed)
            }
            if isinstance(member.email_address, Sealed):
                # Sealed as category member.email, as the separated copy always was.
                payload["email"] = member.email_address.token
            material = keys[member.subject]
            for plain_field in ("login_id", "company_name"):
                value = getattr(member, plain_field)
                if value and not value.startswith("withdrawn-"):
                    payload[plain_field] = sealing.seal(
                        material, f"member.{plain_field}", member.subject, value
                    )
            if not payload:
                continue  # already moved by an interrupted run
            SeparatedRecord.objects.update_or_create(
                subject=member.subject,
                defaults={
                    "source": self.name,
                    "rule": self.rule_id,
                    "legal_basis": rule.basis,
                    "payload": payload,
                    "moved_at": clock.now(),
                    "due_at": rule.due(member.withdrawn_at or clock.now()),
                },
            )
        EmailAddress.objects.filter(user__subject__in=subjects).delete()
        for member in members:
            member.login_id = f"withdrawn-{member.pk}"
            member.email = ""
            member.email_address = None
            member.email_pending = None
            member.company_name = ""
            member.mobile = None
            member.company_phone = None
            member.save(
                update_fields=[
                    "login_id",
                    "email",
                    "email_address",
                    "email_pending",
                    "company_name",
                    "mobile",
                    "company_phone",
                ]
            )

    def destroy(self, subjects: Sequence[str]) -> None:
        SeparatedRecord.objects.filter(subject__in=subjects).delete()


class ServiceLogSource:
    """Service logs (C4-08): three months. The IPs of one day share one data key, so a day
    is destroyed when its last record is three months old."""

    name = "audit.service_log"
    rule_id = "log_records_3m"
    method = "하루 단위 데이터 키 파기(암호학적 삭제) 후 서비스 로그 행 삭제"

    def due(self, until: dt.datetime) -> Iterator[Due]:
        rule = rules.rule(self.rule_id)
        days = (
            ServiceLog.objects.filter(at__lte=until - dt.timedelta(days=80))
            .values("subject")
            .annotate(last=Max("at"))
        )
        for row in days:
            due_at = rule.due(row["last"])
            if due_at <= until:
                yield Due(self.name, row["subject"], Stage.DESTROY, self.rule_id, None, due_at)

    def move(self, subjects: Sequence[str]) -> None:
        raise NotImplementedError

    def destroy(self, subjects: Sequence[str]) -> None:
        ServiceLog.objects.filter(subject__in=subjects).delete()


SOURCES: list[Source] = [
    MemberSource(),
    RecipientSource(),
    ContractEndSource(),
    StagedUploadSource(),
    ServiceLogSource(),
    CaseSource(),
    RecordingSource(),
    PaymentBookSource(),
    ContractSource(),
]
BY_NAME = {s.name: s for s in SOURCES}
