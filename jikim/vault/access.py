"""Reading personal data: only for a purpose its category allows, and every read recorded.

pii = access.reveal(member, "mobile", purpose="member_management", actor=request.user)
str(pii)    -> "010-****-5678"  (masked: what lists and logs see)
pii.value   -> the plaintext     (what this read was recorded for)
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any

from jikim.audit.records import record
from jikim.policy import datamap, document
from jikim.vault import keyring, sealing
from jikim.vault.fields import PersonalDataField, Sealed
from jikim.vault.pii import Pii


class PurposeNotAllowed(PermissionError):
    """The category may not be read for this purpose (C1-05)."""


class System:
    """The service itself acting (a sweep, an export run by a task), named as such."""

    pk = None
    login_id = "system"

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = System()

# Checks whether a subject has consented to a purpose: registered by the apps that record
# consents (accounts), so the vault does not depend on them.
consent_checkers: list[Callable[[str, str], bool]] = []

# Which of the given subjects are frozen (C6-03: a correction or deletion pending, or
# processing suspended): registered by the rights app. Their values are withheld from
# every read except the handling of the request itself.
freeze_checkers: list[Callable[[Collection[str]], set[str]]] = []


def frozen(subjects: Collection[str]) -> set[str]:
    found: set[str] = set()
    if subjects:
        for check in freeze_checkers:
            found |= check(subjects)
    return found


def authorise(category_id: str, purpose: str, subjects: Iterable[str]) -> None:
    category = datamap.current().category(category_id)
    basis = category.basis_for(purpose)
    if basis is None:
        raise PurposeNotAllowed(f"{category_id} may not be used for {purpose}")
    if basis == "collected":
        return
    kind, _, value = basis.partition(":")
    if kind == "policy":
        if value > document.current().version:
            raise PurposeNotAllowed(f"{purpose} for {category_id} is not in force before {value}")
        return
    for subject in subjects:
        if not any(check(subject, value) for check in consent_checkers):
            raise PurposeNotAllowed(f"{purpose} for {category_id} needs the subject's consent")


def _field(model: Any, name: str) -> PersonalDataField:
    field = model._meta.get_field(name)
    if not isinstance(field, PersonalDataField):
        raise TypeError(f"{model._meta.label}.{name} is not personal data")
    return field


def reveal_rows(
    rows: Sequence[Any],
    fields: Sequence[str],
    *,
    purpose: str,
    actor: Any,
    action: str = "view",
    reason: str = "",
    tenant_id: int | None = None,
    handling_request: bool = False,
) -> list[dict[str, Pii]]:
    """Open `fields` of every row: one key-ring query, one access record for the batch.

    A frozen subject's values come back withheld unless `handling_request` (the rights
    app answering that very request); the withheld attempt is recorded.
    """
    if not rows:
        return []
    model = rows[0]._meta.model
    specs = [(_field(model, name), name) for name in fields]
    subjects = {getattr(row, f.subject_field) for row in rows for f, _ in specs}
    for f, _ in specs:
        authorise(f.category, purpose, subjects)
    held_back = set() if handling_request else frozen(subjects)
    keys = keyring.load(subjects - held_back)
    category_map = datamap.current()
    out: list[dict[str, Pii]] = []
    for row in rows:
        values: dict[str, Pii] = {}
        for f, name in specs:
            rule = category_map.category(f.category).masking
            subject = getattr(row, f.subject_field)
            raw = getattr(row, f.attname)
            material = keys.get(subject)
            if subject in held_back:
                values[name] = Pii.held_back(f.category, rule)
            elif raw is None:
                values[name] = Pii("", category=f.category, rule=rule)
            elif material is None:
                values[name] = Pii.destroyed(f.category, rule)
            elif isinstance(raw, Sealed):
                plaintext = sealing.open_sealed(material, f.category, subject, raw.token)
                values[name] = Pii(plaintext, category=f.category, rule=rule)
            else:  # assigned in memory, not yet saved
                values[name] = Pii(str(raw), category=f.category, rule=rule)
        out.append(values)
    if tenant_id is None:
        tenant_id = getattr(rows[0], "tenant_id", None)
    if held_back:
        record(
            "refused.frozen",
            actor=None if actor is SYSTEM else actor,
            tenant_id=tenant_id,
            subjects=sorted(held_back),
            purpose=purpose,
            detail={"attempted": action, "fields": [f"{model._meta.label}.{n}" for n in fields]},
        )
    record(
        action,
        actor=None if actor is SYSTEM else actor,
        tenant_id=tenant_id,
        subjects=sorted(subjects),
        purpose=purpose,
        reason=reason,
        detail={"fields": [f"{model._meta.label}.{n}" for n in fields], "system": actor is SYSTEM},
    )
    return out


def reveal(
    row: Any,
    field: str,
    *,
    purpose: str,
    actor: Any,
    reason: str = "",
    action: str = "view",
    handling_request: bool = False,
) -> Pii:
    return reveal_rows(
        [row],
        [field],
        purpose=purpose,
        actor=actor,
        reason=reason,
        action=action,
        handling_request=handling_request,
    )[0][field]


def shred(subjects: Iterable[str], *, actor: Any, reason: str, compact: bool = True) -> int:
    """Crypto-shred: destroy the subjects' data keys and their blind-index entries.
    `compact=False` for a caller that compacts the key ring once after many shreds."""
    from jikim.vault import blind

    wanted = sorted(set(subjects))
    destroyed = keyring.shred(wanted, compact_after=compact)
    blind.forget(wanted)
    record(
        "shred",
        actor=None if actor is SYSTEM else actor,
        subjects=wanted,
        reason=reason,
        detail={"keys_destroyed": destroyed, "system": actor is SYSTEM},
    )
    return destroyed
