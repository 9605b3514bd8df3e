from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "jikim.backups"
    label = "backups"
    verbose_name = "백업·복원"
