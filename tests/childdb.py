"""The test databases as URLs, for tests that run jikim in a child process (crash tests)."""

from __future__ import annotations

from django.db import connections


def database_url(alias: str) -> str:
    settings = connections[alias].settings_dict
    if settings["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings['NAME']}"
    host, port, user = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432, settings["USER"]
    return f"postgres://{user}@{host}:{port}/{settings['NAME']}"
