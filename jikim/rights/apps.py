from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "jikim.rights"
    label = "rights"
    verbose_name = "정보주체 권리 요구"

    def ready(self) -> None:
        from jikim.rights import freeze, retention_sources

        freeze.connect()
        retention_sources.register()
