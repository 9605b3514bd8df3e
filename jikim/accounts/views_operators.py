"""The operator's staff (/console/operators/): who holds which operator role, and granting,
changing or taking one away (C9-02, C9-06). The privacy officer's and the system
administrator's; every change is in the permission-change log."""

from __future__ import annotations

from allauth.mfa.utils import is_mfa_enabled
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy

from jikim.accounts import actions
from jikim.accounts.models import Member
from jikim.accounts.roles import OperatorRole, operator_role_allows

# The form's value for "no operator role" (an empty choice would read as not chosen).
NO_ROLE = "none"


class OperatorRoleForm(forms.Form):
    login_id = forms.CharField(label=gettext_lazy("로그인ID"), max_length=150)
    role = forms.ChoiceField(
        label=gettext_lazy("역할"),
        choices=[*OperatorRole.choices, (NO_ROLE, gettext_lazy("역할 회수"))],
    )
    reason = forms.CharField(label=gettext_lazy("사유"), max_length=200)

    def clean_login_id(self) -> Member:
        login_id = self.cleaned_data["login_id"].strip()
        member = Member.objects.filter(login_id=login_id, withdrawn_at__isnull=True).first()
        if member is None:
            raise ValidationError(gettext_lazy("그런 로그인ID의 회원이 없습니다."))
        return member


def console_operators(request: HttpRequest) -> HttpResponse:
    if not operator_role_allows(getattr(request.user, "operator_role", ""), "manage_operators"):
        raise PermissionDenied
    form = OperatorRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["login_id"]
        try:
            actions.do_set_operator_role(
                request.user,  # type: ignore[arg-type]
                target,
                "" if form.cleaned_data["role"] == NO_ROLE else form.cleaned_data["role"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{target.login_id}의 운영자 역할을 바꿨습니다.")
            return redirect("console_operators")
    operators = Member.objects.exclude(operator_role="").order_by("operator_role", "login_id")
    return render(
        request,
        "accounts/operators.html",
        {
            "form": form,
            # The console admits an operator only with TOTP: one without it cannot work yet.
            "operators": [(m, is_mfa_enabled(m, ["totp"])) for m in operators],
        },
    )
