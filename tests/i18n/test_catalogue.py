"""The English catalogue is complete and its compiled form (committed, so that an install
needs no gettext tools) says the same as its source."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.i18n import catalogue

_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _translations() -> list[catalogue.Entry]:
    return [e for e in catalogue.read_po() if e.msgid]


def test_every_entry_is_translated_and_none_is_fuzzy() -> None:
    entries = catalogue.read_po()
    header = entries[0]
    assert header.msgid == "" and "Language: en\n" in header.msgstr[0]
    assert [e.line for e in entries if "fuzzy" in e.flags] == []
    untranslated = [e.key for e in _translations() if not all(e.msgstr.values())]
    assert untranslated == []
    # A translation that still carried Hangul would be a Korean string left behind.
    leftover = [e.key for e in _translations() if _HANGUL.search(e.msgstr[0])]
    assert leftover == []


def test_placeholders_and_markup_survive_translation() -> None:
    for entry in _translations():
        for text in entry.msgstr.values():
            assert sorted(_PLACEHOLDER.findall(text)) == sorted(
                _PLACEHOLDER.findall(entry.msgid)
            ), entry.key
            assert re.findall(r"</?(\w+)", text) == re.findall(r"</?(\w+)", entry.msgid)


def test_every_korean_string_marked_for_translation_has_an_english_one() -> None:
    # Strings marked in English are allauth's or Django's own (a copied allauth template),
    # translated by their catalogues; ours are written in Korean and need an entry here.
    keys = {e.key for e in _translations()}
    missing = {
        key: path
        for key, path in catalogue.marked_strings().items()
        if _HANGUL.search(key) and key not in keys
    }
    assert missing == {}, "run makemessages -l en in jikim/ and translate the new entries"


def test_the_committed_mo_says_what_the_po_says() -> None:
    compiled = catalogue.read_mo()
    source = {e.key: e.msgstr[0] for e in _translations() if e.msgid_plural is None}
    plural = {
        (e.key, n): text
        for e in _translations()
        if e.msgid_plural is not None
        for n, text in e.msgstr.items()
    }
    compiled.pop("", None)
    assert compiled == {**source, **plural}, "recompile: msgfmt -o django.mo django.po"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext tools not installed")
def test_msgfmt_accepts_the_po_and_compiles_the_same_catalogue(tmp_path: Path) -> None:
    out = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check", "-o", str(out), str(catalogue.PO_FILE)],
        check=True,
        capture_output=True,
    )
    assert catalogue.read_mo(out) == catalogue.read_mo()


# The member's screens: the shared layout, the account pages, home and the error pages.
# (The operator console and the other apps' pages are not translated yet.)
FOUNDATION = [
    "web/templates/web/base.html",
    "web/templates/web/landing.html",
    "web/templates/web/403.html",
    "web/templates/web/404.html",
    "web/templates/web/500.html",
    "web/templates/account/*.html",
    "accounts/templates/account/*.html",
    "accounts/templates/accounts/*.html",
]
_MARKED = re.compile(
    r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}|{%.*?%}|{{.*?}}|{#.*?#}",
    re.S,
)
_BRAND = "지킴 <small>jikim</small>"  # the logo reads the same in every language


def test_the_member_screens_leave_no_korean_unmarked() -> None:
    unmarked = {}
    for pattern in FOUNDATION:
        for path in sorted(catalogue.PACKAGE.glob(pattern)):
            text = _MARKED.sub("", path.read_text(encoding="utf-8")).replace(_BRAND, "")
            lines = [line.strip() for line in text.splitlines() if _HANGUL.search(line)]
            if lines:
                unmarked[str(path.relative_to(catalogue.PACKAGE))] = lines
    assert unmarked == {}
