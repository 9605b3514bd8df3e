from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "jikim.vault"
    label = "vault"
    verbose_name = "개인정보 금고"

    def ready(self) -> None:
        from jikim.vault import checks  # noqa: F401
