"""Which version of the policy is in force, which are scheduled, and how they differ.

How policy.toml relates to the published versions:
- The file is what the code enforces and, once edited, the draft of the next version.
  Publishing (actions.do_publish_version) snapshots the file — the TOML text and the page
  as plain text — under the file's `[meta] version`, with an effective date at least
  `[changes] notice_days` (7) days after publication.
- The page shows the version in force at clock.now(): the latest published version whose
  effective date has come; every other version stays readable with its own snapshot.
- A fresh install has published nothing. Its file is the policy in force: it is recorded
  as the "baseline" version on `migrate` (and, failing that, on first use), effective
  from `[meta] effective`, so that the page keeps showing it unchanged after the file is
  edited for the next version.
- A file edited but not yet published shows up in the console as an unpublished draft,
  with the changes it would announce.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
from dataclasses import dataclass

from django.db import DatabaseError, IntegrityError, transaction

from jikim import clock
from jikim.policy import bundle as bundles
from jikim.policy import page
from jikim.policy.models import PolicyVersion


def meta_effective(text: str) -> dt.datetime:
    """`[meta] effective` (YYYY-MM-DD) as the start of that day in Korea."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return clock.now()
    return dt.datetime(day.year, day.month, day.day, tzinfo=clock.SEOUL)


def start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=clock.SEOUL)


def rendered_text(bundle: bundles.Bundle, label: str, effective_at: dt.datetime) -> str:
    view = page.build(bundle, version=label, effective=clock.local(effective_at).date())
    return page.as_text(view)


def ensure_baseline() -> None:
    """Record the running file as the version in force if nothing is published yet."""
    if PolicyVersion.objects.exists():
        return
    running = bundles.current()
    effective = meta_effective(running.policy.effective)
    try:
        with transaction.atomic():
            PolicyVersion.objects.create(
                label=running.version,
                toml_text=running.text,
                en_text=running.en_text,
                rendered_text=rendered_text(running, running.version, effective),
                published_at=min(effective, clock.now()),
                effective_at=effective,
                baseline=True,
            )
    except IntegrityError:
        pass  # another process recorded it first


def ensure_baseline_after_migrate(using: str = "default", **kwargs: object) -> None:
    if using != "default":
        return
    with contextlib.suppress(DatabaseError):  # migrating to a state without the table
        ensure_baseline()


def all_versions() -> list[PolicyVersion]:
    ensure_baseline()
    return list(PolicyVersion.objects.order_by("effective_at", "pk"))


def in_force(now: dt.datetime | None = None) -> PolicyVersion:
    ensure_baseline()
    now = now or clock.now()
    version = (
        PolicyVersion.objects.filter(effective_at__lte=now).order_by("-effective_at", "-pk").first()
    )
    # Before the first version's own date (a clock moved back in a test, a baseline with a
    # future date): the earliest version is the one the service started with.
    return version or PolicyVersion.objects.order_by("effective_at", "pk").first()  # type: ignore[return-value]


def scheduled(now: dt.datetime | None = None) -> list[PolicyVersion]:
    ensure_baseline()
    now = now or clock.now()
    return list(PolicyVersion.objects.filter(effective_at__gt=now).order_by("effective_at", "pk"))


def neighbours(version: PolicyVersion) -> tuple[PolicyVersion | None, PolicyVersion | None]:
    ordered = all_versions()
    index = next(i for i, v in enumerate(ordered) if v.pk == version.pk)
    before = ordered[index - 1] if index > 0 else None
    after = ordered[index + 1] if index + 1 < len(ordered) else None
    return before, after


def bundle_of(version: PolicyVersion) -> bundles.Bundle:
    return bundles.parsed(version.toml_text, version.en_text)


def page_of(
    version: PolicyVersion, *, lang: str = "ko", links: dict[str, str] | None = None
) -> page.PageView:
    return page.build(
        bundle_of(version),
        lang=lang,
        version=version.label,
        effective=clock.local(version.effective_at).date(),
        links=links,
    )


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "add", "del", "ctx", "hunk" or "file"
    text: str


def diff_texts(old: str, new: str, old_name: str, new_name: str) -> list[DiffLine]:
    lines = []
    for line in difflib.unified_diff(
        old.splitlines(), new.splitlines(), fromfile=old_name, tofile=new_name, lineterm="", n=1
    ):
        if line.startswith(("---", "+++")):
            kind = "file"
        elif line.startswith("@@"):
            kind = "hunk"
        elif line.startswith("+"):
            kind = "add"
        elif line.startswith("-"):
            kind = "del"
        else:
            kind = "ctx"
        lines.append(DiffLine(kind, line))
    return lines


def diff(older: PolicyVersion, newer: PolicyVersion) -> list[DiffLine]:
    """What changed from `older` to `newer`, on the page as each was published."""
    return diff_texts(older.rendered_text, newer.rendered_text, older.label, newer.label)


def running_status(now: dt.datetime | None = None) -> str:
    """How the file the code runs on stands: "in_force", "scheduled" or "unpublished"."""
    text = bundles.current().text
    if in_force(now).toml_text == text:
        return "in_force"
    if any(v.toml_text == text for v in scheduled(now)):
        return "scheduled"
    return "unpublished"
