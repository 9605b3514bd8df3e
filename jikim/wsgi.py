import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jikim.settings")
application = get_wsgi_application()

from jikim.web.checks import MISSING, static_files_missing  # noqa: E402 - needs the apps loaded

if static_files_missing():
    # Refuse to start rather than answer every page with an error.
    raise ImproperlyConfigured(MISSING)
