from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy

login_id_validators = [
    RegexValidator(
        r"^[a-z0-9_]{4,30}\Z",
        message=gettext_lazy("로그인ID는 영문 소문자, 숫자, 밑줄(_)로 4~30자여야 합니다."),
        code="invalid_login_id",
    )
]
