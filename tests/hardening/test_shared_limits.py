"""In production the rate limits hold across the web server's worker processes: each is its
own Python process, and a count kept in one process's memory would let every worker allow
the whole limit. Two processes run one after the other here, as two workers would serve two
requests; the second must see the first one's count. Our limits count in the database;
allauth's (sign-in, sign-up, password-reset mails) in Django's cache, which production makes
a shared one."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from tests import production

# Three uses of a limit of five, and one count in Django's cache, in a production-mode
# process of its own; prints what each use was told (None: allowed; seconds to wait:
# refused), the cache's kind and the cache's count.
THREE_USES = """
import json, django
django.setup()
from django.core.cache import caches; cache = caches["default"]
from jikim.web import ratelimit
limit = ratelimit.Limit("shared_test", 5, 10 * 365 * 86400)
answers = [ratelimit.hit(limit, "203.0.113.9") for _ in range(3)]
cache.add("shared_test", 0, timeout=3600)
print(json.dumps({
    "answers": answers,
    "cache": type(cache).__name__,
    "cached_count": cache.incr("shared_test"),
}))
"""


def _two_workers(env: dict[str, str]) -> list[dict[str, object]]:
    migrated = production.jikim(env, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    seen = []
    for _ in range(2):
        result = production.python(env, "-c", THREE_USES)
        assert result.returncode == 0, result.stderr
        seen.append(json.loads(result.stdout))
    return seen


def test_limits_and_the_cache_are_shared_by_worker_processes(tmp_path: Path) -> None:
    first, second = _two_workers(production.environment(tmp_path))
    assert first["answers"] == [None, None, None]
    assert second["answers"][:2] == [None, None]
    assert isinstance(second["answers"][2], int)  # the sixth use: refused
    # The cache defaults to the database's table, made by `jikim migrate`.
    assert first["cache"] == "DatabaseCache"
    assert (first["cached_count"], second["cached_count"]) == (1, 2)


def _redis_listens() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_listens(), reason="no Redis on 127.0.0.1:6379")
def test_the_cache_can_be_redis(tmp_path: Path) -> None:
    import redis

    url = "redis://127.0.0.1:6379/15"
    server = redis.Redis.from_url(url)
    stored_as = ":1:shared_test"  # Django's cache key for "shared_test" (version 1)
    server.delete(stored_as)
    try:
        first, second = _two_workers(production.environment(tmp_path, JIKIM_CACHE_URL=url))
    finally:
        server.delete(stored_as)
    assert first["cache"] == "RedisCache"
    assert (first["cached_count"], second["cached_count"]) == (1, 2)
    assert isinstance(second["answers"][2], int)


def test_a_per_process_cache_in_production_is_flagged(tmp_path: Path) -> None:
    env = production.environment(tmp_path, JIKIM_CACHE_URL="locmem")
    assert production.jikim(env, "collectstatic", "--noinput").returncode == 0
    check = production.jikim(env, "check", "--deploy", "--fail-level", "WARNING")
    assert check.returncode != 0 and "web.W001" in check.stderr


def test_an_unknown_cache_url_refuses_to_start(tmp_path: Path) -> None:
    env = production.environment(tmp_path, JIKIM_CACHE_URL="memcached://cache:11211")
    result = production.jikim(env, "check")
    assert result.returncode != 0 and "JIKIM_CACHE_URL" in result.stderr
