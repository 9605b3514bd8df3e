"""Requests of data subjects (PIPA arts. 35–38), their events, and agents' documents."""

from __future__ import annotations

import datetime as dt

from django.db import models

from jikim import clock
from jikim.accounts.models import Member, Tenant
from jikim.vault.fields import PersonalDataField, SubjectField


class Kind(models.TextChoices):
    ACCESS = "access", "열람"
    CORRECTION = "correction", "정정"
    DELETION = "deletion", "삭제"
    SUSPENSION = "suspension", "처리정지"
    SUSPENSION_LIFT = "suspension_lift", "처리정지 해제"
    CONSENT_WITHDRAWAL = "consent_withdrawal", "동의 철회"


class State(models.TextChoices):
    RECEIVED = "received", "접수"
    IDENTITY_CHECK = "identity_check", "본인 확인 중"
    IN_PROGRESS = "in_progress", "처리 중"
    DONE = "done", "처리 완료"
    PARTLY_DONE = "partly_done", "일부 처리"
    REFUSED = "refused", "거절"
    WITHDRAWN = "withdrawn", "요구 철회"


OPEN_STATES = (State.RECEIVED, State.IDENTITY_CHECK, State.IN_PROGRESS)
ANSWERED_STATES = (State.DONE, State.PARTLY_DONE, State.REFUSED)


class Channel(models.TextChoices):
    MEMBER_PAGE = "member_page", "회원 화면"
    PUBLIC_PAGE = "public_page", "공개 요구 화면"
    WRITTEN = "written", "서면 (별지 제8호 서식)"
    EMAIL = "email", "전자우편"
    FAX = "fax", "모사전송(FAX)"


class AgentType(models.TextChoices):
    NONE = "", "본인"
    LEGAL_REPRESENTATIVE = "legal_representative", "법정대리인"
    DELEGATE = "delegate", "위임을 받은 자"


class Request(models.Model):
    """One request. `tenant` is the controller when the data is a seller's (a recipient's
    request lands in that seller's queue); empty when the operator is the controller."""

    kind = models.CharField("요구 종류", max_length=20, choices=Kind.choices)
    state = models.CharField("상태", max_length=20, choices=State.choices, default=State.RECEIVED)
    channel = models.CharField("접수 경로", max_length=20, choices=Channel.choices)
    tenant = models.ForeignKey(
        Tenant, on_delete=models.PROTECT, null=True, blank=True, related_name="rights_requests"
    )
    member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="rights_requests"
    )
    subjects = models.JSONField("대상 정보주체(가명 ID)", default=list)
    subject = SubjectField(prefix="q")  # the request's own data (requester's contact, details)
    requester_name = PersonalDataField("요구인 이름", category="rights.requester")
    requester_contact = PersonalDataField("요구인 연락처", category="rights.requester")
    details = PersonalDataField("요구 내용", category="rights.details")
    agent_type = models.CharField(
        "대리인", max_length=30, choices=AgentType.choices, blank=True, default=""
    )
    agent_verified_at = models.DateTimeField(null=True, blank=True)
    agent_verified_by = models.CharField(max_length=60, blank=True)
    received_at = models.DateTimeField(default=clock.now)
    due_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField("답변 내용", blank=True)
    reason = models.CharField("거절·연기 사유", max_length=300, blank=True)
    legal_basis = models.CharField("법적 근거", max_length=200, blank=True)
    objection_route = models.CharField("이의제기 방법", max_length=300, blank=True)
    delay_notified_at = models.DateTimeField(null=True, blank=True)
    confirmation_code_hash = models.CharField(max_length=64, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    package_token_hash = models.CharField(max_length=64, blank=True)
    package_expires_at = models.DateTimeField(null=True, blank=True)
    package_downloaded_at = models.DateTimeField(null=True, blank=True)
    # Set when the requester used up the wrong confirmation codes: the code no longer
    # confirms, and staff confirm identity by other means or close the request.
    code_locked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "due_at"], name="rights_queue")]

    def __str__(self) -> str:
        return f"request {self.pk} ({self.kind}, {self.state})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def days_left(self) -> int:
        return (clock.local(self.due_at).date() - clock.today()).days

    def closed_at(self) -> dt.datetime | None:
        """When the request was answered, or closed otherwise (withdrawn): the last event."""
        if self.answered_at is not None:
            return self.answered_at
        last = self.events.order_by("-at", "-pk").first()
        return last.at if last else None

    def timeliness(self) -> str:
        """The clock in words: days left while open; once closed, when it was answered
        against the due date (the law counts days, so the dates are compared)."""
        if self.is_open:
            left = self.days_left()
            return f"{left}일 남음" if left >= 0 else f"{-left}일 지남"
        closed = self.closed_at()
        if closed is None:
            return "종결"
        on = clock.local(closed).date()
        if self.state == State.WITHDRAWN:
            return f"요구 철회로 종결 ({on:%Y-%m-%d})"
        late = (on - clock.local(self.due_at).date()).days
        if late <= 0:
            return f"기한 내 답변 ({on:%Y-%m-%d})"
        return f"기한보다 {late}일 늦게 답변 ({on:%Y-%m-%d})"


class Event(models.Model):
    """Every transition with its actor: the request's own history."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=clock.now)
    actor_name = models.CharField(max_length=60)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_state}->{self.to_state}"

    # How the history reads: the states' and channels' Korean names, never their codes.
    @property
    def from_label(self) -> str:
        return _state_label(self.from_state)

    @property
    def to_label(self) -> str:
        return _state_label(self.to_state)

    @property
    def moved(self) -> bool:
        return bool(self.from_state) and self.from_state != self.to_state

    @property
    def actor_label(self) -> str:
        return SYSTEM_LABEL if self.actor_name in ("", "system") else self.actor_name

    @property
    def note_label(self) -> str:
        # The first event of older requests noted the channel's code.
        return _channel_label(self.note) if self.note in Channel.values else self.note


SYSTEM_LABEL = "시스템"


def _state_label(code: str) -> str:
    return str(State(code).label) if code in State.values else code


def _channel_label(code: str) -> str:
    return str(Channel(code).label) if code in Channel.values else code


class DocumentKind(models.TextChoices):
    POWER_OF_ATTORNEY = "power_of_attorney", "위임장"
    SEAL_CERTIFICATE = "seal_certificate", "본인 인감증명서"
    AGENT_ID = "agent_id", "대리인 신분증"
    FAMILY_RELATION = "family_relation", "가족관계증명서 (법정대리인)"


class AgentDocument(models.Model):
    """An agent's proof of mandate: sealed under the request's key, kept with the request
    under its retention rule."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=30, choices=DocumentKind.choices)
    filename = models.CharField(max_length=200, blank=True)
    content = PersonalDataField(
        "문서", category="rights.agent_document", subject_field="request_subject"
    )
    request_subject = models.CharField(max_length=40)
    uploaded_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return f"{self.kind} for {self.request_id}"


class Frozen(models.Model):
    """A subject whose data is neither used nor provided (C6-03): while a correction or
    deletion is pending, while processing is suspended, and — once a deletion was answered —
    while a hold keeps what it asked to delete, until that is destroyed."""

    subject = models.CharField(max_length=40, db_index=True)
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="freezes")
    since = models.DateTimeField(default=clock.now)
    # The request was a deletion that a hold kept from being done: the data stays frozen
    # after the answer and is destroyed by the first sweep after the hold ends
    # (jikim.rights.retention_sources).
    until_destroyed = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subject", "request"], name="one_freeze_per_request")
        ]

    def __str__(self) -> str:
        return f"frozen {self.subject}"


class ContactDigest(models.Model):
    """The keyed digest, in the seller's complaint-phone blind index, of a phone the
    person was found by (never the number): how the request reaches the person's CS cases
    at that seller — its freeze covers cases opened while it stands (C6-03), its access
    package lists them (C6-01). Deleted when the request's freeze ends
    (jikim.rights.complaints)."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="contacts")
    tenant_id = models.BigIntegerField()
    digest = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["tenant_id", "digest"], name="rights_contact_digest")]

    def __str__(self) -> str:
        return f"contact digest of request {self.request_id}"
