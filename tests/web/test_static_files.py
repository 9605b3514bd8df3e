"""The stylesheet and scripts in production: the server serves them itself (no proxy rule or
CDN needed), under the content-hashed names `jikim collectstatic` records, compressed and
cached for a year; and it refuses to start before they are collected, rather than answer
every page with an error."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests import production

# Runs in the production-mode child: migrate its fresh databases, draw the sign-in page and
# fetch every static file the page names, as a browser would over HTTPS.
FETCH_PAGE_AND_FILES = f"""
import json, re, django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
for alias in settings.DATABASES:
    call_command("migrate", database=alias, verbosity=0)
client = Client(HTTP_HOST="{production.HOST}")
page = client.get(reverse(settings.LOGIN_URL), secure=True)
names = sorted(set(re.findall(r'(/static/[^"?]+)', page.content.decode())))
files = {{}}
for name in names:
    answer = client.get(name, secure=True, HTTP_ACCEPT_ENCODING="gzip")
    files[name] = {{
        "status": answer.status_code,
        "cache": answer.get("Cache-Control"),
        "encoding": answer.get("Content-Encoding"),
        "cors": answer.get("Access-Control-Allow-Origin"),
        "cookies": list(answer.cookies),
    }}
print(json.dumps({{"page": page.status_code, "files": files}}))
"""


def test_production_serves_static_files_hashed_compressed_and_cached(tmp_path: Path) -> None:
    env = production.environment(tmp_path)
    collected = production.jikim(env, "collectstatic", "--noinput")
    assert collected.returncode == 0, collected.stderr

    result = production.python(env, "-c", FETCH_PAGE_AND_FILES)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["page"] == 200
    files = seen["files"]
    names = {re.sub(r"\.[0-9a-f]{12}\.", ".", name) for name in files}
    assert {
        "/static/jikim/site.css",
        "/static/jikim/cookies.js",
        "/static/jikim/vendor/htmx.min.js",
    } <= names, files
    for name, answer in files.items():
        assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", name), name  # content-hashed
        assert answer["status"] == 200, name
        assert "immutable" in answer["cache"] and "max-age=315360000" in answer["cache"], answer
        assert answer["encoding"] == "gzip", name
        assert answer["cors"] is None and answer["cookies"] == [], answer


def test_production_refuses_to_serve_before_static_files_are_collected(tmp_path: Path) -> None:
    env = production.environment(tmp_path)

    check = production.jikim(env, "check", "--deploy")
    assert check.returncode != 0
    assert "web.E001" in check.stderr and "jikim collectstatic --noinput" in check.stderr

    server = production.python(env, "-c", "import jikim.wsgi")
    assert server.returncode != 0
    assert "ImproperlyConfigured" in server.stderr and "collectstatic" in server.stderr

    assert production.jikim(env, "collectstatic", "--noinput").returncode == 0
    assert production.python(env, "-c", "import jikim.wsgi").returncode == 0
