"""The separated store (§7 ①): data kept only because a law says so, in its own database.

Ordinary code cannot read or write it: the router refuses unless the caller is inside
`sweeping()` (the retention sweep moving and destroying) or `lawful_access()` (a person
stating the law that requires the read, which is recorded).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import PermissionDenied

from jikim.audit.records import record

SEPARATED = "separated"
_open: contextvars.ContextVar[str | None] = contextvars.ContextVar("separated_open", default=None)


class SeparatedRouter:
    def _route(self, model: Any) -> str | None:
        if model._meta.app_label == "retention" and model._meta.model_name == "separatedrecord":
            if _open.get() is None:
                raise PermissionDenied(
                    "분리 보관된 개인정보는 법령에 근거한 열람 절차로만 볼 수 있습니다."
                )
            return SEPARATED
        return None

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return self._route(model)

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return self._route(model)

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        is_separated = app_label == "retention" and model_name == "separatedrecord"
        if db == SEPARATED:
            return is_separated
        if is_separated:
            return False
        return None


@contextlib.contextmanager
def sweeping() -> Iterator[None]:
    token = _open.set("sweep")
    try:
        yield
    finally:
        _open.reset(token)


@contextlib.contextmanager
def lawful_access(
    *, actor: Any, legal_basis: str, reason: str, subjects: list[str]
) -> Iterator[None]:
    """Open the separated store for one recorded, reasoned read under a stated law."""
    if not legal_basis.strip() or not reason.strip():
        raise PermissionDenied(
            "법령 근거와 사유를 모두 적어야 분리 보관 정보를 열람할 수 있습니다."
        )
    record(
        "separated.lawful_access",
        actor=actor,
        subjects=subjects,
        reason=reason,
        detail={"legal_basis": legal_basis},
    )
    token = _open.set("lawful")
    try:
        yield
    finally:
        _open.reset(token)
