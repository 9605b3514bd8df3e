from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jikim.accounts"
    label = "accounts"
    verbose_name = "회원·판매자"

    def ready(self) -> None:
        from jikim.accounts import signals  # noqa: F401
        from jikim.accounts.consents import member_consented
        from jikim.vault import access

        access.consent_checkers.append(member_consented)
