"""Korean telephone numbers as marketplaces and sellers actually type them.

Exports carry `010-1234-5678`, `01012345678`, `+82 10 1234 5678`, full-width digits from
Korean IMEs, and numbers that lost their leading zero in an Excel number cell. All of
them become one `Phone` with the national digits, the hyphenated display form and the
kind of line, or a `PhoneError` whose message never repeats the number (it may be
shown to a user or logged).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class PhoneKind(StrEnum):
    MOBILE = "mobile"
    SEOUL = "seoul"
    REGIONAL = "regional"
    INTERNET = "internet"  # 070
    SAFE = "safe"  # 050x: marketplaces' 안심번호 / 평생번호
    FREE = "free"  # 080
    BUSINESS = "business"  # 15xx, 16xx, 18xx 대표번호
    INTERNATIONAL = "international"


class PhoneError(ValueError):
    """A value that is not a usable telephone number; `code` is for programs."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Phone:
    digits: str  # national form with its leading 0; country code first if international
    display: str
    kind: PhoneKind

    @property
    def last4(self) -> str:
        return self.digits[-4:]


MOBILE_PREFIXES = frozenset({"010", "011", "016", "017", "018", "019"})
REGIONAL_PREFIXES = frozenset(
    {
        "031", "032", "033",
        "041", "042", "043", "044",
        "051", "052", "053", "054", "055",
        "061", "062", "063", "064",
    }
)  # fmt: skip
# 0502-0508 are the carriers' personal-number blocks; 0501 and 0509 are unassigned.
SAFE_PREFIXES = frozenset(f"050{n}" for n in range(2, 9))
BUSINESS_LEADS = frozenset({"15", "16", "18"})

# Everything people put between digit groups; NFKC has already folded full-width forms.
_NOISE = re.compile(r"[\s\-.()/\[\]\u2010-\u2015\u2212\u30fc]+")
_INTERNATIONAL_MIN, _INTERNATIONAL_MAX = 8, 15  # E.164 allows at most 15 digits

_EMPTY = ("empty", "전화번호가 비어 있습니다.")
_CHARS = ("invalid_characters", "전화번호에는 숫자와 - ( ) . + 기호만 쓸 수 있습니다.")
_PREFIX = ("unknown_prefix", "국내에서 쓰지 않는 전화번호 앞자리입니다.")
_LENGTH = ("wrong_length", "전화번호 자릿수가 올바르지 않습니다.")
_INTL_LENGTH = ("international_length", "국제 전화번호 자릿수가 올바르지 않습니다.")
_SHORT = ("too_short", "전화번호 뒤 4자리를 알 수 없습니다.")


def normalise_phone(raw: str | int | float) -> Phone:
    """Parse one telephone number; raises `PhoneError` when it is not a Korean line."""
    text = _as_text(raw)
    # ASCII is its own NFKC form: the common case skips the normalisation.
    compact = _NOISE.sub("", text if text.isascii() else unicodedata.normalize("NFKC", text))
    if not compact:
        raise PhoneError(*_EMPTY)
    plus = compact.startswith("+")
    body = compact[1:] if plus else compact
    if not body.isascii() or not body.isdigit():
        raise PhoneError(*_CHARS)
    if plus:
        if body.startswith("82"):
            return _domestic(_national(body[2:]))
        return _international(body)
    if body.startswith("0"):
        return _domestic(body)
    if body.startswith("82") and len(body) >= 10:
        return _domestic(_national(body[2:]))
    if len(body) == 8 and body[:2] in BUSINESS_LEADS:
        return _domestic(body)
    # An Excel number cell drops the leading zero: 1012345678 was 010-1234-5678.
    return _domestic("0" + body)


def last4(digits: str) -> str:
    """The last four digits, the part CS staff search by; separators are ignored."""
    only = [c for c in unicodedata.normalize("NFKC", digits) if c.isascii() and c.isdigit()]
    if len(only) < 4:
        raise PhoneError(*_SHORT)
    return "".join(only[-4:])


def split_groups(digits: str) -> tuple[PhoneKind, tuple[str, ...]] | None:
    """The kind and the hyphen groups of national digits, or None if not a Korean line."""
    n = len(digits)
    head2, head3, head4 = digits[:2], digits[:3], digits[:4]
    if head2 == "02" and n in (9, 10):
        return PhoneKind.SEOUL, (head2, digits[2:-4], digits[-4:])
    if head4 in SAFE_PREFIXES and n in (11, 12):
        return PhoneKind.SAFE, (head4, digits[4:-4], digits[-4:])
    if head3 in MOBILE_PREFIXES and n in (10, 11):
        return PhoneKind.MOBILE, (head3, digits[3:-4], digits[-4:])
    if head3 in REGIONAL_PREFIXES and n in (10, 11):
        return PhoneKind.REGIONAL, (head3, digits[3:-4], digits[-4:])
    if head3 == "070" and n == 11:
        return PhoneKind.INTERNET, (head3, digits[3:-4], digits[-4:])
    if head3 == "080" and n == 10:
        return PhoneKind.FREE, (head3, digits[3:-4], digits[-4:])
    if head2 in BUSINESS_LEADS and n == 8:
        return PhoneKind.BUSINESS, (head4, digits[4:])
    return None


def _as_text(raw: str | int | float) -> str:
    if isinstance(raw, bool):
        raise PhoneError(*_CHARS)
    if isinstance(raw, float):
        if not raw.is_integer():
            raise PhoneError(*_CHARS)
        return str(int(raw))
    if isinstance(raw, int):
        return str(raw)
    return raw.strip()


def _national(after_country_code: str) -> str:
    # `+82 010-…` keeps its trunk zero in the wild; `+82 10-…` is the correct form.
    return after_country_code if after_country_code.startswith("0") else "0" + after_country_code


def _domestic(digits: str) -> Phone:
    parsed = split_groups(digits)
    if parsed is None:
        raise PhoneError(*(_LENGTH if _known_prefix(digits) else _PREFIX))
    kind, groups = parsed
    return Phone(digits=digits, display="-".join(groups), kind=kind)


def _known_prefix(digits: str) -> bool:
    return (
        digits[:2] == "02"
        or digits[:4] in SAFE_PREFIXES
        or digits[:3] in MOBILE_PREFIXES | REGIONAL_PREFIXES | {"070", "080"}
        or digits[:2] in BUSINESS_LEADS
    )


def _international(digits: str) -> Phone:
    if not _INTERNATIONAL_MIN <= len(digits) <= _INTERNATIONAL_MAX or digits.startswith("0"):
        raise PhoneError(*_INTL_LENGTH)
    return Phone(digits=digits, display="+" + digits, kind=PhoneKind.INTERNATIONAL)
