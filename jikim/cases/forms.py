"""Forms of the case and consultation pages. They check shape and give Korean errors; the
rules (identity confirmed, allowed transitions, prior notice) are the actions'."""

from __future__ import annotations

from typing import Any

from django import forms

from jikim.cases.freetext import mask_phones
from jikim.cases.models import Channel, ContactKind, DisputeKind, NoticeMethod
from jikim.retention import rules
from jikim.shipping.normalizers.identifiers import mask_identifiers

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
NO_PERSONAL_DATA_HINT = "이름·전화번호 등 개인정보는 쓰지 마세요."


def _required(label: str) -> dict[str, str]:
    return {"required": f"{label}을(를) 입력하세요."}


def default_notice() -> str:
    period = rules.rule("call_recording_6m").period
    return (
        "고객님, 상담 품질 향상을 위하여 지금부터 통화 내용이 녹음됩니다. "
        f"녹음 파일은 상담 종료 후 {period}간 보관한 뒤 파기합니다."
    )


MASKED_IDS = "주민등록번호 등 필요 없는 고유식별정보 {n}건을 가려서 저장했습니다."
MASKED_PHONES = (
    "제목·주제 등에 쓴 전화번호 {n}건을 가려서 저장했습니다. 연락처는 연락처 칸에 입력하세요."
)


class GuardedTextMixin:
    """Free text where people paste resident numbers or card numbers (C6-07): needless
    identifiers are masked before they are stored, and the person is told. `guarded`
    fields are sealed (the body, notes); `plain_guarded` ones are stored and listed in
    clear (titles, topics, dispute notes), so a telephone number is masked there too."""

    guarded: tuple[str, ...] = ()
    plain_guarded: tuple[str, ...] = ()
    masked_identifiers = 0
    masked_phone_numbers = 0

    def _guard(self, data: dict[str, Any]) -> None:
        for name in (*self.guarded, *self.plain_guarded):
            value = data.get(name)
            if value:
                masked, findings = mask_identifiers(value)
                self.masked_identifiers += len(findings)
                if name in self.plain_guarded:
                    masked, phones = mask_phones(masked)
                    self.masked_phone_numbers += phones
                data[name] = masked

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}  # type: ignore[misc]
        self._guard(data)
        return data

    def masking_notices(self) -> list[str]:
        """What the person is told about what was masked."""
        notices = []
        if self.masked_identifiers:
            notices.append(MASKED_IDS.format(n=self.masked_identifiers))
        if self.masked_phone_numbers:
            notices.append(MASKED_PHONES.format(n=self.masked_phone_numbers))
        return notices


class SellerCaseForm(GuardedTextMixin, forms.Form):
    guarded = ("body",)
    plain_guarded = ("title",)
    order_no = forms.CharField(
        label="주문번호 또는 상품주문번호",
        max_length=120,
        help_text="주문번호에 상품주문이 여러 건이면 그중 하나를 고르게 됩니다.",
        error_messages=_required("주문번호"),
    )
    order_line = forms.TypedChoiceField(
        label="상품주문 (수취인은 가려서 표시)",
        choices=[],
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.HiddenInput,
        error_messages={
            "required": "민원에 해당하는 상품주문을 고르세요.",
            "invalid_choice": "민원에 해당하는 상품주문을 목록에서 고르세요.",
        },
    )
    from_recipient = forms.TypedChoiceField(
        label="민원인",
        choices=[("1", "이 주문의 수취인 본인"), ("0", "다른 사람 (이름·연락처 직접 입력)")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
        error_messages={"required": "민원인을 선택하세요."},
    )
    name = forms.CharField(label="민원인 이름", max_length=60, required=False)
    phone = forms.CharField(label="민원인 연락처", max_length=30, required=False)
    email = forms.CharField(label="결과를 받을 이메일 (선택)", max_length=254, required=False)
    channel = forms.ChoiceField(label="접수 경로", choices=Channel.choices, initial=Channel.PHONE)
    title = forms.CharField(
        label="제목",
        max_length=120,
        help_text=NO_PERSONAL_DATA_HINT,
        error_messages=_required("제목"),
    )
    body = forms.CharField(
        label="민원 내용",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages=_required("민원 내용"),
    )
    identity_confirmed = forms.BooleanField(
        label="민원인이 본인임을 확인했습니다 (수취인 이름·연락처 대조 등)", required=False
    )

    def offer_lines(self, lines: list[tuple[int, str]]) -> None:
        """The order number covers several lines: the staff must choose one."""
        field = self.fields["order_line"]
        field.choices = lines  # type: ignore[attr-defined]
        field.required = True
        field.widget = forms.RadioSelect(choices=lines)


class MemberComplaintForm(GuardedTextMixin, forms.Form):
    """Operator CS staff taking a member's complaint by phone, e-mail, fax or mail."""

    guarded = ("body",)
    plain_guarded = ("title",)
    login_id = forms.CharField(
        label="민원인 회원 로그인ID", max_length=30, error_messages=_required("회원 로그인ID")
    )
    channel = forms.ChoiceField(label="접수 경로", choices=Channel.choices, initial=Channel.PHONE)
    contact_phone = forms.CharField(label="연락받을 전화번호 (선택)", max_length=30, required=False)
    contact_email = forms.CharField(
        label="결과를 받을 이메일 (선택, 비우면 회원 이메일)", max_length=254, required=False
    )
    title = forms.CharField(
        label="제목",
        max_length=120,
        help_text=NO_PERSONAL_DATA_HINT,
        error_messages=_required("제목"),
    )
    body = forms.CharField(
        label="민원 내용",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages=_required("민원 내용"),
    )
    identity_confirmed = forms.BooleanField(
        label="민원인이 이 회원 본인임을 확인했습니다 (가입 정보 대조)", required=False
    )


class OwnComplaintForm(GuardedTextMixin, forms.Form):
    """A member's own complaint to the operator."""

    guarded = ("body",)
    plain_guarded = ("title",)
    title = forms.CharField(label="제목", max_length=120, error_messages=_required("제목"))
    body = forms.CharField(
        label="내용",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages=_required("내용"),
    )
    contact_phone = forms.CharField(label="연락받을 전화번호 (선택)", max_length=30, required=False)


class UnmaskForm(forms.Form):
    reason = forms.CharField(
        label="열람 사유",
        max_length=200,
        min_length=2,
        error_messages={
            "required": "가려진 정보를 보려면 사유를 입력하세요.",
            "min_length": "사유를 구체적으로 입력하세요.",
        },
    )


class ContactForm(GuardedTextMixin, forms.Form):
    guarded = ("note",)
    kind = forms.ChoiceField(label="방법", choices=ContactKind.choices)
    at = forms.DateTimeField(
        label="연락 일시 (비우면 지금)",
        required=False,
        widget=DATETIME_INPUT,
        input_formats=DATETIME_FORMATS,
        error_messages={"invalid": "연락 일시를 올바르게 입력하세요."},
    )
    note = forms.CharField(
        label="내용",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=_required("연락 내용"),
    )


class AnswerForm(GuardedTextMixin, forms.Form):
    guarded = ("result",)
    result = forms.CharField(
        label="처리 결과 (이메일 주소가 있으면 민원인에게 이메일로 보냅니다)",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=_required("처리 결과"),
    )


class DisputeForm(GuardedTextMixin, forms.Form):
    plain_guarded = ("note",)
    kind = forms.ChoiceField(label="분쟁 구분", choices=DisputeKind.choices)
    note = forms.CharField(
        label="내용 (사건번호 등)",
        max_length=200,
        required=False,
        help_text=NO_PERSONAL_DATA_HINT,
    )


class ResolveForm(GuardedTextMixin, forms.Form):
    plain_guarded = ("reason",)
    reason = forms.CharField(
        label="해결 내용", max_length=200, error_messages=_required("해결 내용")
    )


class ConsultationForm(GuardedTextMixin, forms.Form):
    plain_guarded = ("topic", "notice_text")
    topic = forms.CharField(
        label="상담 주제",
        max_length=120,
        help_text=NO_PERSONAL_DATA_HINT,
        error_messages=_required("상담 주제"),
    )
    started_at = forms.DateTimeField(
        label="상담 시작",
        widget=DATETIME_INPUT,
        input_formats=DATETIME_FORMATS,
        error_messages={
            "required": "상담 시작 시각을 입력하세요.",
            "invalid": "상담 시작 시각을 올바르게 입력하세요.",
        },
    )
    ended_at = forms.DateTimeField(
        label="상담 종료 (통화가 끝났다면)",
        required=False,
        widget=DATETIME_INPUT,
        input_formats=DATETIME_FORMATS,
        error_messages={"invalid": "상담 종료 시각을 올바르게 입력하세요."},
    )
    notice_given = forms.BooleanField(
        label="통화 전에 녹음 사실을 고객에게 알렸습니다 (녹음 파일을 올리려면 필수)",
        required=False,
    )
    notice_method = forms.ChoiceField(
        label="고지 방법", choices=NoticeMethod.choices, initial=NoticeMethod.ARS, required=False
    )
    notice_text = forms.CharField(
        label="고지 문구", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    case_no = forms.IntegerField(
        label="관련 민원 번호 (선택)",
        required=False,
        min_value=1,
        error_messages={
            "invalid": "민원 번호는 숫자입니다.",
            "min_value": "민원 번호는 1 이상입니다.",
        },
    )


class RecordingUploadForm(forms.Form):
    audio = forms.FileField(
        label="녹음 파일 (WAV, MP3, M4A, OGG)",
        error_messages={"required": "녹음 파일을 선택하세요.", "empty": "빈 파일입니다."},
    )
