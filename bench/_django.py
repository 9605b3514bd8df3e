"""Start Django for a benchmark in a throwaway var/ directory, with its databases migrated."""

from __future__ import annotations

import os
import tempfile


def setup(*, keep_var: str | None = None) -> str:
    var = keep_var or tempfile.mkdtemp(prefix="jikim-bench-")
    os.environ.setdefault("JIKIM_DEBUG", "1")
    os.environ["JIKIM_VAR_DIR"] = var
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jikim.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("migrate", database="keyring", verbosity=0)
    call_command("migrate", database="separated", verbosity=0)
    return var
