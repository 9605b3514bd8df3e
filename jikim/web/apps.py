from typing import Any

from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def _create_cache_table(using: str, **kwargs: Any) -> None:
    # The database cache's table is not a model: made (if missing) whenever the database is
    # migrated, so that switching JIKIM_CACHE_URL to it needs no step of its own.
    call_command("createcachetable", database=using, verbosity=0)


class WebConfig(AppConfig):
    name = "jikim.web"
    label = "web"
    verbose_name = "화면"

    def ready(self) -> None:
        from jikim.web import checks  # noqa: F401  (registers the deployment checks)

        post_migrate.connect(_create_cache_table, sender=self)
