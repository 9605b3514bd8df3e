from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "jikim.cases"
    label = "cases"
    verbose_name = "민원·상담 녹음"

    def ready(self) -> None:
        from jikim.cases import checks  # noqa: F401  (registers the storage check)
