"""Start-up checks: the policy file reads as a whole (page, registers, rules, data map),
and the cookies the service sets are the ones it declares (C8-02)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from jikim.policy import bundle
from jikim.policy.cookies import ANALYTICS, CHOICE_COOKIE, VISITOR_COOKIE
from jikim.policy.document import PolicyError

GUARD = "jikim.policy.cookies.CookieGuardMiddleware"
VISITS = "jikim.policy.cookies.VisitMiddleware"


@checks.register()
def check_policy(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    try:
        running = bundle.current()
    except PolicyError as exc:
        return [checks.Error(f"policy.toml: {exc}", id="policy.E000")]
    problems: list[checks.CheckMessage] = [
        checks.Warning(f"policy.toml: {w}", id="policy.W001") for w in running.warnings()
    ]
    from jikim.retention.models import HoldKind

    for group in running.prose.groups:
        for kind, _ in group.holds:
            if kind not in HoldKind.values:
                problems.append(
                    checks.Error(
                        f"[[document.retention.groups]] {group.id!r} shows a hold of kind "
                        f"{kind!r}, which jikim.retention does not have",
                        id="policy.E001",
                    )
                )
    declared = running.registers
    needed = {
        settings.SESSION_COOKIE_NAME,
        settings.CSRF_COOKIE_NAME,
        settings.LANGUAGE_COOKIE_NAME,
        "messages",
        CHOICE_COOKIE,
    }
    for name in sorted(needed):
        category = declared.cookie_category_of(name)
        if category is None or not category.required:
            problems.append(
                checks.Error(
                    f"cookie {name!r} is set without consent but policy.toml does not list it "
                    "in a required cookie category",
                    id="policy.E002",
                )
            )
    category = declared.cookie_category_of(VISITOR_COOKIE)
    if category is None or category.required or category.id != ANALYTICS:
        problems.append(
            checks.Error(
                f"the visit-analytics cookie {VISITOR_COOKIE!r} must be listed in the optional "
                f"cookie category {ANALYTICS!r}",
                id="policy.E003",
            )
        )
    middleware = list(settings.MIDDLEWARE)
    if not middleware or middleware[0] != GUARD or VISITS not in middleware:
        problems.append(
            checks.Error(
                f"{GUARD} must come first in MIDDLEWARE, and {VISITS} must be there",
                id="policy.E004",
            )
        )
    return problems
