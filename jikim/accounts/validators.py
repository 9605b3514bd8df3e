from django.core.validators import RegexValidator

login_id_validators = [
    RegexValidator(
        r"^[a-z0-9_]{4,30}\Z",
        message="로그인ID는 영문 소문자, 숫자, 밑줄(_)로 4~30자여야 합니다.",
        code="invalid_login_id",
    )
]
