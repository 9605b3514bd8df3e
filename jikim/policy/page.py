"""The privacy policy page, built from a policy `Bundle`: the same objects the code runs on
(sign-up items, purposes, data map, retention rules, processors, cookie categories,
contacts), so the page cannot say something the code does not do.

`build()` makes a language-resolved view of the page (Korean, or English from
policy.en.toml with the Korean text wherever a translation is missing);
templates/policy/document.html draws it, `as_text()` gives it as plain text for diffs.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils.html import strip_tags

from jikim.policy.bundle import Bundle
from jikim.policy.prose import PLACEHOLDER, Item, Prose, Section
from jikim.retention.rules import Period, Rule

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
KO_LETTERS = "가나다라마바사아자차카타파하"
EN_LETTERS = "abcdefghijklmnopqrstuvwxyz"

# The page's own words (headings of tables, link texts): (Korean, English).
UI: dict[str, tuple[str, str]] = {
    "title": ("개인정보처리방침", "Privacy Policy"),
    "version": ("버전", "Version"),
    "effective": ("시행일", "Effective date"),
    "contents": ("목차", "Contents"),
    "item": ("항목", "Item"),
    "basis": ("보존이유", "Reason"),
    "period": ("보존기간", "Retention period"),
    "processor": ("수탁업체", "Processor"),
    "task": ("위탁업무내용", "Entrusted work"),
    "processor_retention": ("개인정보의 보유 및 이용기간", "Retention and use of personal data"),
    "channels": (
        "동의는 동의 일시, 처리방침 버전과 함께 다음 경로 중 하나로 기록됩니다:",
        "Each consent is recorded with its time, the policy version and one of these channels:",
    ),
    "details": ("세부 항목", "In detail"),
    "cookie": ("쿠키", "Cookie"),
    "cookie_purpose": ("용도", "Purpose"),
    "cookie_lifetime": ("보존기간", "Kept for"),
    "required": ("필수", "Required"),
    "optional": ("선택 (동의한 경우에만 저장)", "Optional (stored only with consent)"),
    "cookie_settings": ("쿠키 설정 바꾸기", "Change cookie settings"),
    "rights_link": (
        "열람·정정·삭제·처리정지 요구하기",
        "Request access, correction, deletion or suspension",
    ),
    "contact_link": (
        "개인정보 문의·불만·피해구제 신청하기",
        "Send an inquiry, complaint or damage-relief request",
    ),
    "name": ("이름", "Name"),
    "position": ("직위", "Position"),
    "department": ("소속", "Department"),
    "phone": ("전화", "Phone"),
    "fax": ("Fax", "Fax"),
    "email": ("Email", "E-mail"),
    "duties": ("소관업무", "Responsibilities"),
    "website": ("홈페이지", "Website"),
    "address": ("주소", "Address"),
    "versions_link": ("이전 버전과 변경 내용 보기", "Earlier versions and changes"),
    "notices_link": ("공지사항", "Notices"),
    "other_rules": ("기타", "Other"),
    "period_consented": ("그 동의 받은 기간", "the period consented to"),
    "period_now": ("지체 없이", "without delay"),
    "version_line": ("이 방침의 버전", "This version"),
    "translation_note": (
        "",
        "This English translation is provided for convenience; the Korean text prevails.",
    ),
    "untranslated": ("", "(not yet translated; the Korean text follows)"),
}

_HANGUL = re.compile("[가-힣]")
_EN_UNITS = {"d": ("day", "days"), "m": ("month", "months"), "y": ("year", "years")}
# A particle after a name: (after a final consonant, after a vowel).
_JOSA = {
    "는": "은는",
    "은": "은는",
    "가": "이가",
    "를": "을를",
    "을": "을를",
    "와": "과와",
    "과": "과와",
}


def _has_final_consonant(word: str) -> bool:
    last = word.strip()[-1:] if word.strip() else ""
    if "가" <= last <= "힣":
        return (ord(last) - 0xAC00) % 28 != 0
    # Digits and Latin letters: read as Korean speakers say them most often.
    return last in "013678lmnLMN"


def period_text(period: Period | None, lang: str) -> str:
    if period is None:
        return UI["period_consented"][lang == "en"]
    if period.amount == 0:
        return UI["period_now"][lang == "en"]
    if lang == "en":
        one, many = _EN_UNITS[period.unit]
        return f"{period.amount} {one if period.amount == 1 else many}"
    return str(period)


def mark(index: int, lang: str) -> str:
    if lang == "en":
        return f"({index + 1})"
    return CIRCLED[index] if index < len(CIRCLED) else f"({index + 1})"


def point_mark(index: int, lang: str, numbered: bool = False) -> str:
    if numbered:
        return f"{index + 1}."
    letters = EN_LETTERS if lang == "en" else KO_LETTERS
    return f"{letters[index % len(letters)]}."


@dataclass
class ItemView:
    mark: str
    title: str
    text: str
    points: list[tuple[str, str]]
    after: str
    has_register: bool


@dataclass
class SectionView:
    number: int
    id: str
    title: str
    intro: str
    items: list[ItemView]
    register: dict[str, Any]
    register_in_item: bool
    untranslated: bool


@dataclass
class PageView:
    lang: str
    version: str
    effective: dt.date | None
    company: str
    preamble_title: str
    preamble: str
    contents: str
    sections: list[SectionView]
    links: dict[str, str]
    ui: dict[str, str]
    missing_translations: list[str] = field(default_factory=list)


class _Words:
    """Texts in the page's language: the English file's where it has them, else Korean
    (and the miss is noted, so a test can demand a complete translation)."""

    def __init__(self, bundle: Bundle, lang: str) -> None:
        self.bundle = bundle
        self.lang = lang
        self.ko = bundle.prose
        self.en: Prose | None = bundle.prose_en if lang == "en" else None
        self.missing: list[str] = []

    def label(self, key: str, korean: str) -> str:
        if self.lang != "en" or not _HANGUL.search(korean):
            return korean  # numbers, addresses of websites: nothing to translate
        if self.en is not None and key in self.en.labels:
            return self.en.labels[key]
        self.missing.append(key)
        return korean

    def prose(self, name: str) -> Any:
        value = getattr(self.ko, name)
        if self.en is None:
            if self.lang == "en":
                self.missing.append(f"document.{name}")
            return value
        translated = getattr(self.en, name)
        if not translated:
            self.missing.append(f"document.{name}")
            return value
        return translated

    def section(self, section_id: str) -> tuple[Section, bool]:
        if self.lang == "en":
            if self.en is not None and section_id in self.en.sections:
                return self.en.sections[section_id], False
            self.missing.append(f"section.{section_id}")
            return self.ko.sections[section_id], True
        return self.ko.sections[section_id], False

    def fill(self, text: str) -> str:
        """Expand the placeholders; in Korean fix the particle after a name."""
        prose = self.en if self.en is not None else self.ko
        values = {
            "company": prose.company or self.ko.company,
            "short_name": prose.short_name or self.ko.short_name,
            "website": prose.website or self.ko.website,
            "notice_days": str(self.bundle.registers.notice_days),
        }

        def expand(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("period:"):
                return period_text(self.bundle.rules[name[7:]].period, self.lang)
            return values[name]

        if self.lang == "ko":
            text = re.sub(
                r"\{(company|short_name)\}([는은가를을와과])",
                lambda m: (
                    values[m.group(1)]
                    + _JOSA[m.group(2)][0 if _has_final_consonant(values[m.group(1)]) else 1]
                ),
                text,
            )
        return PLACEHOLDER.sub(expand, text)


def _rule_row(words: _Words, rule: Rule, index: int) -> dict[str, str]:
    en_triggers = words.en.triggers if words.en is not None else {}
    phrase = (en_triggers if words.lang == "en" else words.ko.triggers).get(rule.trigger, "")
    period = period_text(rule.period, words.lang)
    if rule.period is not None and rule.period.amount and phrase:
        period = f"{period} {phrase}" if words.lang == "en" else f"{phrase} {period}"
    return {
        "mark": point_mark(index, words.lang),
        "id": rule.id,
        "label": words.label(f"rule.{rule.id}.label", rule.label),
        "basis": words.label(f"rule.{rule.id}.basis", rule.basis),
        "period": period,
    }


def _retention(words: _Words) -> dict[str, Any]:
    bundle = words.bundle
    en_groups = {g.id: g for g in words.en.groups} if words.en is not None else {}
    groups = []
    for index, group in enumerate(bundle.prose.groups):
        translated = en_groups.get(group.id)
        rows = [_rule_row(words, bundle.rules[r], i) for i, r in enumerate(group.rules)]
        en_holds = dict(translated.holds) if translated is not None else {}
        holds = [
            {"mark": point_mark(len(rows) + i, words.lang), "kind": kind, "text": text}
            for i, (kind, text) in enumerate(group.holds)
        ]
        if words.lang == "en":
            for hold in holds:
                hold["text"] = en_holds.get(hold["kind"], hold["text"])
        title = translated.title if translated is not None else group.title
        groups.append(
            {"mark": mark(index, words.lang), "title": title, "rules": rows, "holds": holds}
        )
    rest = bundle.ungrouped_rules()
    if rest:
        groups.append(
            {
                "mark": mark(len(groups), words.lang),
                "title": UI["other_rules"][words.lang == "en"],
                "rules": [_rule_row(words, bundle.rules[r], i) for i, r in enumerate(rest)],
                "holds": [],
            }
        )
    return {"groups": groups}


def _items(words: _Words) -> dict[str, Any]:
    bundle = words.bundle
    categories = bundle.data_map.categories.values()
    entries = [
        {
            "title": words.prose("signup_title"),
            "text": "",
            "values": [
                words.label(f"signup.{i.field}", i.label) for i in bundle.policy.signup_items
            ],
        },
        {
            "title": words.prose("generated_title"),
            "text": "",
            "values": list(words.prose("generated")),
        },
    ]
    if bundle.prose.recording:
        entries.append({"title": "", "text": words.fill(words.prose("recording")), "values": []})
    en_more = {g.subject: g for g in words.en.more} if words.en is not None else {}
    for group in bundle.prose.more:
        shown = en_more.get(group.subject, group) if words.lang == "en" else group
        entries.append(
            {
                "title": words.fill(shown.title),
                "text": words.fill(shown.text),
                "values": [
                    words.label(f"category.{c.id}", c.label)
                    for c in categories
                    if c.subject == group.subject
                ],
            }
        )
    for index, entry in enumerate(entries):
        entry["mark"] = mark(index, words.lang)
    return {"entries": entries, "details": UI["details"][words.lang == "en"]}


def _register(words: _Words, section_id: str, version: str, effective: dt.date | None) -> Any:
    bundle, lang = words.bundle, words.lang
    registers = bundle.registers
    if section_id == "purposes":
        en_texts = words.en.purposes if words.en is not None else {}
        out = []
        for index, (pid, label) in enumerate(bundle.data_map.purposes.items()):
            text = en_texts.get(pid) if lang == "en" else None
            chosen = text or bundle.prose.purposes[pid]
            out.append(
                {
                    "mark": mark(index, lang),
                    "title": words.fill(chosen.title) or words.label(f"purpose.{pid}", label),
                    "text": words.fill(chosen.text),
                }
            )
        return {"purposes": out}
    if section_id == "items":
        return _items(words)
    if section_id == "methods":
        from jikim.accounts.models import ConsentChannel

        return {
            "channels": [words.label(f"channel.{c.value}", str(c.label)) for c in ConsentChannel]
        }
    if section_id == "retention":
        return _retention(words)
    if section_id == "provision":
        return {
            "grounds": [
                {"mark": mark(i, lang), "text": words.label(f"ground.{g.id}", g.text)}
                for i, g in enumerate(registers.grounds)
            ],
            "processors": [
                {
                    "name": words.label(f"processor.{p.key}.name", p.name),
                    "task": words.label(f"processor.{p.key}.task", p.task),
                    "retention": words.label(f"processor.{p.key}.retention", p.retention),
                }
                for p in registers.processors
            ],
        }
    if section_id == "cookies":
        return {
            "categories": [
                {
                    "id": c.id,
                    "label": words.label(f"cookie_category.{c.id}.label", c.label),
                    "purpose": words.label(f"cookie_category.{c.id}.purpose", c.purpose),
                    "required": c.required,
                    "cookies": [
                        {
                            "name": k.name,
                            "purpose": words.label(f"cookie.{k.name}.purpose", k.purpose),
                            "lifetime": words.label(f"cookie.{k.name}.lifetime", k.lifetime),
                        }
                        for k in c.cookies
                    ],
                }
                for c in registers.cookie_categories
            ]
        }
    if section_id == "officer":
        contacts = []
        for c in registers.contacts:
            contacts.append(
                {
                    "role": words.label(f"contact.{c.key}.role", c.role),
                    "name": words.label(f"contact.{c.key}.name", c.name),
                    "position": words.label(f"contact.{c.key}.position", c.position),
                    "department": words.label(f"contact.{c.key}.department", c.department),
                    "phone": c.phone,
                    "fax": c.fax,
                    "email": c.email,
                }
            )
        return {"contacts": contacts}
    if section_id == "bodies":
        return {
            "bodies": [
                {
                    "name": words.label(f"body.{b.id}.name", b.name),
                    "duties": words.label(f"body.{b.id}.duties", b.duties),
                    "website": b.website,
                    "phone": words.label(f"body.{b.id}.phone", b.phone),
                    "address": words.label(f"body.{b.id}.address", b.address),
                }
                for b in registers.bodies
            ]
        }
    if section_id == "changes":
        return {"version": version, "effective": effective}
    return {}


def _item_view(words: _Words, item: Item, index: int) -> ItemView:
    return ItemView(
        mark=mark(index, words.lang),
        title=words.fill(item.title),
        text=words.fill(item.text),
        points=[
            (point_mark(i, words.lang, item.numbered), words.fill(p))
            for i, p in enumerate(item.points)
        ],
        after=words.fill(item.after),
        has_register=item.register,
    )


def build(
    bundle: Bundle,
    *,
    lang: str = "ko",
    version: str | None = None,
    effective: dt.date | None = None,
    links: dict[str, str] | None = None,
) -> PageView:
    """The page of `bundle` in `lang` ("ko" or "en"), as version `version`."""
    lang = "en" if lang == "en" else "ko"
    words = _Words(bundle, lang)
    version = version or bundle.version
    sections = []
    for number, section_id in enumerate(bundle.prose.sections, start=1):
        section, untranslated = words.section(section_id)
        items = [_item_view(words, item, i) for i, item in enumerate(section.items)]
        sections.append(
            SectionView(
                number=number,
                id=section_id,
                title=words.fill(section.title),
                intro=words.fill(section.intro),
                items=items,
                register=_register(words, section_id, version, effective),
                register_in_item=any(i.has_register for i in items),
                untranslated=untranslated,
            )
        )
    return PageView(
        lang=lang,
        version=version,
        effective=effective,
        company=words.fill("{company}"),
        preamble_title=words.prose("preamble_title"),
        preamble=words.fill(words.prose("preamble")),
        contents=words.fill(words.prose("contents")),
        sections=sections,
        links=links or {},
        ui={key: pair[lang == "en"] for key, pair in UI.items()},
        missing_translations=words.missing,
    )


def render(view: PageView) -> str:
    """The document part of the page as HTML (no surrounding layout)."""
    return render_to_string("policy/document.html", {"doc": view})


def as_text(view: PageView) -> str:
    """The page as plain text, one line per paragraph or table row: what a diff compares."""
    text = html.unescape(strip_tags(render(view)))
    lines = (re.sub(r"\s+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line) + "\n"
