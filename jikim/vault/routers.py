"""The key ring lives in its own database so the main database and its backups hold only
ciphertext. Everything else stays on the default database."""

from __future__ import annotations

from typing import Any

KEYRING = "keyring"
KEYRING_MODELS = {"datakey", "indexrootkey"}


def _is_keyring(app_label: str, model_name: str | None) -> bool:
    return app_label == "vault" and (model_name or "").lower() in KEYRING_MODELS


class KeyringRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return KEYRING if _is_keyring(model._meta.app_label, model._meta.model_name) else None

    db_for_write = db_for_read

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        if db == KEYRING:
            return _is_keyring(app_label, model_name)
        if _is_keyring(app_label, model_name):
            return False
        return None
