"""Forms of the rights pages. Errors in Korean, each naming what is wrong."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from jikim import clock
from jikim.rights.actions import UNCONFIRMED_BASIS, check_received_on
from jikim.rights.models import AgentType, Channel, DocumentKind, Kind, State

KIND_CHOICES = [(k.value, k.label) for k in Kind]


class MemberRequestForm(forms.Form):
    kind = forms.ChoiceField(label="요구 종류", choices=KIND_CHOICES)
    details = forms.CharField(
        label="요구 내용", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000, required=False
    )


class PublicRequestForm(forms.Form):
    order_no = forms.CharField(
        label="주문번호", max_length=60, error_messages={"required": "주문번호를 입력하세요."}
    )
    phone = forms.CharField(
        label="주문할 때 적은 연락처",
        max_length=20,
        error_messages={"required": "연락처를 입력하세요."},
    )
    kind = forms.ChoiceField(label="요구 종류", choices=KIND_CHOICES[:5])
    name = forms.CharField(
        label="이름", max_length=50, error_messages={"required": "이름을 입력하세요."}
    )
    email = forms.EmailField(
        label="확인 코드를 받을 이메일",
        error_messages={
            "required": "이메일을 입력하세요.",
            "invalid": "올바른 이메일 주소를 입력하세요.",
        },
    )
    details = forms.CharField(
        label="요구 내용 (정정할 내용 등)",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="확인 코드 (6자리)",
        max_length=6,
        min_length=6,
        error_messages={
            "required": "확인 코드를 입력하세요.",
            "min_length": "확인 코드는 6자리입니다.",
        },
    )


class StaffRequestForm(forms.Form):
    channel = forms.ChoiceField(
        label="접수 경로",
        choices=[
            (c.value, c.label)
            for c in Channel
            if c not in (Channel.MEMBER_PAGE, Channel.PUBLIC_PAGE)
        ],
    )
    received_on = forms.DateField(
        label="접수일 (요구서를 받은 날, 답변 기한은 이날부터 셉니다)",
        initial=clock.today,
        required=False,  # left empty: today
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "접수일을 YYYY-MM-DD 형식으로 입력하세요."},
    )
    kind = forms.ChoiceField(label="요구 종류", choices=KIND_CHOICES)
    login_id = forms.CharField(label="회원 로그인ID (회원인 경우)", max_length=30, required=False)
    subject = forms.CharField(label="또는 정보주체 ID", max_length=40, required=False)
    name = forms.CharField(label="요구인 이름", max_length=50)
    contact = forms.CharField(label="요구인 연락처 (이메일 또는 전화)", max_length=100)
    details = forms.CharField(
        label="요구 내용", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000, required=False
    )
    agent_type = forms.ChoiceField(label="대리인 여부", choices=AgentType.choices, required=False)

    def clean_received_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["received_on"] or clock.today()
        check_received_on(day)  # its ValidationError is the form's, in Korean
        return day


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label="서류", choices=DocumentKind.choices)
    file = forms.FileField(
        label="파일 (PDF·이미지, 5MB 이하)", error_messages={"required": "파일을 선택하세요."}
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("파일이 너무 큽니다. 5MB 이하로 올려 주세요.")
        return upload


class NoteForm(forms.Form):
    note = forms.CharField(
        label="확인 내용", max_length=300, error_messages={"required": "확인 내용을 기록하세요."}
    )


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label="처리 결과",
        choices=[(s.value, s.label) for s in (State.DONE, State.PARTLY_DONE, State.REFUSED)],
    )
    answer = forms.CharField(
        label="답변", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000, required=False
    )
    reason = forms.CharField(label="사유 (거절·일부 처리 시)", max_length=300, required=False)
    legal_basis = forms.CharField(
        label="법적 근거 (거절·일부 처리 시)", max_length=200, required=False
    )
    objection_route = forms.CharField(
        label="이의제기 방법 (비우면 기본 안내)", max_length=300, required=False
    )


class CloseUnconfirmedForm(forms.Form):
    reason = forms.CharField(
        label="종결 사유",
        max_length=300,
        error_messages={"required": "종결 사유를 적으세요."},
    )
    legal_basis = forms.CharField(
        label="법적 근거",
        max_length=200,
        initial=UNCONFIRMED_BASIS,
        error_messages={"required": "법적 근거를 적으세요."},
    )
    objection_route = forms.CharField(
        label="이의제기 방법 (비우면 기본 안내)", max_length=300, required=False
    )


class DelayForm(forms.Form):
    reason = forms.CharField(label="연기 사유", max_length=300)
    legal_basis = forms.CharField(label="법적 근거", max_length=200)
    objection_route = forms.CharField(label="이의제기 방법", max_length=300)


class CorrectionForm(forms.Form):
    name = forms.CharField(label="이름", max_length=50, required=False)
    phone1 = forms.CharField(label="연락처1", max_length=20, required=False)
    address_base = forms.CharField(label="기본주소", max_length=200, required=False)
    address_detail = forms.CharField(label="상세주소", max_length=200, required=False)
