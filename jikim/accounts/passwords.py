"""Password rules with Korean messages (C6-06): 10+ characters, letters and digits mixed,
not like the account's own items, not a common password."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any, cast

from django.contrib.auth import password_validation as django_validators
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MinimumLengthValidator:
    def __init__(self, min_length: int = 10) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                _("비밀번호는 %(n)d자 이상이어야 합니다.") % {"n": self.min_length},
                code="password_too_short",
            )

    def get_help_text(self) -> str:
        return _("%(n)d자 이상") % {"n": self.min_length}


class LettersAndDigitsValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
            raise ValidationError(
                _("비밀번호는 영문자와 숫자를 함께 사용해야 합니다."), code="password_not_mixed"
            )

    def get_help_text(self) -> str:
        return _("영문자와 숫자를 함께 사용")


def _address(user: Any) -> str:
    """The account's e-mail address: `user.email` is only its stand-in (accounts.emails)."""
    from jikim.accounts import emails

    value = getattr(user, "email", "") or ""
    if not emails.is_standin(value):
        return value
    typed = emails.typed(value)
    if typed is not None:
        return typed
    if getattr(user, "pk", None) is None:
        return ""
    return emails.opened(user, action="view")["email_address"]


class SimilarToAccountValidator:
    """Refuses passwords that contain or resemble the login ID or the e-mail's local part."""

    def __init__(self) -> None:
        self._similarity = django_validators.UserAttributeSimilarityValidator(
            user_attributes=("login_id", "email"), max_similarity=0.7
        )

    def validate(self, password: str, user: Any = None) -> None:
        if user is None:
            return
        lowered = password.lower()
        items = SimpleNamespace(login_id=getattr(user, "login_id", "") or "", email=_address(user))
        for attribute in ("login_id", "email"):
            value = getattr(items, attribute).lower()
            value = value.split("@")[0]
            if len(value) >= 4 and value in lowered:
                raise ValidationError(
                    _("비밀번호에 로그인ID나 이메일을 포함할 수 없습니다."),
                    code="password_too_similar",
                )
        try:
            # Django reads only these two attributes of the account.
            self._similarity.validate(password, cast(Any, items))
        except ValidationError:
            raise ValidationError(
                _("비밀번호가 로그인ID나 이메일과 너무 비슷합니다."), code="password_too_similar"
            ) from None

    def get_help_text(self) -> str:
        return _("로그인ID·이메일과 다르게")


class CommonPasswordValidator:
    def __init__(self) -> None:
        self._common = django_validators.CommonPasswordValidator()

    def validate(self, password: str, user: Any = None) -> None:
        try:
            self._common.validate(password, user)
        except ValidationError:
            raise ValidationError(
                _("너무 흔한 비밀번호입니다. 다른 비밀번호를 사용하세요."),
                code="password_too_common",
            ) from None
        if re.fullmatch(r"(.)\1+", password) or password.lower() in _SEQUENCES:
            raise ValidationError(
                _("너무 흔한 비밀번호입니다. 다른 비밀번호를 사용하세요."),
                code="password_too_common",
            )

    def get_help_text(self) -> str:
        return _("흔한 비밀번호 사용 불가")


_SEQUENCES = {"1234567890", "0123456789", "qwerty1234", "abcd123456", "asdf123456"}
