"""Deployment checks of the web server's surroundings.

In production the pages name their stylesheet and scripts by the content hashes `jikim
collectstatic` records in STATIC_ROOT. Without that manifest every page would fail to draw,
so `jikim check --deploy` says so before a server is started, and so does jikim/wsgi.py when
one is. And allauth's rate limits (sign-in, sign-up, password-reset mails) count in Django's
cache, which must be one every worker process sees (ours count in the database)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core import checks
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

MISSING = (
    "the static files are not collected: run `jikim collectstatic --noinput` "
    "(after every install or upgrade) before serving"
)


def static_files_missing() -> bool:
    storage: Any = staticfiles_storage
    return isinstance(storage, ManifestFilesMixin) and storage.read_manifest() is None


@checks.register(checks.Tags.staticfiles, deploy=True)
def check_static_files(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if not static_files_missing():
        return []
    return [checks.Error(MISSING, hint=f"STATIC_ROOT is {settings.STATIC_ROOT}", id="web.E001")]


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_cache(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if settings.DEBUG or not isinstance(caches["default"], LocMemCache):
        return []
    return [
        checks.Warning(
            "allauth's rate limits count in each worker process's own memory, so each "
            "process allows the whole limit",
            hint="Unset JIKIM_CACHE_URL (the database's cache table) or point it at Redis.",
            id="web.W001",
        )
    ]
