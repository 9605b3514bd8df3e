"""Member-facing forms. Labels and errors in Korean; each error names what is wrong."""

from __future__ import annotations

import re
from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jikim.accounts import actions
from jikim.accounts.models import Invitation, Member
from jikim.accounts.roles import TenantRole
from jikim.policy import document

INVITATION_SESSION_KEY = "jikim_invitation"
_PHONE_NOISE = re.compile(r"[\s\-().]")


def clean_phone_number(value: str, label: str) -> str:
    digits = _PHONE_NOISE.sub("", value or "")
    if digits.startswith("+82"):
        digits = "0" + digits[3:]
    if not digits:
        raise forms.ValidationError(
            _("%(label)s를 입력하세요.") % {"label": label}, code="required"
        )
    if not digits.isdigit():
        raise forms.ValidationError(
            _("%(label)s에는 숫자와 하이픈만 쓸 수 있습니다.") % {"label": label}, code="digits"
        )
    if not (8 <= len(digits) <= 12) or not (
        digits.startswith("0") or digits[:2] in {"15", "16", "18"}
    ):
        raise forms.ValidationError(
            _("%(label)s 형식이 올바르지 않습니다. 예: 010-1234-5678, 02-123-4567")
            % {"label": label},
            code="format",
        )
    return digits


class LoginForm(AllauthLoginForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("로그인ID")
        self.fields["login"].widget.attrs.update({"placeholder": _("로그인ID")})
        self.fields["password"].label = _("비밀번호")
        self.fields["password"].widget.attrs.update({"placeholder": _("비밀번호")})


class SignupForm(AllauthSignupForm):
    """Asks exactly the sign-up items of the policy (C2-01) plus the required consent."""

    company_name = forms.CharField(label=gettext_lazy("회사명"), max_length=100)
    company_phone = forms.CharField(label=gettext_lazy("회사전화번호"), max_length=20)
    mobile = forms.CharField(label=gettext_lazy("휴대전화번호"), max_length=20)
    consent = forms.BooleanField(
        label=gettext_lazy("개인정보 수집 및 이용에 동의합니다 (필수)"),
        required=True,
        error_messages={
            "required": gettext_lazy("개인정보 수집 및 이용에 동의해야 가입할 수 있습니다.")
        },
    )

    field_order = ["username", "password1", "email", "company_name", "company_phone", "mobile"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = {item.field: item.label for item in document.current().signup_items}
        # The labels are the policy's own words. The catalogue holds the same words (the
        # login and profile forms use them), so a reader of another language sees them
        # translated, and a label the policy changes shows as written until translated.
        self.fields["username"].label = _(labels["login_id"])
        self.fields["username"].help_text = _("영문 소문자·숫자·밑줄, 4자 이상")
        self.fields["password1"].label = _(labels["password"])
        self.fields["email"].label = _(labels["email"])
        self.fields["email"].help_text = _("가입 확인 메일을 보내 드립니다.")
        for name in ("username", "password1", "email"):
            self.fields[name].widget.attrs.pop("placeholder", None)
        self.fields["email"].error_messages["invalid"] = _("올바른 이메일 주소를 입력하세요.")
        self.consent_text = document.current().signup_consent

    def clean_company_phone(self) -> str:
        return clean_phone_number(self.cleaned_data.get("company_phone", ""), _("회사전화번호"))

    def clean_mobile(self) -> str:
        digits = clean_phone_number(self.cleaned_data.get("mobile", ""), _("휴대전화번호"))
        if not re.fullmatch(r"01[016789]\d{7,8}", digits):
            raise forms.ValidationError(
                _("휴대전화번호 형식이 올바르지 않습니다. 예: 010-1234-5678"), code="format"
            )
        return digits

    def save(self, request: HttpRequest) -> Member:
        with transaction.atomic():
            return super().save(request)  # type: ignore[no-any-return]

    def custom_signup(self, request: HttpRequest, user: Any) -> None:
        user.company_name = self.cleaned_data["company_name"]
        user.company_phone = self.cleaned_data["company_phone"]
        user.mobile = self.cleaned_data["mobile"]
        user.save(update_fields=["company_name", "company_phone", "mobile"])
        invitation = None
        token = request.session.pop(INVITATION_SESSION_KEY, None)
        if token:
            invitation = Invitation.objects.filter(token=token).first()
        actions.do_complete_signup(
            user, company_name=self.cleaned_data["company_name"], invitation=invitation
        )


class ProfileForm(forms.Form):
    company_name = forms.CharField(label=gettext_lazy("회사명"), max_length=100)
    company_phone = forms.CharField(label=gettext_lazy("회사전화번호"), max_length=20)
    mobile = forms.CharField(label=gettext_lazy("휴대전화번호"), max_length=20)

    def clean_company_phone(self) -> str:
        return clean_phone_number(self.cleaned_data.get("company_phone", ""), _("회사전화번호"))

    def clean_mobile(self) -> str:
        return clean_phone_number(self.cleaned_data.get("mobile", ""), _("휴대전화번호"))


class WithdrawForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("비밀번호 확인"), widget=forms.PasswordInput, strip=False
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "탈퇴하면 즉시 로그인할 수 없으며, "
            "회원정보는 관련 규정에 따라 1년 보관 후 파기됨을 확인했습니다."
        ),
        error_messages={"required": gettext_lazy("탈퇴 안내를 확인해 주세요.")},
    )

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member = member

    def clean_password(self) -> str:
        password = self.cleaned_data.get("password", "")
        if not authenticate(username=self.member.login_id, password=password):
            raise forms.ValidationError(_("비밀번호가 일치하지 않습니다."), code="wrong_password")
        return password


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("이메일"),
        error_messages={"invalid": gettext_lazy("올바른 이메일 주소를 입력하세요.")},
    )
    role = forms.ChoiceField(label=gettext_lazy("역할"), choices=[])

    def __init__(self, *args: Any, roles: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(r, TenantRole(r).label) for r in roles]
        # The least a new member can start with: raising a role is one click, an owner
        # invited by mistake is not.
        role_field.initial = TenantRole.VIEWER
        self.fields["role"].error_messages["invalid_choice"] = _("선택할 수 없는 역할입니다.")


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("역할"), choices=[])

    def __init__(self, *args: Any, roles: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(r, TenantRole(r).label) for r in roles]
        self.fields["role"].error_messages["invalid_choice"] = _("선택할 수 없는 역할입니다.")
