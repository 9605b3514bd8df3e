"""Model fields for personal data. A `PersonalDataField` stores only ciphertext; loading a
row gives a `Sealed` token, and the plaintext is reached only through `vault.access`."""

from __future__ import annotations

import functools
import secrets
from typing import Any

from django.db import models
from django.db.models.signals import post_save

from jikim.vault import blind, keyring, sealing


def new_subject(prefix: str) -> str:
    """A pseudonymous data-subject id: what access records and ledgers name instead of a person."""
    return f"{prefix}_{secrets.token_hex(12)}"


class SubjectField(models.CharField):
    """The data subject a row's personal data belongs to; its data key is keyed by this."""

    def __init__(self, *args: Any, prefix: str = "s", **kwargs: Any) -> None:
        self.prefix = prefix
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", functools.partial(new_subject, prefix))
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["prefix"] = self.prefix
        return name, path, args, kwargs


class Sealed:
    """Ciphertext as loaded from the database. Shows nothing; opens only via the vault."""

    __slots__ = ("token",)

    def __init__(self, token: str) -> None:
        self.token = token

    def __str__(self) -> str:
        return "(암호화됨)"

    def __repr__(self) -> str:
        return "Sealed(...)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sealed) and other.token == self.token

    def __hash__(self) -> int:
        return hash(self.token)


class PersonalDataField(models.TextField):
    def __init__(
        self,
        *args: Any,
        category: str = "",
        subject_field: str = "subject",
        blind_indexes: tuple[str, ...] = (),
        **kwargs: Any,
    ) -> None:
        self.category = category
        self.subject_field = subject_field
        self.blind_indexes = tuple(blind_indexes)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["category"] = self.category
        kwargs["subject_field"] = self.subject_field
        if self.blind_indexes:
            kwargs["blind_indexes"] = self.blind_indexes
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def contribute_to_class(self, cls: Any, name: str, *args: Any, **kwargs: Any) -> None:
        super().contribute_to_class(cls, name, *args, **kwargs)
        if self.blind_indexes and not cls._meta.abstract:
            post_save.connect(
                _write_pending_indexes, sender=cls, weak=False, dispatch_uid=f"blind:{cls.__name__}"
            )

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Sealed | None:
        if value is None or value == "":
            return None
        return Sealed(value)

    def get_prep_value(self, value: Any) -> Any:
        if value is None or isinstance(value, Sealed):
            return None if value is None else value.token
        if value == "":
            return None
        raise TypeError(
            "personal data is written through model saves or vault.writing, never as a raw value"
        )

    def get_lookup(self, lookup_name: str) -> Any:
        # Only "is it empty" can be asked of ciphertext; search goes through blind indexes.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if value is None or isinstance(value, Sealed):
            return value
        from jikim.vault.pii import Pii

        plaintext = value.value if isinstance(value, Pii) else str(value)
        if plaintext == "":
            setattr(model_instance, self.attname, None)
            if self.blind_indexes:
                model_instance.__dict__.setdefault("_pending_blind", {})[self.attname] = []
            return None
        subject = getattr(model_instance, self.subject_field)
        material = keyring.ensure([subject])[subject]
        sealed = Sealed(sealing.seal(material, self.category, subject, plaintext))
        setattr(model_instance, self.attname, sealed)
        if self.blind_indexes:
            pending = model_instance.__dict__.setdefault("_pending_blind", {})
            pending[self.attname] = blind.entries_for(
                self.category,
                self.blind_indexes,
                getattr(model_instance, "tenant_id", None),
                subject,
                f"{model_instance._meta.label}.{self.attname}",
                plaintext,
            )
        return sealed


def _write_pending_indexes(sender: Any, instance: Any, **kwargs: Any) -> None:
    pending = instance.__dict__.pop("_pending_blind", None)
    if not pending:
        return
    for attname, entries in pending.items():
        field = instance._meta.get_field(attname)
        subject = getattr(instance, field.subject_field)
        blind.replace(subject, f"{instance._meta.label}.{attname}", entries)
