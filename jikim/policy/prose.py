"""The prose of the policy page: the `[document]` part of policy.toml (Korean) and of
policy.en.toml (its English translation, parsed by the same rules)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

from jikim.policy.document import PolicyError

# The twelve sections of the policy (the seed's numbering), in order.
SECTION_IDS = (
    "purposes",
    "items",
    "methods",
    "retention",
    "provision",
    "rights",
    "destruction",
    "cookies",
    "safeguards",
    "officer",
    "bodies",
    "changes",
)
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_SIMPLE_PLACEHOLDERS = frozenset({"company", "short_name", "website", "notice_days"})


@dataclass(frozen=True)
class Item:
    title: str = ""
    text: str = ""
    points: tuple[str, ...] = ()
    numbered: bool = False  # points as 1. 2. 3. instead of 가. 나. 다.
    after: str = ""
    register: bool = False  # the section's register is shown inside this item


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    intro: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class PurposeText:
    title: str  # "" when the purpose's label in [purposes] is the title
    text: str


@dataclass(frozen=True)
class ItemsGroup:
    title: str
    text: str
    subject: str  # the data map's subject whose categories are listed


@dataclass(frozen=True)
class RetentionGroup:
    id: str
    title: str
    rules: tuple[str, ...]
    holds: tuple[tuple[str, str], ...]  # (HoldKind value, text)


@dataclass(frozen=True)
class Prose:
    company: str
    short_name: str
    website: str
    preamble_title: str
    preamble: str
    contents: str
    purposes: dict[str, PurposeText]
    signup_title: str
    generated_title: str
    generated: tuple[str, ...]
    recording: str
    more: tuple[ItemsGroup, ...]
    triggers: dict[str, str]
    groups: tuple[RetentionGroup, ...]
    sections: dict[str, Section]
    # Translations of the data the page shows (labels of rules, categories, processors…)
    # by key; only the English file has them.
    labels: dict[str, str]

    def placeholders(self) -> set[str]:
        """Every {placeholder} the texts use."""
        found: set[str] = set()
        for text in self.texts():
            found.update(PLACEHOLDER.findall(text))
        return found

    def texts(self) -> list[str]:
        out = [self.preamble, self.contents, self.recording, *self.generated]
        out += [p.title for p in self.purposes.values()] + [p.text for p in self.purposes.values()]
        out += [g.title for g in self.more] + [g.text for g in self.more]
        out += [h for g in self.groups for _, h in g.holds]
        for section in self.sections.values():
            out += [section.title, section.intro]
            for item in section.items:
                out += [item.title, item.text, item.after, *item.points]
        return out


def _text(spec: dict[str, Any], key: str, where: str, *, required: bool = False) -> str:
    value = spec.get(key)
    if value is None:
        if required:
            raise PolicyError(f"{where} lacks {key!r}")
        return ""
    if not isinstance(value, str):
        raise PolicyError(f"{where}: {key!r} must be text")
    return value.strip()


def _section(spec: dict[str, Any]) -> Section:
    where = f"[[document.sections]] {spec.get('id', '?')!r}"
    items = []
    for raw_item in spec.get("items", []):
        points = raw_item.get("points", [])
        if not isinstance(points, list) or not all(isinstance(p, str) for p in points):
            raise PolicyError(f"{where}: points must be a list of texts")
        items.append(
            Item(
                title=_text(raw_item, "title", where),
                text=_text(raw_item, "text", where),
                points=tuple(p.strip() for p in points),
                numbered=bool(raw_item.get("numbered", False)),
                after=_text(raw_item, "after", where),
                register=bool(raw_item.get("register", False)),
            )
        )
    if sum(i.register for i in items) > 1:
        raise PolicyError(f"{where}: only one item can hold the register")
    return Section(
        id=_text(spec, "id", where, required=True),
        title=_text(spec, "title", where, required=True),
        intro=_text(spec, "intro", where),
        items=tuple(items),
    )


def parse(text: str, *, translation: bool = False) -> Prose:
    """The `[document]` of a policy file. A translation may leave parts out (the page
    falls back to the Korean text there); the Korean file must be complete."""
    raw = tomllib.loads(text)
    doc = raw.get("document")
    if not isinstance(doc, dict):
        if translation:
            doc = {}
        else:
            raise PolicyError("policy.toml lacks [document] (the policy page's texts)")
    need = not translation
    sections = {}
    for spec in doc.get("sections", []):
        section = _section(spec)
        if section.id not in SECTION_IDS:
            raise PolicyError(f"[[document.sections]]: unknown section id {section.id!r}")
        if section.id in sections:
            raise PolicyError(f"[[document.sections]]: section {section.id!r} twice")
        sections[section.id] = section
    if need and tuple(sections) != SECTION_IDS:
        raise PolicyError(
            "[[document.sections]] must be exactly these twelve, in order: "
            + ", ".join(SECTION_IDS)
        )
    items = doc.get("items", {})
    retention = doc.get("retention", {})
    groups = []
    for g in retention.get("groups", []):
        where = f"[[document.retention.groups]] {g.get('id', '?')!r}"
        holds = tuple(
            (_text(h, "kind", where, required=True), _text(h, "text", where, required=True))
            for h in g.get("holds", [])
        )
        groups.append(
            RetentionGroup(
                id=_text(g, "id", where, required=True),
                title=_text(g, "title", where, required=True),
                rules=tuple(str(r) for r in g.get("rules", [])),
                holds=holds,
            )
        )
    listed = [r for g in groups for r in g.rules]
    if len(listed) != len(set(listed)):
        raise PolicyError("[[document.retention.groups]] lists a retention rule twice")
    prose = Prose(
        company=_text(doc, "company", "[document]", required=need),
        short_name=_text(doc, "short_name", "[document]", required=need),
        website=_text(doc, "website", "[document]", required=need),
        preamble_title=_text(doc, "preamble_title", "[document]", required=need),
        preamble=_text(doc, "preamble", "[document]", required=need),
        contents=_text(doc, "contents", "[document]"),
        purposes={
            str(pid): PurposeText(
                title=_text(spec, "title", f"[document.purposes.{pid}]"),
                text=_text(spec, "text", f"[document.purposes.{pid}]", required=True),
            )
            for pid, spec in doc.get("purposes", {}).items()
        },
        signup_title=_text(items, "signup_title", "[document.items]", required=need),
        generated_title=_text(items, "generated_title", "[document.items]", required=need),
        generated=tuple(str(g) for g in items.get("generated", [])),
        recording=_text(items, "recording", "[document.items]"),
        more=tuple(
            ItemsGroup(
                title=_text(g, "title", "[[document.items.more]]", required=True),
                text=_text(g, "text", "[[document.items.more]]"),
                subject=_text(g, "subject", "[[document.items.more]]", required=need),
            )
            for g in items.get("more", [])
        ),
        triggers={str(k): str(v) for k, v in retention.get("triggers", {}).items()},
        groups=tuple(groups),
        sections=sections,
        labels={str(k): str(v) for k, v in raw.get("labels", {}).items()},
    )
    for name in prose.placeholders():
        if name not in _SIMPLE_PLACEHOLDERS and not name.startswith("period:"):
            raise PolicyError(f"the policy texts use an unknown placeholder {{{name}}}")
    return prose
