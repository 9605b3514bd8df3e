"""Plans, a seller's subscription (the contract record), monthly invoices, payments,
refunds and gateway attempts.

What is personal data here is only who paid: the payer's name and phone and the depositor
name a bank statement shows (§4 마). They live on `Payment`, sealed under the data key of
the invoice's subject, so that one invoice with everything paid against it is one line of
the transaction book: moved, kept and destroyed as a unit (C4-06, C4-09).
Amounts are integer KRW. Card data never reaches these tables (C5-02): there is no field
for it, and the gateway adapters copy only named, non-card fields of a result.
"""

from __future__ import annotations

import calendar

from django.db import models

from jikim import clock
from jikim.accounts.models import Member, Tenant
from jikim.vault.fields import PersonalDataField, SubjectField


def vat_of(supply: int) -> int:
    """부가가치세 10%, 원 미만 절사."""
    return supply // 10


class Plan(models.Model):
    name = models.CharField("요금제", max_length=60, unique=True)
    # The supply price before VAT (공급가액); invoices add 10% VAT on top.
    monthly_price = models.PositiveIntegerField("월 이용료(공급가액, 원)")
    active = models.BooleanField("신규 가입 가능", default=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["monthly_price", "pk"]
        verbose_name = "요금제"

    def __str__(self) -> str:
        return self.name

    @property
    def monthly_total(self) -> int:
        """What a whole month costs with VAT, as the plan choice says it up front."""
        return self.monthly_price + vat_of(self.monthly_price)


class Subscription(models.Model):
    """One period of a seller on one plan: the contract record (C4-05). A plan change ends
    one subscription and starts the next; the contract ends with the tenant's."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="subscriptions")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+")
    subject = SubjectField(prefix="c")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    agreed_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["tenant", "ended_at"], name="subscription_current")]

    def __str__(self) -> str:
        return f"subscription {self.pk}"


class InvoiceStatus(models.TextChoices):
    ISSUED = "issued", "미납"
    PAID = "paid", "완납"
    CANCELLED = "cancelled", "청구 취소"


SETTLED = (InvoiceStatus.PAID, InvoiceStatus.CANCELLED)


class Invoice(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="invoices")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.SET_NULL, null=True, blank=True, related_name="invoices"
    )
    # The data subject of this line of the transaction book: the payers' data on its
    # payments is sealed under this subject's key.
    subject = SubjectField(prefix="b")
    number = models.CharField("청구번호", max_length=40, unique=True)
    month = models.CharField("이용월", max_length=7)  # "YYYY-MM"
    plan_name = models.CharField("요금제", max_length=60)
    supply_amount = models.PositiveIntegerField("공급가액")
    vat_amount = models.PositiveIntegerField("부가세")
    total = models.PositiveIntegerField("청구액")
    issued_at = models.DateTimeField("발행일시")
    due_on = models.DateField("납부기한")
    status = models.CharField(
        max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED
    )
    settled_at = models.DateTimeField("완납·취소일시", null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True)
    # A month not used whole, billed by the day (일할 계산): from this day to `billed_to`
    # (the day the contract ended), or to the month's end when that is empty.
    billed_from = models.DateField("일할 계산 시작일", null=True, blank=True)
    billed_to = models.DateField("일할 계산 종료일(해지일)", null=True, blank=True)
    billed_days = models.PositiveSmallIntegerField("일할 계산 일수", null=True, blank=True)
    # When the owners were told it is past its due date (once per invoice).
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-month", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "month"], name="one_invoice_per_month")
        ]
        indexes = [models.Index(fields=["status", "tenant"], name="invoice_status")]

    def __str__(self) -> str:
        return self.number

    @property
    def settled(self) -> bool:
        return self.status in SETTLED

    @property
    def month_days(self) -> int:
        year, month = (int(part) for part in self.month.split("-"))
        return calendar.monthrange(year, month)[1]


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", "계좌 입금(무통장)"
    CARD = "card", "신용카드(이니시스)"
    DIRECT_BANK = "direct_bank", "실시간 계좌이체(이니시스)"


class PaymentStatus(models.TextChoices):
    PAID = "paid", "수납"
    PARTLY_REFUNDED = "partly_refunded", "부분 환불"
    REFUNDED = "refunded", "환불"


class Payment(models.Model):
    """A fee received: 수납액, 수납일시, 요금납부 방법 and who paid (§4 마)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="payments")
    subject = models.CharField(max_length=40, db_index=True, editable=False)  # the invoice's
    method = models.CharField("납부 방법", max_length=20, choices=PaymentMethod.choices)
    gateway = models.CharField(max_length=20)
    amount = models.PositiveIntegerField("수납액")
    paid_at = models.DateTimeField("수납일시")
    status = models.CharField(
        max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PAID
    )
    # The gateway's transaction id (Inicis tid) or the bank statement's reference.
    reference = models.CharField(max_length=60, blank=True)
    payer_name = PersonalDataField("결제자 성명", category="payment.payer_name")
    payer_phone = PersonalDataField("결제자 전화번호", category="payment.payer_phone")
    depositor_name = PersonalDataField("입금자명", category="payment.payer_name")
    confirmed_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-paid_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "reference"],
                condition=~models.Q(reference=""),
                name="one_payment_per_gateway_reference",
            )
        ]

    def __str__(self) -> str:
        return f"payment {self.pk}"


class Refund(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="refunds")
    amount = models.PositiveIntegerField("환불액")
    reason = models.CharField("환불 사유", max_length=200)
    refunded_at = models.DateTimeField("환불일시")
    refunded_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"refund {self.pk}"


class AttemptStatus(models.TextChoices):
    STARTED = "started", "결제창 요청"
    APPROVED = "approved", "승인"
    FAILED = "failed", "실패"


class PaymentAttempt(models.Model):
    """One trip to a gateway's payment window. Holds the order id and price we signed, so
    that the result can be checked against them; no payer or card data."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="attempts")
    gateway = models.CharField(max_length=20)
    oid = models.CharField(max_length=40, unique=True)
    price = models.PositiveIntegerField()
    timestamp = models.CharField(max_length=20)
    status = models.CharField(
        max_length=10, choices=AttemptStatus.choices, default=AttemptStatus.STARTED
    )
    result_code = models.CharField(max_length=10, blank=True)
    failure = models.CharField(max_length=200, blank=True)
    started_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(default=clock.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    payment = models.OneToOneField(
        Payment, on_delete=models.SET_NULL, null=True, blank=True, related_name="attempt"
    )

    def __str__(self) -> str:
        return f"attempt {self.oid}"
