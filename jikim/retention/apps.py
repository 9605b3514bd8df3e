from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "jikim.retention"
    label = "retention"
    verbose_name = "보유기간·파기"

    def ready(self) -> None:
        from jikim.retention import checks, watches  # noqa: F401
