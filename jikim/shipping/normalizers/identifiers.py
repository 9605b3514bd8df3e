"""Identifiers that shipping never needs, found in any text a seller uploads (C6-07).

Sellers paste resident registration numbers into delivery memos, leave a
`구매자 주민등록번호` column in an export, or type a card number into a CS note. The
policy makes that the member's responsibility, and the service's part is to notice,
mask and warn. Detection errs towards the shapes real people type, and stays away from
what a shipping back office is full of: phone numbers, order numbers, postcodes, dates.

The customs code (개인통관고유부호, `P` + 12 digits) is needed for overseas parcels, so
it is never reported as needless; `find_customs_code` hands it out to be kept.

An RRN's check digit may not veto it (numbers issued since October 2020 have none), so
any 13-digit run that starts with a real birth date and a 1–8 marker is reported.
Callers scan free text and unrecognised columns, not the order-number and
tracking-number columns they already know, where such runs are ordinary.

Findings carry positions, not values, so that printing or logging one never leaks the
identifier it points at.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class IdentifierKind(StrEnum):
    RRN = "rrn"  # 주민등록번호
    ALIEN_REGISTRATION = "alien_registration"  # 외국인등록번호
    PASSPORT = "passport"  # 여권번호
    DRIVER_LICENCE = "driver_licence"  # 운전면허번호
    CARD = "card"  # 카드번호


@dataclass(frozen=True)
class Finding:
    kind: IdentifierKind
    start: int  # offsets into the text as given
    end: int
    # The check digit agrees (a hint: RRNs issued since October 2020 have none, and
    # people mistype); None for kinds without a check digit.
    checksum_ok: bool | None


MASK = "*"

# Neither side may continue a longer code: `ORD9001011234567`, `+4479…` are not ours.
_BEFORE = r"(?<![0-9A-Za-z+])"
_AFTER = r"(?![0-9A-Za-z])"
_DASH = r"[-\u2010-\u2015\u2212]"

_REGISTRATION = re.compile(
    _BEFORE
    + r"(?P<birth>[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01]))"
    + rf"(?:{_DASH}|[ ])?"
    + r"(?P<back>[1-8][0-9]{6})"
    + _AFTER
)
_PASSPORT = re.compile(_BEFORE + r"[MSRODG](?:[0-9]{8}|[0-9]{3}[A-Z][0-9]{4})" + _AFTER)
_LICENCE_NUMERIC = re.compile(
    _BEFORE + r"(?:1[1-9]|2[0-8])(?P<sep>[- ])[0-9]{2}(?P=sep)[0-9]{6}(?P=sep)[0-9]{2}" + _AFTER
)
# Newer licences print the issuing region's name instead of its two-digit code.
_LICENCE_NAMED = re.compile(
    r"(?:서울|부산|경기|강원|충북|충남|전북|전남|경북|경남|제주|대구|인천|광주|대전|울산)"
    r"[ ]?[0-9]{2}-[0-9]{6}-[0-9]{2}" + _AFTER
)
_CARD_SHAPES = (
    re.compile(_BEFORE + r"[0-9]{13,19}" + _AFTER),
    # 4-4-4-4-3 (19 digits), 4-4-4-x (13–19), and 4-6-5 / 4-6-4 (Amex, Diners).
    re.compile(_BEFORE + r"[0-9]{4}(?P<s>[- ])[0-9]{4}(?P=s)[0-9]{4}(?P=s)[0-9]{4}(?P=s)[0-9]{3}"
               + _AFTER),
    re.compile(_BEFORE + r"[0-9]{4}(?P<s>[- ])[0-9]{4}(?P=s)[0-9]{4}(?P=s)[0-9]{1,7}" + _AFTER),
    re.compile(_BEFORE + r"[0-9]{4}(?P<s>[- ])[0-9]{6}(?P=s)[0-9]{4,5}" + _AFTER),
)  # fmt: skip
# Lengths each network issues, by first digit: 2 (Mastercard 2221–2720), 3 (Amex 15,
# Diners 14, JCB 16), 4 (Visa), 5 (Mastercard), 6 (UnionPay, Discover), 9 (Korean
# domestic cards). Order numbers start with a year (20…), and Korea Post's 13-digit
# tracking numbers with a 6, which no 13-digit card does.
_CARD_LENGTHS = {
    "2": (16,),
    "3": (14, 15, 16),
    "4": (13, 16, 19),
    "5": (16,),
    "6": (16, 17, 18, 19),
    "9": (16,),
}
# A superset of every shape above (borders, region names and repeated separators left
# out): one search that most texts fail, sparing them the scan shape by shape.
_ANY_SHAPE = re.compile(
    rf"[0-9]{{6}}(?:{_DASH}|[ ])?[1-8][0-9]{{6}}"
    r"|[MSRODG](?:[0-9]{8}|[0-9]{3}[A-Z][0-9]{4})"
    r"|[0-9]{2}[- ][0-9]{2}[- ][0-9]{6}[- ][0-9]{2}"
    r"|[0-9]{2}-[0-9]{6}-[0-9]{2}"
    r"|[0-9]{13}"
    r"|[0-9]{4}[- ][0-9]{4}[- ][0-9]{4}[- ][0-9]"
    r"|[0-9]{4}[- ][0-9]{6}[- ][0-9]{4}"
)
_CUSTOMS = re.compile(r"(?<![0-9A-Za-z])[Pp][0-9]{12}(?![0-9])")

# When two findings overlap, the more specific shape wins.
_PRIORITY = {
    IdentifierKind.RRN: 0,
    IdentifierKind.ALIEN_REGISTRATION: 0,
    IdentifierKind.DRIVER_LICENCE: 1,
    IdentifierKind.PASSPORT: 2,
    IdentifierKind.CARD: 3,
}


# Seven digits anywhere (any script's digits, as before folding); stops at the seventh.
_SEVEN_DIGITS = re.compile(r"(?:\D*\d){7}")


def may_hold_identifier(text: str) -> bool:
    """False when `text` certainly holds no identifier: the cheap test callers scanning
    many cells put first (find_identifiers makes it too)."""
    # Every identifier kind has at least 7 digits (the newer passport number: M123A4567);
    # most cells (names, memos) have none, and this C-speed test spares them the scan.
    return len(text) >= 7 and _SEVEN_DIGITS.match(text) is not None


def find_identifiers(text: str) -> list[Finding]:
    """Every needless identifier in `text`, in order of position; never raises."""
    if not may_hold_identifier(text):
        return []
    folded = _fold(text)
    if _ANY_SHAPE.search(folded) is None:
        return []
    kept_spans = [m.span() for m in _CUSTOMS.finditer(folded)]
    candidates = [
        finding
        for finding in _candidates(folded)
        if not any(_overlaps(finding.start, finding.end, s, e) for s, e in kept_spans)
    ]
    candidates.sort(key=lambda f: (_PRIORITY[f.kind], f.start - f.end, f.start))
    chosen: list[Finding] = []
    for finding in candidates:
        if not any(_overlaps(finding.start, finding.end, c.start, c.end) for c in chosen):
            chosen.append(finding)
    return sorted(chosen, key=lambda f: f.start)


def mask_identifiers(text: str) -> tuple[str, list[Finding]]:
    """`text` with every finding masked, and the findings (offsets into the original)."""
    findings = find_identifiers(text)
    if not findings:
        return text, findings
    folded = _fold(text)
    parts: list[str] = []
    cursor = 0
    for finding in findings:
        parts.append(text[cursor : finding.start])
        parts.append(_masked(finding.kind, folded[finding.start : finding.end]))
        cursor = finding.end
    parts.append(text[cursor:])
    return "".join(parts), findings


def find_customs_code(text: str) -> str | None:
    """The first 개인통관고유부호 in `text`, upper-cased, or None."""
    match = _CUSTOMS.search(_fold(text))
    return match.group(0).upper() if match else None


_HEADER_WORDS = (
    "주민등록번호", "주민번호", "주민등록", "외국인등록", "외국인번호",
    "여권번호", "운전면허", "면허번호", "카드번호",
    "residentregistration", "passportno", "passportnumber",
    "driverlicen", "driverslicen", "cardno", "cardnumber", "creditcard",
)  # fmt: skip
_HEADER_TOKENS = frozenset({"rrn", "ssn", "passport"})


@functools.lru_cache(maxsize=4096)
def column_suggests_identifier(header: str) -> bool:
    """Whether a column's header announces a needless identifier (`구매자 주민등록번호`)."""
    folded = unicodedata.normalize("NFKC", header).casefold()
    squeezed = re.sub(r"[\W_]+", "", folded)
    if "통관" in squeezed:
        # 개인통관고유부호 is kept on purpose; it must not trip the warning.
        return False
    if any(word in squeezed for word in _HEADER_WORDS):
        return True
    # Short English words are matched whole: `businessnumber` contains "ssn".
    return any(token in _HEADER_TOKENS for token in re.split(r"[\W_]+", folded))


# ------------------------------------------------------------------------------ helpers


def _fold(text: str) -> str:
    """Full-width digits and letters folded to ASCII, one character for one.

    Characters whose compatibility form is longer (`㈜`) stay as they are, so offsets
    into the folded text are offsets into the original.
    """
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        # The common case, at C speed: text already in NFKC has no character that folds
        # (each of its characters is its own NFKC form).
        return text
    out = []
    for char in text:
        folded = unicodedata.normalize("NFKC", char)
        out.append(folded if len(folded) == 1 else char)
    return "".join(out)


def _candidates(text: str) -> list[Finding]:
    found: list[Finding] = []
    for match in _REGISTRATION.finditer(text):
        birth, back = match.group("birth"), match.group("back")
        if not _plausible_birth_date(birth, back[0]):
            continue
        alien = back[0] in "5678"
        found.append(
            Finding(
                kind=IdentifierKind.ALIEN_REGISTRATION if alien else IdentifierKind.RRN,
                start=match.start(),
                end=match.end(),
                checksum_ok=_registration_checksum_ok(birth + back, alien=alien),
            )
        )
    for pattern in (_LICENCE_NUMERIC, _LICENCE_NAMED):
        found.extend(
            Finding(IdentifierKind.DRIVER_LICENCE, m.start(), m.end(), None)
            for m in pattern.finditer(text)
        )
    found.extend(
        Finding(IdentifierKind.PASSPORT, m.start(), m.end(), None) for m in _PASSPORT.finditer(text)
    )
    for pattern in _CARD_SHAPES:
        for match in pattern.finditer(text):
            digits = re.sub(r"[^0-9]", "", match.group(0))
            if _card_shaped(digits) and _luhn_ok(digits):
                found.append(Finding(IdentifierKind.CARD, match.start(), match.end(), True))
    return found


def _plausible_birth_date(birth: str, marker: str) -> bool:
    century = 1900 if marker in "1256" else 2000
    try:
        dt.date(century + int(birth[:2]), int(birth[2:4]), int(birth[4:6]))
    except ValueError:
        return False
    return True


_REGISTRATION_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def _registration_checksum_ok(digits: str, *, alien: bool) -> bool:
    total = sum(int(d) * w for d, w in zip(digits, _REGISTRATION_WEIGHTS, strict=False))
    check = (11 - total % 11) % 10
    if alien:
        # Alien registration numbers issued before 2020 shift the check digit by two.
        check = (check + 2) % 10
    return check == int(digits[12])


def _card_shaped(digits: str) -> bool:
    if len(digits) not in _CARD_LENGTHS.get(digits[0], ()):
        return False
    return digits[0] != "2" or 2221 <= int(digits[:4]) <= 2720


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = int(char)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def _masked(kind: IdentifierKind, value: str) -> str:
    if kind in (IdentifierKind.RRN, IdentifierKind.ALIEN_REGISTRATION):
        digits = re.sub(r"[^0-9]", "", value)
        return f"{digits[:6]}-{digits[6]}{MASK * 6}"
    if kind is IdentifierKind.CARD:
        last_four_from = [i for i, c in enumerate(value) if c.isdigit()][-4]
        return "".join(
            MASK if c.isdigit() and i < last_four_from else c for i, c in enumerate(value)
        )
    return value[:2] + "".join(c if c in "- " else MASK for c in value[2:])
