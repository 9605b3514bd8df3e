"""The officer's forms. Validation of the law's conditions lives in the actions; these only
turn typed text into values, with Korean messages."""

from __future__ import annotations

from typing import Any

from django import forms

from jikim.disclosures import subjects as subject_ids
from jikim.disclosures.models import Authority, Basis
from jikim.policy import datamap

WHEN_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _required(label: str) -> dict[str, str]:
    return {"required": f"{label}을(를) 입력하세요.", "max_length": f"{label}이(가) 너무 깁니다."}


def _when(label: str, required: bool = False) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=WHEN_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": f"{label}를 입력하세요.",
            "invalid": f"{label}는 2026-11-30 14:00 형식으로 입력하세요.",
        },
    )


# Whose data a category is, as the officer reads it: the data map's ids group them.
_OWNERS = {
    "member": "회원",
    "recipient": "판매자의 배송 데이터",
    "upload": "판매자의 배송 데이터",
    "access": "서비스 이용기록",
    "rights": "정보주체 요구",
    "complaint": "민원",
    "consultation": "상담",
    "payment": "결제",
    "inquirer": "개인정보 문의",
    "cookie_visitor": "방문 분석",
}


def _item_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The data map's categories grouped by whose data they are, in Korean only."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for category in datamap.current().categories.values():
        owner = _OWNERS.get(category.id.split(".", 1)[0], "기타")
        groups.setdefault(owner, []).append((category.id, category.label))
    return list(groups.items())


class _ItemsForm(forms.Form):
    items = forms.MultipleChoiceField(
        label="개인정보 항목",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "개인정보 항목을 하나 이상 고르세요.",
            "invalid_choice": "데이터 맵에 없는 항목입니다.",
        },
    )
    subjects = forms.CharField(
        label="정보주체 ID (가명 ID, 줄바꿈·쉼표로 구분)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = _item_choices()  # type: ignore[attr-defined]

    def clean_subjects(self) -> list[str]:
        return subject_ids.parse(self.cleaned_data.get("subjects") or "")


class ProvisionForm(_ItemsForm):
    basis = forms.ChoiceField(
        label="제공 근거",
        choices=Basis.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "제공 근거를 고르세요.",
            "invalid_choice": "제공 근거를 고르세요.",
        },
    )
    recipient = forms.CharField(
        label="제공받는 자", max_length=200, error_messages=_required("제공받는 자")
    )
    purpose = forms.CharField(
        label="제공받는 자의 이용 목적", max_length=200, error_messages=_required("이용 목적")
    )
    provided_at = _when("제공 일시 (비우면 지금)")
    method = forms.CharField(
        label="제공 방법 (예: 암호화 전자파일)", max_length=100, required=False
    )
    requesting_body = forms.CharField(
        label="요구 기관 (법령에 따른 요구)", max_length=200, required=False
    )
    document_number = forms.CharField(
        label="문서 번호 (영장·공문 번호)", max_length=100, required=False
    )
    legal_basis = forms.CharField(
        label="법적 근거 (예: 형사소송법 제215조)", max_length=200, required=False
    )
    note = forms.CharField(
        label="비고", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    field_order = [
        "basis",
        "recipient",
        "purpose",
        "items",
        "subjects",
        "provided_at",
        "method",
        "requesting_body",
        "document_number",
        "legal_basis",
        "note",
    ]

    def action_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class IncidentForm(_ItemsForm):
    title = forms.CharField(
        label="사고 제목", max_length=200, error_messages=_required("사고 제목")
    )
    discovered_at = _when("인지 일시 (72시간 기한의 기준)", required=True)
    occurred_at = _when("발생 일시 (모르면 비움)")
    description = forms.CharField(
        label="유출 경위",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_required("유출 경위"),
    )
    cause = forms.CharField(label="원인", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    outside_attack = forms.BooleanField(label="외부로부터의 불법적인 접근(해킹 등)", required=False)
    sensitive_data = forms.BooleanField(label="민감정보 포함", required=False)
    affected_count = forms.IntegerField(
        label="영향받은 정보주체 수 (비우면 입력한 ID 수)",
        min_value=1,
        required=False,
        error_messages={"invalid": "숫자를 입력하세요.", "min_value": "1명 이상이어야 합니다."},
    )
    subject_actions = forms.CharField(
        label="피해 최소화를 위해 정보주체가 할 수 있는 방법",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    measures = forms.CharField(
        label="회사의 대응조치 및 피해 구제절차",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    contact = forms.CharField(label="피해 신고 접수 부서 및 연락처", max_length=300, required=False)

    field_order = [
        "title",
        "discovered_at",
        "occurred_at",
        "description",
        "cause",
        "outside_attack",
        "sensitive_data",
        "items",
        "subjects",
        "affected_count",
        "subject_actions",
        "measures",
        "contact",
    ]


class NotifiedForm(forms.Form):
    channel = forms.CharField(
        label="통지 방법 (이메일, 문자, 서면, 홈페이지 게시 등)",
        max_length=200,
        error_messages=_required("통지 방법"),
    )
    notified_at = _when("통지 일시 (비우면 지금)")


class ReportedForm(forms.Form):
    authority = forms.ChoiceField(
        label="신고 기관",
        choices=Authority.choices,
        error_messages={"required": "신고 기관을 고르세요."},
    )
    reference = forms.CharField(label="접수 번호", max_length=100, required=False)
    reported_at = _when("신고 일시 (비우면 지금)")
