"""The registers of policy.toml that the page shows and the code obeys: entrusted
processors and provision grounds (§5), cookie categories (§8), the privacy officer and
manager (§10), the reporting and mediation bodies (§11), the notice period (§12)."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from typing import Any

from jikim.policy.document import PolicyError, source_text


@dataclass(frozen=True)
class Processor:
    """An entrusted processor. The same entries jikim.billing.processors reads."""

    key: str  # the gateway code when there is one, else the name (translation key)
    name: str
    task: str
    retention: str
    gateway: str = ""


@dataclass(frozen=True)
class Ground:
    id: str
    text: str


@dataclass(frozen=True)
class CookieSpec:
    name: str
    purpose: str
    lifetime: str


@dataclass(frozen=True)
class CookieCategory:
    id: str
    label: str
    required: bool
    purpose: str
    cookies: tuple[CookieSpec, ...]


@dataclass(frozen=True)
class Contact:
    key: str  # "officer" or "manager"
    role: str
    name: str
    position: str
    department: str
    phone: str
    fax: str
    email: str


@dataclass(frozen=True)
class Body:
    id: str
    name: str
    duties: str
    website: str
    phone: str
    address: str


@dataclass(frozen=True)
class Registers:
    processors: tuple[Processor, ...]
    grounds: tuple[Ground, ...]
    cookie_categories: tuple[CookieCategory, ...]
    officer: Contact
    manager: Contact
    bodies: tuple[Body, ...]
    notice_days: int

    def cookie_category_of(self, cookie_name: str) -> CookieCategory | None:
        return next(
            (c for c in self.cookie_categories if any(k.name == cookie_name for k in c.cookies)),
            None,
        )

    def cookie_category(self, category_id: str) -> CookieCategory:
        for category in self.cookie_categories:
            if category.id == category_id:
                return category
        raise PolicyError(f"policy.toml has no cookie category {category_id!r}")

    @property
    def contacts(self) -> tuple[Contact, Contact]:
        return (self.officer, self.manager)


def _str(spec: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = spec.get(key, None if required else "")
    if value is None:
        raise PolicyError(f"{where} lacks {key!r}")
    if not isinstance(value, str):
        raise PolicyError(f"{where}: {key!r} must be text")
    return value


def _contact(raw: dict[str, Any], key: str) -> Contact:
    spec = raw.get("contacts", {}).get(key)
    where = f"[contacts.{key}]"
    if not isinstance(spec, dict):
        raise PolicyError(f"policy.toml lacks {where} (the privacy officer and manager, §10)")
    contact = Contact(
        key=key,
        role=_str(spec, "role", where),
        name=_str(spec, "name", where),
        position=_str(spec, "position", where, required=False),
        department=_str(spec, "department", where, required=False),
        phone=_str(spec, "phone", where),
        fax=_str(spec, "fax", where, required=False),
        email=_str(spec, "email", where),
    )
    if "@" not in contact.email:
        raise PolicyError(f"{where}: email {contact.email!r} is not an e-mail address")
    return contact


def parse(text: str) -> Registers:
    raw = tomllib.loads(text)
    processors = []
    for spec in raw.get("processors", []):
        where = f"[[processors]] {spec.get('name', '?')!r}"
        gateway = _str(spec, "gateway", where, required=False)
        name = _str(spec, "name", where)
        processors.append(
            Processor(
                key=gateway or name,
                name=name,
                task=_str(spec, "task", where),
                retention=_str(spec, "retention", where),
                gateway=gateway,
            )
        )
    where = "[[provision.grounds]]"
    grounds = tuple(
        Ground(id=_str(g, "id", where), text=_str(g, "text", where))
        for g in raw.get("provision", {}).get("grounds", [])
    )
    if not grounds:
        raise PolicyError("policy.toml lists no [[provision.grounds]] (§5)")
    categories = []
    seen: set[str] = set()
    for spec in raw.get("cookies", {}).get("categories", []):
        where = f"[[cookies.categories]] {spec.get('id', '?')!r}"
        cookies = tuple(
            CookieSpec(
                name=_str(c, "name", where),
                purpose=_str(c, "purpose", where),
                lifetime=_str(c, "lifetime", where),
            )
            for c in spec.get("cookies", [])
        )
        for cookie in cookies:
            if cookie.name in seen:
                raise PolicyError(f"cookie {cookie.name!r} is listed in two cookie categories")
            seen.add(cookie.name)
        categories.append(
            CookieCategory(
                id=_str(spec, "id", where),
                label=_str(spec, "label", where),
                required=bool(spec.get("required", False)),
                purpose=_str(spec, "purpose", where),
                cookies=cookies,
            )
        )
    if not any(c.required for c in categories):
        raise PolicyError("policy.toml declares no required cookie category (§8)")
    bodies = tuple(
        Body(
            id=_str(b, "id", "[[external_bodies]]"),
            name=_str(b, "name", "[[external_bodies]]"),
            duties=_str(b, "duties", "[[external_bodies]]", required=False),
            website=_str(b, "website", "[[external_bodies]]", required=False),
            phone=_str(b, "phone", "[[external_bodies]]", required=False),
            address=_str(b, "address", "[[external_bodies]]", required=False),
        )
        for b in raw.get("external_bodies", [])
    )
    if not bodies:
        raise PolicyError("policy.toml lists no [[external_bodies]] (§11)")
    notice_days = raw.get("changes", {}).get("notice_days", 7)
    if not isinstance(notice_days, int) or notice_days < 7:
        # The policy promises at least 7 days (§12); a file may promise more, never less.
        raise PolicyError("[changes] notice_days must be a whole number of at least 7")
    return Registers(
        processors=tuple(processors),
        grounds=grounds,
        cookie_categories=tuple(categories),
        officer=_contact(raw, "officer"),
        manager=_contact(raw, "manager"),
        bodies=bodies,
        notice_days=notice_days,
    )


@functools.lru_cache(maxsize=8)
def _parsed(text: str) -> Registers:
    return parse(text)


def current() -> Registers:
    return _parsed(source_text())


def processors() -> tuple[Processor, ...]:
    return current().processors
