"""Data keys that no row holds, destroyed the recorded way.

The key ring is its own database and commits on its own. Whatever makes keys before its
rows commit in the main database — an import makes its recipients' keys 500 at a time
while storing the file — leaves keys of subjects that never came to exist when it is
killed or rolls back (a failed API push). What was sealed under them went with the rows,
but its bytes can linger in free pages, the write-ahead log or a backup taken meanwhile,
and the key would still open them: the daily retention sweep and `jikim vault_orphans`
shred such keys, each shred an access record.

Which tables can hold a subject is read from the app registry, not listed here, so a new
model is covered the day it is added:
- a `SubjectField` holds the subjects of its prefix (`r_…` recipients, `m_…` members…);
- a column a personal-data field is sealed under (`subject_field`), and any column called
  `subject` or `…_subject` (holds, destruction items, freezes, index entries, the separated
  store) may hold a subject of any prefix;
- a JSON list called `subjects` or `…_subjects` (rights requests, disclosures) likewise.
A key is destroyed only when its prefix belongs to some `SubjectField` and none of these
name its subject. The access records are not holders: they name every subject ever read,
long after its rows are gone, and would keep every key forever.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.apps import apps
from django.conf import settings
from django.db import models, router

from jikim import clock
from jikim.retention.separated import sweeping
from jikim.vault import access, keyring
from jikim.vault.fields import PersonalDataField, SubjectField
from jikim.vault.routers import KEYRING

logger = logging.getLogger(__name__)

REASON = "orphaned data key: no row holds its subject"
PAGE = 500
# Below this, a key made by a write still in progress (an import storing its rows) could
# be taken for an orphan and its rows committed under a destroyed key: the setting cannot
# go lower.
MIN_GRACE = dt.timedelta(hours=1)
# Tables that name subjects without holding any of their data: the access records say whose
# data was read, and keep saying it after the data is gone.
NOT_HOLDERS = frozenset({"audit.AccessRecord"})
JSON_CHUNK = 100


@dataclass(frozen=True)
class Holder:
    model: type[models.Model]
    column: str
    alias: str

    def __str__(self) -> str:
        return f"{self.model._meta.label}.{self.column}"


@dataclass(frozen=True)
class Holders:
    by_prefix: dict[str, list[Holder]]  # SubjectFields: only subjects of their prefix
    anywhere: list[Holder]  # columns that may name a subject of any prefix
    listed: list[Holder]  # JSON lists of subjects


def _names_subject(name: str) -> bool:
    return name == "subject" or name.endswith("_subject")


def _lists_subjects(name: str) -> bool:
    return name == "subjects" or name.endswith("_subjects")


def holders() -> Holders:
    """Every table and column of the installed models that can name a data subject."""
    by_prefix: dict[str, list[Holder]] = {}
    anywhere: list[Holder] = []
    listed: list[Holder] = []
    # The separated store's router opens only for the sweep's work; this only asks where
    # its table lives.
    with sweeping():
        for model in apps.get_models():
            meta = model._meta
            if meta.proxy or meta.label in NOT_HOLDERS:
                continue
            alias = router.db_for_read(model)
            if alias == KEYRING:
                continue
            sealed_under = {
                f.subject_field for f in meta.concrete_fields if isinstance(f, PersonalDataField)
            }
            for f in meta.concrete_fields:
                holder = Holder(model, f.attname, alias)
                if isinstance(f, SubjectField):
                    by_prefix.setdefault(f.prefix, []).append(holder)
                elif isinstance(f, models.JSONField):
                    if _lists_subjects(f.name):
                        listed.append(holder)
                elif isinstance(f, models.CharField) and (
                    f.name in sealed_under or _names_subject(f.name)
                ):
                    anywhere.append(holder)
    return Holders(by_prefix, anywhere, listed)


def prefix_of(subject: str) -> str:
    head, sep, _ = subject.partition("_")
    return head if sep else ""


def _found(holder: Holder, subjects: Iterable[str]) -> set[str]:
    wanted = list(subjects)
    if not wanted:
        return set()
    rows = holder.model._base_manager.using(holder.alias).filter(**{f"{holder.column}__in": wanted})
    return set(rows.values_list(holder.column, flat=True).distinct())


def _listed(holder: Holder, subjects: Iterable[str]) -> set[str]:
    """Which of `subjects` a JSON list of `holder` names. A list cannot be looked up by
    element on every database, so its text is searched for the quoted id: only for the
    few subjects no column holds, a hundred per scan."""
    wanted = sorted(subjects)
    found: set[str] = set()
    for start in range(0, len(wanted), JSON_CHUNK):
        chunk = wanted[start : start + JSON_CHUNK]
        query = reduce(or_, (models.Q(**{f"{holder.column}__icontains": f'"{s}"'}) for s in chunk))
        rows = holder.model._base_manager.using(holder.alias).filter(query)
        for value in rows.values_list(holder.column, flat=True).iterator(chunk_size=500):
            if isinstance(value, (list, dict)):
                found.update(s for s in value if isinstance(s, str))
    return found & set(wanted)


def unheld(subjects: Iterable[str], table: Holders | None = None) -> list[str]:
    """Those of `subjects` that no row of any table names: the orphans among them."""
    table = table or holders()
    left: dict[str, set[str]] = {}
    for subject in subjects:
        if prefix_of(subject) in table.by_prefix:
            left.setdefault(prefix_of(subject), set()).add(subject)
    with sweeping():
        for prefix, group in left.items():
            for holder in table.by_prefix[prefix]:
                if not group:
                    break
                group -= _found(holder, group)
        rest = set().union(*left.values())
        for holder in table.anywhere:
            if not rest:
                break
            rest -= _found(holder, rest)
        for holder in table.listed:
            if not rest:
                break
            rest -= _listed(holder, rest)
    return sorted(rest)


def grace() -> dt.timedelta:
    return max(dt.timedelta(hours=settings.VAULT_ORPHAN_KEY_GRACE_HOURS), MIN_GRACE)


def clean(*, now: dt.datetime | None = None, dry_run: bool = False, compact: bool = True) -> int:
    """Destroy every live data key older than the grace period whose subject no row holds.
    Returns how many were destroyed (found, with `dry_run`).

    The grace period is what keeps this from racing a write in progress: an import makes
    its keys minutes before its rows commit, never a day, so a key older than the grace
    period with no row will never get one. The key ring is walked a page at a time in
    subject order and each page checked with IN queries, so memory stays one page however
    many keys there are; a run cut off anywhere is simply run again.
    """
    cutoff = (now or clock.now()) - grace()
    table = holders()
    total = 0
    after = ""
    while True:
        page = keyring.live_subjects(created_before=cutoff, after=after, limit=PAGE)
        if not page:
            break
        after = page[-1]
        orphaned = unheld(page, table)
        if not orphaned:
            continue
        if dry_run:
            total += len(orphaned)
        else:
            total += access.shred(orphaned, actor=access.SYSTEM, reason=REASON, compact=False)
    if total and compact and not dry_run:
        keyring.compact()  # the destroyed key bytes leave the key ring's files
    if total:
        logger.info("orphaned data keys %s: %d", "found" if dry_run else "destroyed", total)
    return total
