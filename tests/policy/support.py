"""Helpers for the policy tests: a changed copy of policy.toml, an officer, publishing."""

from __future__ import annotations

import datetime as dt

from jikim import clock
from jikim.accounts.models import Member
from jikim.policy import actions, document
from jikim.policy.models import PolicyVersion
from tests.audit.support import make_operator

DAY = dt.timedelta(days=1)


def changed(*replacements: tuple[str, str], version: str | None = None) -> str:
    """The running policy text with each (old, new) replaced once (each must occur once),
    and `[meta] version` set to `version` if given."""
    text = document.source_text()
    if version is not None:
        replacements = (*replacements, (_meta_version_line(text), f'version = "{version}"'))
    for old, new in replacements:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


def _meta_version_line(text: str) -> str:
    meta = text[text.index("[meta]") :]
    return next(line for line in meta.splitlines() if line.startswith("version = "))


def officer(login_id: str = "officer") -> Member:
    return make_operator(login_id, "privacy_officer")


def publish(
    actor: Member,
    text: str,
    *,
    effective_at: dt.datetime | None = None,
    email: bool = False,
    summary: str = "보유기간 변경",
) -> PolicyVersion:
    """Publish `text` as it would be after deploying it: the file the code runs on."""
    with document.loaded_from(text):
        label = document.current().version
        return actions.do_publish_version(
            actor,
            label,
            effective_at or clock.now() + 8 * DAY,
            email,
            summary=summary,
        )
