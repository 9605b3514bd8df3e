"""Published policy versions and the notice board (C0-01, C12-01); cookie consents and
visit records (C8-01, C8-02); the privacy desk's tickets (C10-01)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jikim import clock
from jikim.vault.fields import PersonalDataField, SubjectField


class PolicyVersion(models.Model):
    """A published version: the policy file as it was published (so the version reads the
    same forever, whatever the file says later) and the page as plain text (for diffs)."""

    label = models.CharField("버전", max_length=40, unique=True)
    toml_text = models.TextField()
    en_text = models.TextField(blank=True)
    rendered_text = models.TextField()
    published_at = models.DateTimeField("공개일시")
    effective_at = models.DateTimeField("시행일시", db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_by_name = models.CharField(max_length=60, blank=True)
    # The policy the service was installed with, recorded on first use (see versions.py).
    baseline = models.BooleanField(default=False)

    class Meta:
        ordering = ["effective_at", "pk"]
        verbose_name = "개인정보처리방침 버전"
        verbose_name_plural = "개인정보처리방침 버전"

    def __str__(self) -> str:
        return self.label

    def is_in_effect(self) -> bool:
        return self.effective_at <= clock.now()


class Notice(models.Model):
    """A post on the notice board (공지사항)."""

    title = models.CharField("제목", max_length=200)
    body = models.TextField("내용")
    posted_at = models.DateTimeField("게시일시", db_index=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    posted_by_name = models.CharField(max_length=60, blank=True)
    version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="notices"
    )
    email_requested = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)
    emailed_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-posted_at", "-pk"]
        verbose_name = "공지사항"
        verbose_name_plural = "공지사항"

    def __str__(self) -> str:
        return self.title


class CookieConsent(models.Model):
    """An opt-in to the visit-analytics cookie. `visitor` is the random id the cookie
    carries, made at this consent and linked to nothing else; it is also the data subject
    the retention engine destroys the row by."""

    visitor = models.CharField(max_length=40, unique=True)
    analytics = models.BooleanField(default=True)
    policy_version = models.CharField(max_length=40)
    given_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"cookie consent {self.pk}"


class VisitRecord(models.Model):
    """One visit of an opted-in browser: when it started and ended, how many pages. Only
    frequency and time (C8-01): no path, no address, no member."""

    visitor = models.CharField(max_length=40)
    # The data subject the retention engine destroys by: one per day ("visit_YYYYMMDD").
    day = models.CharField(max_length=20, db_index=True)
    started_at = models.DateTimeField()
    last_at = models.DateTimeField()
    pages = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["visitor", "last_at"], name="visit_by_visitor")]

    def __str__(self) -> str:
        return f"visit {self.pk}"


class InquiryKind(models.TextChoices):
    INQUIRY = "inquiry", "개인정보 보호 관련 문의"
    COMPLAINT = "complaint", "불만 처리"
    DAMAGE_RELIEF = "damage_relief", "피해구제 신청"


class InquiryState(models.TextChoices):
    RECEIVED = "received", "접수"
    ANSWERED = "answered", "답변 완료"
    CLOSED = "closed", "종결"


class AnswerChannel(models.TextChoices):
    EMAIL = "email", "이메일"
    PHONE = "phone", "전화"


class Inquiry(models.Model):
    """A ticket of the privacy desk: an inquiry, complaint or damage-relief request to the
    privacy officer and manager (§10 ②), tracked from receipt to answer."""

    kind = models.CharField("종류", max_length=20, choices=InquiryKind.choices)
    state = models.CharField(
        "상태", max_length=20, choices=InquiryState.choices, default=InquiryState.RECEIVED
    )
    subject = SubjectField(prefix="pq")
    name = PersonalDataField("이름", category="inquirer.name")
    email = PersonalDataField("이메일", category="inquirer.email")
    phone = PersonalDataField("전화번호", category="inquirer.phone")
    message = PersonalDataField("내용", category="inquirer.message")
    answer = PersonalDataField("답변", category="inquirer.message")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(default=clock.now, db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_via = models.CharField(max_length=10, choices=AnswerChannel.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "개인정보 문의"
        verbose_name_plural = "개인정보 문의"

    def __str__(self) -> str:
        return f"inquiry {self.pk} ({self.kind}, {self.state})"

    @property
    def number(self) -> str:
        return f"P-{self.pk:05d}"

    def days_waiting(self) -> int:
        end = self.answered_at or clock.now()
        return (clock.local(end).date() - clock.local(self.received_at).date()).days


class InquiryEvent(models.Model):
    """Each step of a ticket, with who took it. No personal data in the note."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=clock.now)
    actor_name = models.CharField(max_length=60)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_state}->{self.to_state}"
