"""Complaint cases (민원) with their contact log and history, consultations and their
recordings. Personal data lives only in vault fields; the audio itself lives on the
recordings storage, sealed under each recording's own data key (see recordings.py)."""

from __future__ import annotations

from django.db import models

from jikim import clock
from jikim.accounts.models import Member, Tenant
from jikim.shipping.models import Order
from jikim.vault.fields import PersonalDataField, SubjectField


class CaseKind(models.TextChoices):
    MEMBER = "member", "회원 민원"  # a member's complaint to the operator (C1-02)
    SELLER = "seller", "판매자 CS"  # a seller's customer about one of its orders


class CaseStatus(models.TextChoices):
    RECEIVED = "received", "접수"
    INVESTIGATING = "investigating", "조사 중"
    ANSWERED = "answered", "답변 완료"
    CLOSED = "closed", "종결"


# The only ways a case moves. Answering needs the result text (actions.do_answer), so it
# is not a plain transition; "answered → investigating" reopens a case the complainant
# did not accept. A closed case stays closed: its 3-year clock has started (C4-07).
TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.RECEIVED: frozenset({CaseStatus.INVESTIGATING}),
    CaseStatus.INVESTIGATING: frozenset({CaseStatus.ANSWERED}),
    CaseStatus.ANSWERED: frozenset({CaseStatus.INVESTIGATING, CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset(),
}

# Cases the desk still has to act on: an answered case waits on the complainant.
OPEN_STATUSES: frozenset[str] = frozenset({CaseStatus.RECEIVED, CaseStatus.INVESTIGATING})
OPEN_FILTER = "open"  # the case list's status filter for them


class Channel(models.TextChoices):
    """How the complaint arrived (the channels of the policy's §3 ①)."""

    WEB = "web", "홈페이지"
    PHONE = "phone", "전화"
    EMAIL = "email", "이메일"
    FAX = "fax", "팩스"
    MAIL = "mail", "우편"
    MARKETPLACE = "marketplace", "판매처 문의"
    OTHER = "other", "기타"


class IdentityMethod(models.TextChoices):
    """How the complainant's identity was confirmed (C1-02: 민원인의 신원 확인)."""

    LOGIN = "login", "로그인한 회원 본인"
    MEMBER_CHECKED = "member_checked", "담당자가 회원 계정과 대조해 확인"
    ORDER_RECIPIENT = "order_recipient", "주문의 수취인 본인으로 확인"
    STAFF_CHECKED = "staff_checked", "담당자가 연락처로 본인 확인"


class DisputeKind(models.TextChoices):
    COMPLAINT = "complaint", "민원 분쟁"
    MEDIATION = "mediation", "분쟁조정 신청"
    LAWSUIT = "lawsuit", "소송"


class NotifyState(models.TextChoices):
    """Where telling the complainant the result stands (C1-02: 처리결과 통보)."""

    QUEUED = "queued", "이메일 발송 대기"
    SENT = "sent", "이메일 발송"
    NO_ADDRESS = "no_address", "보내지 않음 (이메일 주소 없음)"
    FAILED = "failed", "이메일 발송 실패"
    WITHHELD = "withheld", "보내지 않음 (처리 보류)"
    PHONE = "phone", "전화로 안내"


class Case(models.Model):
    kind = models.CharField("구분", max_length=10, choices=CaseKind.choices)
    # A seller's CS case belongs to its tenant; a member's complaint to the operator has none.
    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, null=True, blank=True, related_name="cases"
    )
    subject = SubjectField(prefix="c")
    # The case's number at its desk (a seller's own, or the operator's), counted from 1:
    # a number shared by every desk would show each seller the others' activity.
    seq = models.PositiveIntegerField("민원 번호", null=True, editable=False)
    title = models.CharField("제목", max_length=120)
    channel = models.CharField("접수 경로", max_length=20, choices=Channel.choices)
    complainant_member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="complaints"
    )
    order = models.ForeignKey(
        Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    complainant_name = PersonalDataField("민원인 이름", category="complaint.name")
    # Indexed (a keyed digest per seller, never the number): a data subject's request finds
    # the person's CS cases at the seller by the phone they were found by, so its freeze
    # and its access package reach them (C6-01, C6-03; jikim.rights.complaints).
    contact_phone = PersonalDataField(
        "연락처", category="complaint.phone", blind_indexes=("phone",)
    )
    contact_email = PersonalDataField("이메일", category="complaint.email")
    body = PersonalDataField("민원 내용", category="complaint.text")
    answer = PersonalDataField("처리 결과", category="complaint.text")
    identity_method = models.CharField(
        "신원 확인 방법", max_length=20, choices=IdentityMethod.choices
    )
    identity_confirmed_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    identity_confirmed_at = models.DateTimeField("신원 확인 일시")

    status = models.CharField(
        "상태", max_length=20, choices=CaseStatus.choices, default=CaseStatus.RECEIVED
    )
    received_at = models.DateTimeField("접수 일시", default=clock.now)
    received_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField("답변 일시", null=True, blank=True)
    closed_at = models.DateTimeField("종결 일시", null=True, blank=True)
    notified_at = models.DateTimeField("결과 통지 일시", null=True, blank=True)
    notify_state = models.CharField(
        "결과 통지 상태", max_length=12, choices=NotifyState.choices, blank=True
    )

    dispute_kind = models.CharField(
        "분쟁 구분", max_length=20, choices=DisputeKind.choices, blank=True
    )
    dispute_note = models.CharField("분쟁 내용", max_length=200, blank=True)
    disputed_at = models.DateTimeField("분쟁 등록 일시", null=True, blank=True)
    dispute_resolved_at = models.DateTimeField("분쟁 해결 일시", null=True, blank=True)

    # Set by the retention sweep 3 years after closing (C4-07): the row stays as a count,
    # its personal data is gone (key shredded, sealed fields emptied, contact notes deleted).
    destroyed_at = models.DateTimeField("파기 일시", null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "status"], name="cases_by_tenant_status"),
            models.Index(fields=["status", "closed_at"], name="cases_by_closing"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "seq"], name="one_case_number_per_seller"),
            models.UniqueConstraint(
                fields=["seq"],
                condition=models.Q(tenant__isnull=True),
                name="one_operator_case_number",
            ),
        ]

    def __str__(self) -> str:
        return f"case {self.pk} ({self.status})"

    @property
    def number(self) -> str:
        return f"#{self.seq or self.pk}"

    @property
    def in_dispute(self) -> bool:
        return self.disputed_at is not None and self.dispute_resolved_at is None

    @property
    def hold_reference(self) -> str:
        return f"case:{self.pk}"

    def allowed_next(self) -> frozenset[str]:
        return TRANSITIONS[CaseStatus(self.status)]


class CaseEvent(models.Model):
    """The case's history: who moved it, when, from what to what. No personal data."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=clock.now)
    actor = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_name = models.CharField(max_length=60)
    kind = models.CharField(max_length=30)
    before = models.CharField(max_length=20, blank=True)
    after = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} of case {self.case_id}"

    @property
    def summary(self) -> str:
        """The event in Korean, for the case's history."""
        text = EVENT_LABELS.get(self.kind, self.kind)
        if self.before or self.after:
            text += f" ({_label(self.before) or '-'} → {_label(self.after) or '-'})"
        return text


EVENT_LABELS = {
    "received": "접수",
    "status": "상태 변경",
    "dispute": "분쟁 등록",
    "dispute_resolved": "분쟁 해결",
    "notified_phone": "결과를 전화로 안내함",
}


def _label(code: str) -> str:
    for choices in (CaseStatus, DisputeKind):
        if code in choices.values:
            return str(choices(code).label)
    return code


class ContactKind(models.TextChoices):
    CALL_OUT = "call_out", "전화 발신"
    CALL_IN = "call_in", "전화 수신"
    EMAIL_OUT = "email_out", "이메일 발신"
    EMAIL_IN = "email_in", "이메일 수신"
    SMS = "sms", "문자"
    OTHER = "other", "기타"


class ContactLog(models.Model):
    """One contact with the complainant for fact-finding (C1-02). The note is sealed under
    the case's own key, so it dies with the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    subject = models.CharField(max_length=40, db_index=True, editable=False)  # = case.subject
    kind = models.CharField("방법", max_length=20, choices=ContactKind.choices)
    at = models.DateTimeField("연락 일시")
    staff = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    staff_name = models.CharField("담당자", max_length=60)
    note = PersonalDataField("내용", category="complaint.text")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"contact {self.pk} of case {self.case_id}"


class NoticeMethod(models.TextChoices):
    ARS = "ars", "자동 안내(ARS)"
    AGENT = "agent", "상담원 구두 안내"


class Consultation(models.Model):
    """One call. A recording may be attached only when the caller was told beforehand
    that the call is recorded (C2-03): `notice_given` with its text and time."""

    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, null=True, blank=True, related_name="consultations"
    )
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="consultations"
    )
    staff = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    staff_name = models.CharField("상담원", max_length=60)
    topic = models.CharField("상담 주제", max_length=120)
    started_at = models.DateTimeField("상담 시작")
    ended_at = models.DateTimeField("상담 종료", null=True, blank=True)
    notice_given = models.BooleanField("녹음 사전 고지")
    notice_method = models.CharField(
        "고지 방법", max_length=10, choices=NoticeMethod.choices, blank=True
    )
    notice_text = models.TextField("고지 문구", blank=True)
    notice_at = models.DateTimeField("고지 일시", null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        indexes = [models.Index(fields=["tenant", "started_at"], name="consultations_by_tenant")]

    def __str__(self) -> str:
        return f"consultation {self.pk}"


class AudioFormat(models.TextChoices):
    WAV = "wav", "WAV"
    MP3 = "mp3", "MP3"
    M4A = "m4a", "M4A"
    OGG = "ogg", "OGG"


class Recording(models.Model):
    """A call recording: metadata only. The bytes are on the recordings storage (never in
    this database), AES-GCM-sealed under the recording's own data key (`subject`)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="recordings"
    )
    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subject = SubjectField(prefix="v")
    # The uploaded file's name is not kept: people name recordings after the caller.
    storage_name = models.CharField(max_length=200, blank=True)
    format = models.CharField(max_length=5, choices=AudioFormat.choices)
    size = models.PositiveBigIntegerField()  # plaintext bytes
    chunk_size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=clock.now)
    uploaded_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    destroyed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recording {self.pk}"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


CONTENT_TYPES = {"wav": "audio/wav", "mp3": "audio/mpeg", "m4a": "audio/mp4", "ogg": "audio/ogg"}
