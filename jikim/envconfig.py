"""How jikim/settings.py reads its environment: flags, numbers, lists, rate limits, the
database and cache URLs, and the development secrets made on first start. Pure functions
of the environment, so that the settings module itself only assigns settings."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def integer(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def listed(name: str) -> list[str]:
    """A comma-separated variable's entries, empty ones left out."""
    return [p for p in os.environ.get(name, "").split(",") if p]


def dev_secret_file(path: Path, nbytes: int) -> Path:
    """Development only: a random secret kept in ./var, made on first start."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_hex(nbytes))
        path.chmod(0o600)
    return path


def database(url: str | None, sqlite_file: Path) -> dict[str, Any]:
    if url:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    else:
        sqlite_file.parent.mkdir(parents=True, exist_ok=True)
        config = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(sqlite_file),
            # Tests use a real file too, so that WAL and "grep the database file" are real.
            "TEST": {"NAME": str(sqlite_file.with_name("test_" + sqlite_file.name))},
        }
    if config["ENGINE"].endswith("sqlite3"):
        config["ENGINE"] = "jikim.backends.sqlite3"  # waits for the write lock in short polls
        # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock
        # at BEGIN so concurrent writers queue instead of failing mid-transaction.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return config


def sibling_database_url(
    main_url: str | None, suffix: str = "_keyring", env: str = "JIKIM_KEYRING_DATABASE_URL"
) -> str | None:
    """A database of its own (key ring, separated store): its variable, or beside the main one."""
    explicit = os.environ.get(env)
    if explicit or not main_url:
        return explicit or None
    if main_url.startswith("sqlite"):
        path = Path(main_url.split(":///", 1)[1])
        return f"sqlite:///{path.with_name(path.stem + suffix + path.suffix)}"
    base, _, query = main_url.partition("?")
    return base.rstrip("/") + suffix + (f"?{query}" if query else "")


def rate(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip() or default
    count, _, seconds = value.partition("/")
    if not (count.isdigit() and seconds.isdigit() and int(seconds) > 0):
        raise ImproperlyConfigured(f"{name} must read <count>/<seconds>, e.g. {default}")
    return value


def cache(url: str, *, debug: bool) -> dict[str, Any]:
    """Django's cache, where allauth's rate limits count (ours count in the database,
    jikim.web.ratelimit). Every worker process must see the same counts, or a limit of 5
    becomes 5 per process: in production the main database's cache table (made by
    `jikim migrate`) unless JIKIM_CACHE_URL names Redis."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url == "db" or (not url and not debug):
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "jikim_cache"}
    if url in ("", "locmem"):  # one process (development, tests)
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ImproperlyConfigured("JIKIM_CACHE_URL must be redis://…, rediss://…, db or locmem")
