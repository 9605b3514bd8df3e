"""One policy text as every object the code reads from it, checked against each other.

`parse(text)` is how a published version is read back from its snapshot, and how a test
reads a changed copy of the file; `current()` is the running policy.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from jikim.policy import datamap, document, registers
from jikim.policy import prose as prose_text
from jikim.policy.document import PolicyError
from jikim.retention import rules as retention_rules


@dataclass(frozen=True)
class Bundle:
    text: str
    en_text: str
    policy: document.Policy
    data_map: datamap.DataMap
    rules: dict[str, retention_rules.Rule]
    prose: prose_text.Prose
    prose_en: prose_text.Prose | None
    registers: registers.Registers

    @property
    def version(self) -> str:
        return self.policy.version

    def ungrouped_rules(self) -> list[str]:
        """Retention rules that no group of the page names (shown under "기타")."""
        listed = {r for g in self.prose.groups for r in g.rules}
        return [r for r in self.rules if r not in listed]

    def warnings(self) -> list[str]:
        """What is shown but not as the file's author meant it: start-up warnings."""
        out = [
            f"retention rule {r!r} is in no [[document.retention.groups]]; the page shows "
            "it under 기타"
            for r in self.ungrouped_rules()
        ]
        subjects = {c.subject for c in self.data_map.categories.values()}
        out += [
            f"[[document.items.more]] {g.title!r} names subject {g.subject!r}, which no "
            "category of the data map has"
            for g in self.prose.more
            if g.subject not in subjects
        ]
        if self.prose_en is not None:
            missing = [s for s in prose_text.SECTION_IDS if s not in self.prose_en.sections]
            if missing:
                out.append(f"policy.en.toml does not translate sections {missing}")
        return out


def _check(bundle: Bundle) -> None:
    purposes = set(bundle.data_map.purposes)
    explained = set(bundle.prose.purposes)
    if purposes - explained:
        raise PolicyError(
            f"purposes {sorted(purposes - explained)} have no [document.purposes.<id>] text: "
            "the page must explain every purpose of processing"
        )
    if explained - purposes:
        raise PolicyError(
            f"[document.purposes] explains purposes {sorted(explained - purposes)} that "
            "[purposes] does not declare"
        )
    for group in bundle.prose.groups:
        unknown = [r for r in group.rules if r not in bundle.rules]
        if unknown:
            raise PolicyError(
                f"[[document.retention.groups]] {group.id!r} names retention rules "
                f"{unknown} that policy.toml lacks"
            )
    for name in bundle.prose.placeholders():
        if name.startswith("period:") and name[7:] not in bundle.rules:
            raise PolicyError(f"the placeholder {{{name}}} names no retention rule")
    for field in (i.field for i in bundle.policy.signup_items):
        if not field:
            raise PolicyError("a sign-up item has no field")


def parse(text: str, en_text: str = "") -> Bundle:
    bundle = Bundle(
        text=text,
        en_text=en_text,
        policy=document.parse(text),
        data_map=datamap.parse(text),
        rules=retention_rules.parse(text),
        prose=prose_text.parse(text),
        prose_en=prose_text.parse(en_text, translation=True) if en_text.strip() else None,
        registers=registers.parse(text),
    )
    _check(bundle)
    return bundle


@functools.lru_cache(maxsize=16)
def parsed(text: str, en_text: str = "") -> Bundle:
    """`parse`, remembered: versions are read back from their snapshots on every view."""
    return parse(text, en_text)


def current() -> Bundle:
    return parsed(document.source_text(), document.source_en_text())
