"""Does any stored data carry this pseudonymous subject id? Asked before a hold is placed
on an id a person typed: a hold on a typo protects nothing while the real data goes.

The key ring answers almost every case in one indexed look-up: personal data is sealed
under a data key per subject, made with the first sealed value and kept (emptied) when
shredded. A subject with no key yet may still have rows (nothing sealed for it so far), so
the tables that carry subject ids are asked next; and the visit records of cookie
analytics, which carry random ids and no vault field, last.
"""

from __future__ import annotations

import enum

from django.apps import apps

from jikim.vault.fields import SubjectField
from jikim.vault.models import DataKey
from jikim.vault.routers import KEYRING


class Standing(enum.Enum):
    STORED = "stored"  # data is there (a live key, or rows carrying the id)
    DESTROYED = "destroyed"  # its key was shredded: what is left is unreadable
    UNKNOWN = "unknown"  # nothing carries this id


def _rows_carry(subject: str) -> bool:
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, SubjectField) and (
                model._default_manager.filter(**{field.name: subject}).exists()
            ):
                return True
    from jikim.policy.models import CookieConsent, VisitRecord

    return (
        CookieConsent.objects.filter(visitor=subject).exists()
        or VisitRecord.objects.filter(day=subject).exists()
    )


def standing(subject: str) -> Standing:
    keys = DataKey.objects.using(KEYRING).filter(subject=subject)
    if keys.filter(wrapped__isnull=False).exists():
        return Standing.STORED
    if keys.exists():
        return Standing.DESTROYED
    return Standing.STORED if _rows_carry(subject) else Standing.UNKNOWN
