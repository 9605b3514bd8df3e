"""Forms of the billing pages. None of them has a field for card data: card numbers are
typed into the gateway's own window and never reach jikim (C5-02)."""

from __future__ import annotations

import re

from django import forms

from jikim import clock
from jikim.billing.models import Plan

_PHONE = re.compile(r"^0\d{8,10}$")


def _phone(value: str) -> str:
    compact = re.sub(r"[\s-]", "", value or "")
    if not _PHONE.match(compact):
        raise forms.ValidationError("전화번호는 010-1234-5678처럼 숫자로 입력하세요.")
    return compact


class PlanChoiceForm(forms.Form):
    plan = forms.ModelChoiceField(
        label="요금제",
        queryset=Plan.objects.filter(active=True),
        error_messages={
            "required": "요금제를 선택하세요.",
            "invalid_choice": "요금제를 선택하세요.",
        },
    )


class PayerForm(forms.Form):
    """Who pays by card: handed to Inicis for its payment window and receipt."""

    payer_name = forms.CharField(
        label="결제자 이름",
        max_length=30,
        error_messages={
            "required": "결제자 이름을 입력하세요.",
            "max_length": "30자 이내로 입력하세요.",
        },
    )
    payer_phone = forms.CharField(
        label="결제자 휴대전화번호",
        max_length=20,
        error_messages={"required": "결제자 전화번호를 입력하세요."},
    )

    def clean_payer_phone(self) -> str:
        return _phone(self.cleaned_data["payer_phone"])


class BankTransferForm(forms.Form):
    amount = forms.IntegerField(
        label="입금액(원)",
        min_value=1,
        error_messages={
            "required": "입금액을 입력하세요.",
            "invalid": "입금액은 숫자(원)로 입력하세요.",
            "min_value": "입금액은 1원 이상이어야 합니다.",
        },
    )
    paid_at = forms.DateTimeField(
        label="입금일시",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        error_messages={
            "required": "입금일시를 입력하세요.",
            "invalid": "입금일시는 2026-11-05 14:30 형식으로 입력하세요.",
        },
    )
    depositor_name = forms.CharField(
        label="입금자명(통장 표시)",
        max_length=60,
        error_messages={"required": "통장에 찍힌 입금자명을 입력하세요."},
    )
    payer_phone = forms.CharField(label="연락처(선택)", max_length=20, required=False)
    reference = forms.CharField(label="은행 거래 참조번호(선택)", max_length=60, required=False)
    excess_confirmed = forms.BooleanField(
        label="초과 입금 확인: 남은 청구액보다 많이 들어온 돈을 그대로 수납하고 초과분은 환불할 "
        "금액으로 기록",
        required=False,
    )

    def clean_payer_phone(self) -> str:
        value = self.cleaned_data.get("payer_phone", "")
        return _phone(value) if value else ""

    def as_result(self) -> dict[str, str]:
        data = self.cleaned_data
        paid_at = data["paid_at"]
        if paid_at.tzinfo is None:
            paid_at = paid_at.replace(tzinfo=clock.SEOUL)
        return {
            "amount": str(data["amount"]),
            "paid_at": paid_at.isoformat(),
            "depositor_name": data["depositor_name"],
            "payer_name": "",  # a bank statement shows only the depositor's name
            "payer_phone": data["payer_phone"],
            "reference": data["reference"],
            "excess_confirmed": "1" if data["excess_confirmed"] else "",
        }


class RefundForm(forms.Form):
    amount = forms.IntegerField(
        label="환불액(원)",
        min_value=1,
        error_messages={
            "required": "환불액을 입력하세요.",
            "invalid": "환불액은 숫자(원)로 입력하세요.",
            "min_value": "환불액은 1원 이상이어야 합니다.",
        },
    )
    reason = forms.CharField(
        label="환불 사유 (개인정보는 적지 마세요)",
        max_length=200,
        error_messages={"required": "환불 사유를 입력하세요."},
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="사유",
        max_length=200,
        error_messages={"required": "사유를 입력하세요.", "max_length": "200자 이내로 입력하세요."},
    )


class MonthForm(forms.Form):
    month = forms.CharField(
        label="이용월 (YYYY-MM)",
        max_length=7,
        error_messages={"required": "이용월을 입력하세요."},
    )


class PlanForm(forms.Form):
    name = forms.CharField(
        label="요금제 이름", max_length=60, error_messages={"required": "이름을 입력하세요."}
    )
    monthly_price = forms.IntegerField(
        label="월 이용료(공급가액, 원)",
        min_value=0,
        max_value=100_000_000,
        error_messages={
            "required": "월 이용료를 입력하세요.",
            "invalid": "월 이용료는 숫자(원)로 입력하세요.",
            "min_value": "0원 이상이어야 합니다.",
            "max_value": "1억 원 이하여야 합니다.",
        },
    )


def first_error(form: forms.Form) -> str:
    for errors in form.errors.values():
        for error in errors:
            return str(error)
    return "입력값을 확인하세요."
