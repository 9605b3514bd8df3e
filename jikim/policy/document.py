"""Load policy.toml into validated, typed objects.

Every loader of the policy (this one, the data map, the retention rules, the page's
registers) reads the text through `source_text()`: normally the file, once per process;
inside `loaded_from(text)` another text, so a test (or a preview) can run the whole
service on a changed policy without touching the file.
"""

from __future__ import annotations

import contextlib
import functools
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

POLICY_FILE = Path(__file__).with_name("policy.toml")
# The English translation of the page's texts (the Korean text prevails).
POLICY_EN_FILE = Path(__file__).with_name("policy.en.toml")


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


# The text in use instead of the files, as (policy, English translation), or None.
_override: tuple[str, str] | None = None


@functools.cache
def _file_text(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def source_text() -> str:
    """The policy text the service runs on."""
    return _override[0] if _override is not None else _file_text(POLICY_FILE)


def source_en_text() -> str:
    """The English translation that goes with it ("" when there is none)."""
    return _override[1] if _override is not None else _file_text(POLICY_EN_FILE)


@contextlib.contextmanager
def loaded_from(text: str, en_text: str | None = None) -> Iterator[None]:
    """Run everything that reads the policy on `text` for the duration of the block.

    Process-wide on purpose (not a context variable): a test's live server answers from
    another thread and must see the same policy. Not for production request handling.
    """
    global _override
    previous = _override
    _override = (text, source_en_text() if en_text is None else en_text)
    try:
        yield
    finally:
        _override = previous


@functools.lru_cache(maxsize=8)
def _parsed(text: str) -> Policy:
    return parse(text)


def current() -> Policy:
    return _parsed(source_text())
