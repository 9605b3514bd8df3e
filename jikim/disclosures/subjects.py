"""Pseudonymous subject ids as the officer types them, checked against the key ring, and
which data-map categories a subject of each kind can have."""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps
from django.core.exceptions import ValidationError

from jikim.vault.fields import PersonalDataField, SubjectField
from jikim.vault.models import DataKey
from jikim.vault.routers import KEYRING

SUBJECT_ID = re.compile(r"^[a-z]{1,10}_[0-9a-z]{1,32}$")
SHOWN = 5  # ids named in an error message; the rest are counted


def parse(text: str) -> list[str]:
    """Ids separated by spaces, commas or new lines, in order, without repeats."""
    seen: dict[str, None] = {}
    for token in re.split(r"[\s,;]+", text or ""):
        if token:
            seen.setdefault(token.strip(), None)
    return list(seen)


def named(ids: Iterable[str]) -> str:
    ids = sorted(ids)
    shown = ", ".join(ids[:SHOWN])
    return shown + (f" 외 {len(ids) - SHOWN}명" if len(ids) > SHOWN else "")


def check_format(subjects: list[str]) -> None:
    bad = [i for i, s in enumerate(subjects, start=1) if not SUBJECT_ID.match(s)]
    if bad:
        # Named by position, not echoed: it may be a name or a phone typed by mistake.
        raise ValidationError(
            f"정보주체 ID 형식이 아닌 값이 {len(bad)}건 있습니다 ({bad[0]}번째 값부터). "
            "가명 ID(예: m_…, r_…)만 입력하세요.",
            code="subject_format",
        )


def key_states(subjects: list[str]) -> tuple[set[str], set[str]]:
    """(known, shredded): subjects the key ring has a key row for, and those destroyed."""
    known: set[str] = set()
    shredded: set[str] = set()
    for start in range(0, len(subjects), 500):
        chunk = subjects[start : start + 500]
        rows = DataKey.objects.using(KEYRING).filter(subject__in=chunk)
        for subject, wrapped in rows.values_list("subject", "wrapped"):
            known.add(subject)
            if wrapped is None:
                shredded.add(subject)
    return known, shredded


def check_known(subjects: list[str], *, allow_shredded: bool) -> None:
    known, shredded = key_states(subjects)
    unknown = set(subjects) - known
    if unknown:
        raise ValidationError(
            f"알 수 없는 정보주체 ID입니다: {named(unknown)}", code="subject_unknown"
        )
    if shredded and not allow_shredded:
        raise ValidationError(
            f"이미 파기된 정보주체입니다: {named(shredded)}", code="subject_shredded"
        )


@functools.cache
def categories_by_prefix() -> dict[str, frozenset[str]]:
    """Subject-id prefix (`m`, `r`, …) → the data-map categories rows of that kind hold."""
    found: dict[str, set[str]] = defaultdict(set)
    for model in apps.get_models():
        fields = model._meta.concrete_fields
        subject_fields = {f.name: f for f in fields if isinstance(f, SubjectField)}
        for field in fields:
            if isinstance(field, PersonalDataField) and field.subject_field in subject_fields:
                found[subject_fields[field.subject_field].prefix].add(field.category)
    return {prefix: frozenset(c) for prefix, c in found.items()}


def prefix_of(subject: str) -> str:
    return subject.split("_", 1)[0]
