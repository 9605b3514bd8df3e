"""How personal values look when they are shown masked (the default everywhere).

Lists, searches, exports without an unmask reason, and error reports all show these
forms: `홍*동`, `010-****-5678`, an address cut after the road or 동 name. Each function
takes any text and never raises, because a masking failure must not turn into a page
that shows the raw value instead. Masking an already masked value gives it back
unchanged, so a value can pass through two layers that both mask.

This module knows phone shapes on its own instead of importing the shipping
normalizer: the vault sits below the domain apps and must not depend on them.
"""

from __future__ import annotations

import re
import unicodedata

MASK = "*"
_ADDRESS_MASK = "***"


def mask_generic(value: str, keep_last: int = 0) -> str:
    """Every character hidden except the last `keep_last`; never the whole value."""
    if keep_last < 0:
        raise ValueError("keep_last는 0 이상이어야 합니다.")
    text = value.strip()
    # A value no longer than what would be kept must still hide something.
    visible = min(keep_last, max(len(text) - 1, 0))
    hidden = len(text) - visible
    return MASK * hidden + text[hidden:]


# ---------------------------------------------------------------------------- names


def mask_name(value: str) -> str:
    """`홍길동`→`홍*동`, `김철`→`김*`, `남궁민수`→`남**수`, `John Smith`→`J*** S****`."""
    words = unicodedata.normalize("NFC", value).split()
    if not words:
        return ""
    if _is_latin_letter(words[0][0]):
        # Western names are read word by word; the initials alone are not identifying.
        if len(words) == 1 and len(words[0]) == 1:
            return MASK
        return " ".join(word[0] + MASK * (len(word) - 1) for word in words)
    # Korean names are written with or without a space after the surname (`남궁 민수`).
    name = "".join(words)
    if len(name) == 1:
        return MASK
    if len(name) == 2:
        return name[0] + MASK
    return name[0] + MASK * (len(name) - 2) + name[-1]


def _is_latin_letter(char: str) -> bool:
    # The rule is chosen by the first character because both rules keep it visible,
    # which is what makes masking a masked name a no-op.
    return char.isalpha() and unicodedata.name(char, "").startswith("LATIN")


# ---------------------------------------------------------------------------- phones

_PHONE_NOISE = re.compile(r"[\s\-.()/\u2010-\u2015\u2212]+")
_THREE_DIGIT_HEADS = frozenset(
    {
        "010", "011", "016", "017", "018", "019", "070", "080",
        "031", "032", "033",
        "041", "042", "043", "044",
        "051", "052", "053", "054", "055",
        "061", "062", "063", "064",
    }
)  # fmt: skip
_SAFE_HEADS = frozenset(f"050{n}" for n in range(2, 9))
_SEPARATORS = frozenset(" -.()")


def mask_phone(value: str) -> str:
    """`010-1234-5678`→`010-****-5678`: the line prefix and the last four stay visible.

    The last four digits are what CS staff search by; the middle group is always hidden.
    `1588-1234`→`15**-1234`, `+1 415 555 1234`→`+*******1234`. Anything else keeps
    only its last four digits.
    """
    text = unicodedata.normalize("NFKC", value).strip()
    masked = _mask_known_phone(_PHONE_NOISE.sub("", text))
    if masked is not None:
        return masked
    return _mask_all_but_last_four_digits(text)


def _mask_known_phone(compact: str) -> str | None:
    """The masked form of a phone whose digits (or `*` where already masked) fit a shape.

    The head must be real digits, so the output of the fallback below, which keeps at
    most four digits, never fits a shape: that is what keeps masking idempotent.
    """
    if compact.startswith("+"):
        body = compact[1:]
        if not body.startswith("82"):
            if len(body) > 4 and _is_masked_digits(body) and _is_digits(body[-4:]):
                return "+" + MASK * (len(body) - 4) + body[-4:]
            return None
        compact = _national(body[2:])
    elif compact.startswith("82") and len(compact) >= 10 and _is_digits(compact[:4]):
        compact = _national(compact[2:])
    if not _is_masked_digits(compact) or not _is_digits(compact[-4:]):
        return None
    n, tail = len(compact), compact[-4:]
    if compact[:2] == "02" and n in (9, 10):
        head = "02"
    elif compact[:4] in _SAFE_HEADS and n in (11, 12):
        head = compact[:4]
    elif compact[:3] in _THREE_DIGIT_HEADS and n in (10, 11):
        head = compact[:3]
    elif compact[:2] in ("15", "16", "18") and n == 8:
        # The two digits after 15/16/18 pick the business: they are the middle group.
        return f"{compact[:2]}{MASK * 2}-{tail}"
    else:
        return None
    return f"{head}-{MASK * (n - len(head) - 4)}-{tail}"


def _national(after_country_code: str) -> str:
    return after_country_code if after_country_code.startswith("0") else "0" + after_country_code


def _mask_all_but_last_four_digits(text: str) -> str:
    digit_positions = [i for i, c in enumerate(text) if _is_digits(c)]
    keep = set(digit_positions[-4:])
    # `+` is hidden too: kept, it could make this output look like an international
    # number on a second pass and be reshaped.
    return "".join(c if i in keep or c in _SEPARATORS else MASK for i, c in enumerate(text))


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _is_masked_digits(text: str) -> bool:
    return bool(text) and all(c == MASK or _is_digits(c) for c in text)


# ---------------------------------------------------------------------------- e-mail


def mask_email(value: str) -> str:
    """`abcdef@example.com`→`ab****@example.com`, `a@x.com`→`*@x.com`."""
    text = value.strip()
    local, at, domain = text.rpartition("@")
    if not at:
        local, domain = text, ""
    if len(local) <= 1:
        shown = 0
    elif len(local) == 2:
        shown = 1
    else:
        shown = 2
    return local[:shown] + MASK * (len(local) - shown) + at + domain


# ---------------------------------------------------------------------------- RRN

_RRN = re.compile(r"^([0-9]{6})-?([0-9*])([0-9*]{6})$")


def mask_rrn(value: str) -> str:
    """`900101-1234567`→`900101-1******` (resident and alien registration numbers).

    Birth date and the sex/century digit stay, as the law allows them to be shown; the
    rest is hidden. Anything that does not look like one is hidden entirely.
    """
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    match = _RRN.match(text)
    if match is None:
        return MASK * len(text)
    birth, marker, _rest = match.groups()
    return f"{birth}-{marker}{MASK * 6}"


# ---------------------------------------------------------------------------- address

_SIDO_NAMES = frozenset(
    {
        "서울", "서울시", "부산", "부산시", "대구", "대구시", "인천", "인천시",
        "광주", "광주시", "대전", "대전시", "울산", "울산시", "세종", "세종시",
        "경기", "경기도", "강원", "강원도", "충북", "충청북도", "충남", "충청남도",
        "전북", "전라북도", "전남", "전라남도", "경북", "경상북도", "경남", "경상남도",
        "제주", "제주도",
    }
)  # fmt: skip
_SIDO = re.compile(r"^[가-힣]+(?:특별시|광역시|특별자치시|특별자치도)$")
_SIGUNGU = re.compile(r"^[가-힣]+(?:시|군|구)$")
_EUPMYEON = re.compile(r"^[가-힣]+[0-9]*(?:읍|면)$")
_ROAD = re.compile(r"^([가-힣][가-힣0-9.·]*(?:로|길))([0-9].*)?$")
_DONG = re.compile(r"^([가-힣][가-힣0-9.·]*(?:동|리|가))([0-9].*)?$")
_POSTCODE_TOKEN = re.compile(r"^[\[(]?[0-9]{5}[\])]?$")


def mask_address(value: str) -> str:
    """Keep the region and the road (or 동/리) name, hide the rest with `***`.

    `서울특별시 강남구 테헤란로 123 4층 401호`→`서울특별시 강남구 테헤란로 ***`. The
    building number and the detail address are never shown; an address that cannot be
    read keeps only the region words recognised at its start.
    """
    tokens = unicodedata.normalize("NFC", value).split()
    if tokens and _POSTCODE_TOKEN.match(tokens[0]):
        # A postcode pins a few blocks, finer than the district the masked form allows.
        tokens = tokens[1:]
    if not tokens:
        return ""
    kept: list[str] = []
    i = 0
    if tokens[i] in _SIDO_NAMES or _SIDO.match(tokens[i]):
        kept.append(tokens[i])
        i += 1
    districts = 0
    while i < len(tokens) and districts < 2 and _SIGUNGU.match(tokens[i]):
        kept.append(tokens[i])
        i += 1
        districts += 1
    if i < len(tokens) and kept and _EUPMYEON.match(tokens[i]):
        kept.append(tokens[i])
        i += 1
    if i < len(tokens) and kept:
        # A bare `홍길동` also ends in 동, so a 동/road name counts only after a region.
        locality = _ROAD.match(tokens[i]) or _DONG.match(tokens[i])
        if locality is not None:
            kept.append(locality.group(1))
            i += 1
            if locality.group(2):
                return " ".join([*kept, _ADDRESS_MASK])
    if i == len(tokens):
        return " ".join(kept)
    return " ".join([*kept, _ADDRESS_MASK])
