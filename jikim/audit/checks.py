"""Start-up checks: access records are kept long enough (C9-05: at least 6 months; C9-02:
permission changes 3 years), and checkpoints can be signed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from jikim.audit import prune, signing


@checks.register()
def check_retention(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = [
        checks.Error(problem, id="audit.E001") for problem in prune.retention_problems()
    ]
    if settings.AUDIT_CHECKPOINT_EVERY < 1 or settings.AUDIT_CHECKPOINT_SECONDS < 1:
        errors.append(
            checks.Error(
                "AUDIT_CHECKPOINT_EVERY and AUDIT_CHECKPOINT_SECONDS must be positive",
                id="audit.E002",
            )
        )
    return errors


@checks.register()
def check_signing_key(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    try:
        signing.private_key()
    except signing.SigningKeyError as exc:
        return [checks.Error(str(exc), id="audit.E003")]
    return []
