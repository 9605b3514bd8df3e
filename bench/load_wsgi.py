"""The WSGI application bench/load_bench.py serves: the product's own, plus one trivial
Django view at /bench/hello/, the throughput baseline on the same server, settings and
middleware. The route lives in this module's urlconf, which each request is handed, so the
product's urls.py has no such route.

    gunicorn -w 2 -b 127.0.0.1:8000 bench.load_wsgi:application
"""

from __future__ import annotations

import os

import django
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jikim.settings")
django.setup(set_prefix=False)

from jikim import urls as product  # noqa: E402 - needs the apps loaded

HELLO_PATH = "/bench/hello/"


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"hello", content_type="text/plain")


urlpatterns = [path(HELLO_PATH.strip("/") + "/", hello), path("", include(product))]
handler403 = product.handler403
handler404 = product.handler404
handler500 = product.handler500


class BenchHandler(WSGIHandler):
    def get_response(self, request: HttpRequest) -> HttpResponse:
        request.urlconf = __name__  # Django resolves with this urlconf instead of ROOT_URLCONF
        return super().get_response(request)


application = BenchHandler()
