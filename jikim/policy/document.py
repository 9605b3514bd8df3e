"""Load policy.toml into validated, typed objects (once per process)."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

POLICY_FILE = Path(__file__).with_name("policy.toml")


class PolicyError(ValueError):
    pass


@dataclass(frozen=True)
class SignupItem:
    field: str
    label: str


@dataclass(frozen=True)
class ConsentText:
    purpose: str
    title: str
    text: str


@dataclass(frozen=True)
class Policy:
    version: str
    effective: str
    signup_items: tuple[SignupItem, ...]
    signup_consent: ConsentText


def parse(text: str) -> Policy:
    raw = tomllib.loads(text)
    try:
        meta = raw["meta"]
        signup = raw["signup"]
        items = tuple(SignupItem(field=i["field"], label=i["label"]) for i in signup["items"])
        consent = signup["consent"]
        policy = Policy(
            version=str(meta["version"]),
            effective=str(meta["effective"]),
            signup_items=items,
            signup_consent=ConsentText(
                purpose=consent["purpose"], title=consent["title"], text=consent["text"]
            ),
        )
    except (KeyError, TypeError) as exc:
        raise PolicyError(f"policy.toml is missing or mistypes {exc}") from exc
    if len({i.field for i in items}) != len(items):
        raise PolicyError("policy.toml lists a sign-up item twice")
    return policy


@functools.cache
def current() -> Policy:
    return parse(POLICY_FILE.read_text(encoding="utf-8"))
