"""Start-up check: every category of the data map names a retention rule that exists."""

from __future__ import annotations

from typing import Any

from django.core import checks

from jikim.policy import datamap
from jikim.policy.document import PolicyError
from jikim.retention import rules


@checks.register(checks.Tags.models)
def check_rules(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    try:
        known = rules.current()
        categories = datamap.current().categories
    except PolicyError as exc:
        return [checks.Error(f"policy.toml: {exc}", id="retention.E000")]
    return [
        checks.Error(
            f"category {c.id!r} names retention rule {c.retention!r}, which policy.toml lacks",
            id="retention.E001",
        )
        for c in categories.values()
        if c.retention not in known
    ]
