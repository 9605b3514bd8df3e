"""Forms of the policy app. Labels and errors in Korean; each error says what is wrong."""

from __future__ import annotations

from typing import Any

from django import forms

from jikim.accounts.forms import clean_phone_number
from jikim.policy.models import AnswerChannel, InquiryKind


class ContactForm(forms.Form):
    """The privacy desk's public form (§10 ②)."""

    kind = forms.ChoiceField(
        label="종류",
        choices=InquiryKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "문의 종류를 선택하세요.",
            "invalid_choice": "선택할 수 없는 종류입니다.",
        },
    )
    name = forms.CharField(
        label="이름", max_length=50, error_messages={"required": "이름을 입력하세요."}
    )
    email = forms.EmailField(
        label="답변 받을 이메일",
        required=False,
        max_length=254,
        error_messages={"invalid": "올바른 이메일 주소를 입력하세요."},
    )
    phone = forms.CharField(label="또는 전화번호", required=False, max_length=20)
    message = forms.CharField(
        label="내용",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "내용을 입력하세요.",
            "max_length": "내용은 4000자 이내로 입력하세요.",
        },
    )
    consent = forms.BooleanField(
        label="위 개인정보 수집·이용에 동의합니다 (필수)",
        error_messages={
            "required": "개인정보 수집·이용에 동의해야 온라인으로 접수할 수 있습니다. "
            "동의하지 않으시면 위의 전화나 이메일로 문의해 주세요."
        },
    )

    def clean_phone(self) -> str:
        value = self.cleaned_data.get("phone", "")
        return clean_phone_number(value, "전화번호") if value.strip() else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("email") and not data.get("phone"):
            raise forms.ValidationError("답변을 받을 이메일 또는 전화번호 중 하나는 입력하세요.")
        return data


class PublishForm(forms.Form):
    version = forms.CharField(
        label="버전 (policy.toml의 [meta] version)",
        max_length=40,
        error_messages={"required": "버전을 입력하세요."},
    )
    effective_date = forms.DateField(
        label="시행일",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "시행일을 입력하세요.",
            "invalid": "날짜 형식이 올바르지 않습니다. 예: 2027-01-01",
        },
    )
    summary = forms.CharField(
        label="주요 변경 내용 (공지에 실립니다)",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "주요 변경 내용을 입력하세요."},
    )
    email_members = forms.BooleanField(label="모든 회원에게 이메일로도 알리기", required=False)


class RevealForm(forms.Form):
    reason = forms.CharField(
        label="열람 사유",
        max_length=200,
        error_messages={"required": "열람 사유를 입력하세요."},
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="답변",
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "답변 내용을 입력하세요."},
    )
    via = forms.ChoiceField(
        label="답변 방법",
        choices=AnswerChannel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "답변 방법을 선택하세요."},
    )
