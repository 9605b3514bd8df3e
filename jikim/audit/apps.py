from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "jikim.audit"
    label = "audit"
    verbose_name = "접속기록"
