"""Reading the English catalogue without gettext tools, and finding the strings the code
marks for translation, so the checks run on a machine without gettext installed."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation.template import templatize

PACKAGE = Path(__file__).resolve().parents[2] / "jikim"
PO_FILE = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
CONTEXT_SEP = "\x04"  # how gettext keys a message with a context


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}{CONTEXT_SEP}{self.msgid}"


def _unquote(text: str) -> str:
    value = ast.literal_eval(text)
    assert isinstance(value, str)
    return value


def read_po(path: Path = PO_FILE) -> list[Entry]:
    """The entries of a .po file, the header included (msgid ""); obsolete ones left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    flags: set[str] = set()
    last: tuple[str, int] = ("msgid", 0)  # the field a continuation line extends

    def finish() -> None:
        nonlocal current
        if current is not None and current.msgstr:
            entries.append(current)
            current = None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            finish()
            if line.startswith("#,"):
                flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if line.startswith('"'):
            assert current is not None, f"{path.name}:{number}: text outside an entry"
            name, index = last
            if name == "msgstr":
                current.msgstr[index] += _unquote(line)
            else:
                setattr(current, name, (getattr(current, name) or "") + _unquote(line))
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid"):
            finish()
            if current is None:
                current, flags = Entry(flags=flags, line=number), set()
        assert current is not None, f"{path.name}:{number}: {keyword} before msgid"
        if keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            current.msgstr[index] = _unquote(rest)
            last = ("msgstr", index)
        else:
            assert keyword in ("msgctxt", "msgid", "msgid_plural"), f"{path.name}:{number}"
            setattr(current, keyword, _unquote(rest))
            last = (keyword, 0)
    finish()
    return entries


def read_mo(path: Path = MO_FILE) -> dict[str | tuple[str, int], str]:
    with path.open("rb") as handle:
        catalog: dict[str | tuple[str, int], str] = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    return catalog


_TRANSLATION_MODULE = "django.utils.translation"
_SINGULAR = {"gettext", "gettext_lazy", "gettext_noop"}
_CONTEXT = {"pgettext", "pgettext_lazy"}
_PLURAL = {"ngettext", "ngettext_lazy"}
_CONTEXT_PLURAL = {"npgettext", "npgettext_lazy"}


def _python_keys(source: str) -> set[str]:
    tree = ast.parse(source)
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == _TRANSLATION_MODULE:
            for alias in node.names:
                names[alias.asname or alias.name] = alias.name
    keys: set[str] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        function = names.get(node.func.id)
        literals = [a.value for a in node.args if isinstance(a, ast.Constant)]
        if function is None or not literals or not all(isinstance(v, str) for v in literals):
            continue
        if function in _SINGULAR | _PLURAL:
            keys.add(literals[0])
        elif function in _CONTEXT | _CONTEXT_PLURAL and len(literals) >= 2:
            keys.add(f"{literals[0]}{CONTEXT_SEP}{literals[1]}")
    return keys


_LITERAL = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
_TEMPLATE_CALL = re.compile(
    rf"\b(gettext|ngettext|pgettext|npgettext)\(({_LITERAL})(?:,\s*({_LITERAL}))?"
)


def _template_keys(source: str) -> set[str]:
    keys: set[str] = set()
    for function, first, second in _TEMPLATE_CALL.findall(templatize(source)):
        a = _unquote(first.lstrip("u"))
        if function in ("pgettext", "npgettext"):
            keys.add(f"{a}{CONTEXT_SEP}{_unquote(second.lstrip('u'))}")
        else:
            keys.add(a)
    return keys


def marked_strings() -> dict[str, str]:
    """Every literal string the package marks for translation → the first file marking it."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*")):
        if "migrations" in path.parts or not path.is_file():
            continue
        if path.suffix == ".py":
            keys = _python_keys(path.read_text(encoding="utf-8"))
        elif path.suffix in (".html", ".txt") and "templates" in path.parts:
            keys = _template_keys(path.read_text(encoding="utf-8"))
        else:
            continue
        for key in keys:
            found.setdefault(key, str(path.relative_to(PACKAGE)))
    return found
