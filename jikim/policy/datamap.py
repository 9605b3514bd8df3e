"""The data map: every category of personal data with its purposes, retention rule,
masking rule and the model fields that hold it. Read from policy.toml, validated once."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field

from jikim.policy.document import PolicyError, source_text

MASKINGS = frozenset({"name", "phone", "address", "email", "rrn", "postcode", "text", "none"})


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    subject: str
    purposes: frozenset[str]
    added_purposes: dict[str, str] = field(default_factory=dict)
    retention: str = ""
    masking: str = "text"
    unique_identifier: bool = False
    fields: tuple[str, ...] = ()

    def basis_for(self, purpose: str) -> str | None:
        """'collected' for a purpose of collection, the recorded basis for an added one,
        None when the category may not be used for the purpose at all."""
        if purpose in self.purposes:
            return "collected"
        return self.added_purposes.get(purpose)


@dataclass(frozen=True)
class DataMap:
    purposes: dict[str, str]
    categories: dict[str, Category]

    def category(self, category_id: str) -> Category:
        try:
            return self.categories[category_id]
        except KeyError:
            raise PolicyError(f"the data map has no category {category_id!r}") from None

    def declared_fields(self) -> dict[str, str]:
        """`app_label.Model.field` → category id, for every declared field."""
        return {path: c.id for c in self.categories.values() for path in c.fields}


def parse(text: str) -> DataMap:
    raw = tomllib.loads(text)
    purposes = {str(k): str(v) for k, v in raw.get("purposes", {}).items()}
    if not purposes:
        raise PolicyError("policy.toml declares no purposes")
    categories: dict[str, Category] = {}
    for cid, spec in raw.get("categories", {}).items():
        try:
            category = Category(
                id=cid,
                label=str(spec["label"]),
                subject=str(spec["subject"]),
                purposes=frozenset(spec["purposes"]),
                added_purposes={str(k): str(v) for k, v in spec.get("added_purposes", {}).items()},
                retention=str(spec["retention"]),
                masking=str(spec["masking"]),
                unique_identifier=bool(spec.get("unique_identifier", False)),
                fields=tuple(spec.get("fields", ())),
            )
        except KeyError as exc:
            raise PolicyError(f"category {cid!r} lacks {exc}") from exc
        unknown = (category.purposes | set(category.added_purposes)) - set(purposes)
        if unknown:
            raise PolicyError(f"category {cid!r} names undeclared purposes {sorted(unknown)}")
        if not category.purposes:
            raise PolicyError(f"category {cid!r} has no purpose")
        if category.masking not in MASKINGS:
            raise PolicyError(f"category {cid!r} has unknown masking {category.masking!r}")
        for purpose, basis in category.added_purposes.items():
            kind, _, value = basis.partition(":")
            if kind not in {"policy", "consent"} or not value:
                raise PolicyError(
                    f"category {cid!r}: added purpose {purpose!r} needs a basis "
                    "'policy:<version>' or 'consent:<purpose>'"
                )
        categories[cid] = category
    return DataMap(purposes=purposes, categories=categories)


@functools.lru_cache(maxsize=8)
def _parsed(text: str) -> DataMap:
    return parse(text)


def current() -> DataMap:
    return _parsed(source_text())
