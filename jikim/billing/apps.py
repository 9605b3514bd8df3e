from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "jikim.billing"
    label = "billing"
    verbose_name = "요금·결제"

    def ready(self) -> None:
        from jikim.billing import checks  # noqa: F401
