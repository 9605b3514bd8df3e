"""Holds, the destruction ledger, per-item progress of sweeps, tenant settings, and the
separated store (its own database)."""

from __future__ import annotations

from django.db import models

from jikim import clock
from jikim.accounts.models import Tenant


class HoldKind(models.TextChoices):
    DISPUTE = "dispute", "민원·소송 등 분쟁 (해결 시까지)"
    UNPAID = "unpaid", "미납 이용요금 (완납 시까지)"
    REQUEST = "request", "처리 중인 정보주체 요청"
    LEGAL = "legal", "법적 보존 요청 (문서 근거)"


class Hold(models.Model):
    """Stops destruction of one data subject's data, or of everything of a tenant."""

    kind = models.CharField("종류", max_length=20, choices=HoldKind.choices)
    subject = models.CharField(max_length=40, blank=True, db_index=True)
    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    reason = models.CharField("사유", max_length=200)
    document = models.CharField("근거 문서", max_length=200, blank=True)
    reference = models.CharField(max_length=60, blank=True)  # e.g. "case:12", "request:3"
    placed_by_id = models.BigIntegerField(null=True, blank=True)
    placed_by_name = models.CharField(max_length=60, blank=True)
    placed_at = models.DateTimeField(default=clock.now)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by_name = models.CharField(max_length=60, blank=True)
    release_reason = models.CharField("해제 사유", max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["released_at", "subject"], name="active_holds")]

    def __str__(self) -> str:
        return f"hold {self.pk} ({self.kind})"

    @property
    def active(self) -> bool:
        return self.released_at is None


# What started a sweep, as the ledger says it. "import" and "withdrawal" are destructions
# done at once by the code that ended the purpose, ledgered as a sweep of their own.
TRIGGER_LABELS = {
    "schedule": "정기 파기 작업",
    "request": "정보주체의 삭제 요구",
    "restore": "백업 복원 후 파기 재적용",
    "import": "주문 파일 처리 종료 (저장·취소·거부·만료)",
    "withdrawal": "쿠키 동의 철회",
}


class Sweep(models.Model):
    started_at = models.DateTimeField(default=clock.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    as_of = models.DateTimeField()
    trigger = models.CharField(max_length=20, default="schedule")

    def __str__(self) -> str:
        return f"sweep {self.pk}"

    @property
    def trigger_label(self) -> str:
        return TRIGGER_LABELS.get(self.trigger, self.trigger)


class Stage(models.TextChoices):
    MOVE = "move", "분리 보관으로 이동"
    DESTROY = "destroy", "파기"


class ItemStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", "승인 대기"
    PLANNED = "planned", "실행 예정"
    DONE = "done", "완료"


class DestructionItem(models.Model):
    """One subject's passage through one stage. Unique per (subject, stage): however often a
    sweep is interrupted and rerun, each subject is moved once and destroyed once."""

    subject = models.CharField(max_length=40)
    stage = models.CharField(max_length=10, choices=Stage.choices)
    source = models.CharField(max_length=40)
    rule = models.CharField(max_length=40)
    tenant_id = models.BigIntegerField(null=True, blank=True)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=ItemStatus.choices, default=ItemStatus.PLANNED)
    # No database constraint: a sweep writes items a million at a time, and PostgreSQL
    # checks such a constraint once per row and column at commit (a seventh of a large
    # sweep). Sweeps are never deleted (PROTECT, and nothing deletes them), so no item can
    # point at a missing one.
    sweep = models.ForeignKey(
        Sweep, on_delete=models.PROTECT, related_name="items", db_constraint=False
    )
    done_sweep = models.ForeignKey(
        Sweep,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="done_items",
        db_constraint=False,
    )
    planned_at = models.DateTimeField(default=clock.now)
    approved_by = models.CharField(max_length=60, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subject", "stage"], name="one_pass_per_stage")
        ]
        # The sweep walks planned items of a stage in id order: with `id` in the index,
        # PostgreSQL reads each batch in order instead of sorting every planned item.
        indexes = [models.Index(fields=["status", "stage", "id"], name="items_by_status_id")]

    def __str__(self) -> str:
        return f"{self.stage} {self.subject}"


class LedgerEntry(models.Model):
    """The destruction ledger: per sweep, stage and rule. No personal data: counts and
    pseudonymous subject ids only."""

    sweep = models.ForeignKey(Sweep, on_delete=models.PROTECT, related_name="ledger")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    source = models.CharField(max_length=40)
    rule = models.CharField(max_length=40)
    rule_label = models.CharField(max_length=100)
    legal_basis = models.CharField(max_length=200)
    count = models.PositiveIntegerField()
    due_from = models.DateTimeField()
    due_to = models.DateTimeField()
    done_at = models.DateTimeField()
    method = models.CharField(max_length=200)
    approver = models.CharField(max_length=60, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    # The seller whose data the entry concerns, when it is one seller's; `several_tenants`
    # when it covers more than one (both empty: no seller's data, e.g. members, logs).
    tenant_id = models.BigIntegerField(null=True, blank=True)
    several_tenants = models.BooleanField(default=False)

    class Meta:
        ordering = ["-done_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sweep", "stage", "source", "rule"], name="one_entry_per_sweep_rule"
            )
        ]

    def __str__(self) -> str:
        return f"ledger {self.pk}"

    @property
    def subjects(self) -> list[str]:
        """The pseudonymous ids this entry covers (kept on the items, not copied here)."""
        return list(
            DestructionItem.objects.filter(
                done_sweep_id=self.sweep_id, stage=self.stage, source=self.source, rule=self.rule
            )
            .order_by("pk")
            .values_list("subject", flat=True)
        )


class TenantRetention(models.Model):
    """A seller's own, shorter, period for its shipping data (C4-00)."""

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="retention")
    shipping_days = models.PositiveIntegerField("배송 데이터 보관일수")

    def __str__(self) -> str:
        return f"{self.tenant_id}: {self.shipping_days}d"


class SeparatedRecord(models.Model):
    """Data whose purpose is met but that a law keeps (§7 ①). Lives in its own database;
    the router refuses it to ordinary code (see separated.py). Values stay sealed under the
    subject's data key, so destroying that key destroys this copy too."""

    subject = models.CharField(max_length=40, unique=True)
    source = models.CharField(max_length=40)
    rule = models.CharField(max_length=40)
    legal_basis = models.CharField(max_length=200)
    tenant_id = models.BigIntegerField(null=True, blank=True)
    payload = models.JSONField(default=dict)  # field name -> ciphertext token
    moved_at = models.DateTimeField()
    due_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"separated {self.subject}"
