"""Start-up checks: every personal-data field is declared in the data map, and every
declared field exists (C1-05)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core import checks

from jikim.policy import datamap
from jikim.policy.document import PolicyError
from jikim.vault.fields import PersonalDataField


def personal_fields(models: Iterable[Any] | None = None) -> dict[str, str]:
    """`app_label.Model.field` → category of every PersonalDataField of these models."""
    found = {}
    for model in models if models is not None else apps.get_models(include_auto_created=False):
        for field in model._meta.get_fields():
            if isinstance(field, PersonalDataField):
                found[f"{model._meta.label}.{field.name}"] = field.category
    return found


@checks.register(checks.Tags.models)
def check_data_map(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    try:
        declared = datamap.current().declared_fields()
    except PolicyError as exc:
        return [checks.Error(f"The data map in policy.toml is invalid: {exc}", id="vault.E000")]
    return problems(personal_fields(), declared)


def problems(in_models: dict[str, str], declared: dict[str, str]) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for path, category in sorted(in_models.items()):
        if path not in declared:
            errors.append(
                checks.Error(
                    f"{path} holds personal data of category {category!r} but the data map "
                    "does not declare it",
                    hint="Add the field under its category in jikim/policy/policy.toml.",
                    id="vault.E001",
                )
            )
        elif declared[path] != category:
            errors.append(
                checks.Error(
                    f"{path} is declared as {declared[path]!r} in the data map but the model "
                    f"field says {category!r}",
                    id="vault.E002",
                )
            )
    for path, category in sorted(declared.items()):
        if path not in in_models:
            errors.append(
                checks.Error(
                    f"the data map declares {path} (category {category!r}) but no model has "
                    "such a personal-data field",
                    id="vault.E003",
                )
            )
    return errors
