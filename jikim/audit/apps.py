from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "jikim.audit"
    label = "audit"
    verbose_name = "접속기록"

    def ready(self) -> None:
        from jikim.audit import checks  # noqa: F401
