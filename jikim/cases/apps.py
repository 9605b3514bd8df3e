from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "jikim.cases"
    label = "cases"
    verbose_name = "민원·상담 녹음"

    def ready(self) -> None:
        from jikim.cases import checks, retention_sources

        assert checks  # imported to register the storage check
        retention_sources.register()
