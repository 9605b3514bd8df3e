"""The two registers of personal data leaving the service: provisions to third parties
(lawful, C5-01) and breaches (unlawful, PIPA art. 34).

Neither holds personal data itself: subjects are named by their pseudonymous ids and items
by their data-map category ids, like the destruction ledger and the access records.
"""

from __future__ import annotations

from django.db import models

from jikim import clock


class Basis(models.TextChoices):
    """The three grounds of the policy's §5 — there is no fourth."""

    CONSENT = "consent", "정보주체의 사전 동의"
    LAWFUL_REQUEST = "lawful_request", "법령에 따른 요구 (수사기관 등)"
    FEE_PAYMENT = "fee_payment", "서비스 이용요금 결제 (결제 수탁업체)"


class Provision(models.Model):
    """One handing-over of personal data to a third party, with the basis that allowed it."""

    provided_at = models.DateTimeField("제공 일시")
    basis = models.CharField("제공 근거", max_length=20, choices=Basis.choices)
    recipient = models.CharField("제공받는 자", max_length=200)
    purpose = models.CharField("제공받는 자의 이용 목적", max_length=200)
    items = models.JSONField("제공 항목 (데이터 맵 분류)", default=list)
    method = models.CharField("제공 방법", max_length=100, blank=True)
    # A lawful request: who asked, by which document, under which law.
    requesting_body = models.CharField("요구 기관", max_length=200, blank=True)
    document_number = models.CharField("문서 번호", max_length=100, blank=True)
    legal_basis = models.CharField("법적 근거", max_length=200, blank=True)
    # Consent: the subject's consent record each provision relied on (subject -> Consent id).
    consent_refs = models.JSONField(default=dict, blank=True)
    # Subjects whose processing was suspended but a law compelled the provision (C6-03).
    frozen_subjects = models.JSONField(default=list, blank=True)
    note = models.CharField("비고", max_length=500, blank=True)
    subject_count = models.PositiveIntegerField(default=0)
    recorded_at = models.DateTimeField(default=clock.now)
    recorded_by_id = models.BigIntegerField(null=True, blank=True)
    recorded_by_name = models.CharField(max_length=60)

    class Meta:
        ordering = ["-provided_at", "-pk"]
        verbose_name = "제3자 제공 기록"
        verbose_name_plural = "제3자 제공 기록"

    def __str__(self) -> str:
        return f"provision {self.pk} ({self.basis})"


class ProvisionSubject(models.Model):
    """A subject of a provision: a row each, so a subject's provisions are one indexed query."""

    provision = models.ForeignKey(Provision, on_delete=models.PROTECT, related_name="subjects")
    subject = models.CharField(max_length=40, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provision", "subject"], name="one_row_per_subject")
        ]

    def __str__(self) -> str:
        return f"{self.provision_id}:{self.subject}"


class Authority(models.TextChoices):
    PIPC = "pipc", "개인정보보호위원회"
    KISA = "kisa", "한국인터넷진흥원(KISA)"


class Incident(models.Model):
    """A breach (유출등: leak, loss, unauthorised access) and its two 72-hour clocks, both
    started by `discovered_at` — when the controller learned of it."""

    title = models.CharField("사고 제목", max_length=200)
    discovered_at = models.DateTimeField("인지 일시")
    occurred_at = models.DateTimeField("발생 일시", null=True, blank=True)
    description = models.TextField("유출 경위")
    cause = models.TextField("원인", blank=True)
    outside_attack = models.BooleanField("외부로부터의 불법적인 접근(해킹 등)", default=False)
    sensitive_data = models.BooleanField("민감정보 포함", default=False)
    items = models.JSONField("유출 항목 (데이터 맵 분류)", default=list)
    subjects = models.JSONField("영향받은 정보주체 (가명 ID)", default=list, blank=True)
    affected_count = models.PositiveIntegerField("영향받은 정보주체 수", default=0)
    subject_actions = models.TextField("피해 최소화를 위해 정보주체가 할 수 있는 방법", blank=True)
    measures = models.TextField("회사의 대응조치 및 피해 구제절차", blank=True)
    contact = models.CharField("피해 신고 접수 부서 및 연락처", max_length=300, blank=True)
    recorded_at = models.DateTimeField(default=clock.now)
    recorded_by_id = models.BigIntegerField(null=True, blank=True)
    recorded_by_name = models.CharField(max_length=60)
    notified_at = models.DateTimeField("정보주체 통지 일시", null=True, blank=True)
    notified_by_name = models.CharField(max_length=60, blank=True)
    notification_channel = models.CharField("통지 방법", max_length=200, blank=True)
    reported_at = models.DateTimeField("신고 일시", null=True, blank=True)
    reported_by_name = models.CharField(max_length=60, blank=True)
    reported_to = models.CharField(
        "신고 기관", max_length=10, choices=Authority.choices, blank=True
    )
    report_reference = models.CharField("신고 접수 번호", max_length=100, blank=True)

    class Meta:
        ordering = ["-discovered_at", "-pk"]
        verbose_name = "개인정보 유출 사고"
        verbose_name_plural = "개인정보 유출 사고"

    def __str__(self) -> str:
        return f"incident {self.pk}"
