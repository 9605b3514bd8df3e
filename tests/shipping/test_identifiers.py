"""C6-07: identifiers shipping does not need are detected and masked, and nothing else is."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jikim.shipping.normalizers.identifiers import (
    Finding,
    IdentifierKind,
    column_suggests_identifier,
    find_customs_code,
    find_identifiers,
    mask_identifiers,
)

DIGIT = st.sampled_from("0123456789")
# Korean prose with punctuation but no digits or Latin letters, so an embedded value's
# boundaries are the value's own.
KOREAN_TEXT = st.text(
    st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3) | st.sampled_from(" .,:()\n"),
    max_size=40,
)


def digits_of(text: str) -> str:
    return "".join(c for c in text if c.isascii() and c.isdigit())


def rrn_check_digit(first12: str, *, alien: bool = False) -> str:
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
    check = (11 - sum(int(d) * w for d, w in zip(first12, weights, strict=True)) % 11) % 10
    return str((check + 2) % 10 if alien else check)


def luhn_complete(body: str) -> str:
    """`body` with the Luhn check digit appended."""
    total = 0
    for i, char in enumerate(reversed(body)):
        d = int(char)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return body + str(-total % 10)


def kinds(text: str) -> list[IdentifierKind]:
    return [f.kind for f in find_identifiers(text)]


# ------------------------------------------------------------------------ examples

VALID_RRN = "900101-123456" + rrn_check_digit("900101123456")


@pytest.mark.parametrize(
    ("text", "kind", "value", "checksum_ok"),
    [
        (f"주민번호 {VALID_RRN} 입니다", IdentifierKind.RRN, VALID_RRN, True),
        ("주민번호: 900101-1234567", IdentifierKind.RRN, "900101-1234567", False),
        ("주민번호9001011234567요", IdentifierKind.RRN, "9001011234567", False),
        ("주민 900101 1234567", IdentifierKind.RRN, "900101 1234567", False),
        ("２１０３０１－３９８７６５４", IdentifierKind.RRN, "２１０３０１－３９８７６５４", False),
        # Issued after October 2020: random trailing digits are still an RRN.
        ("신생아 210301-4123457", IdentifierKind.RRN, "210301-4123457", False),
        ("외국인 900101-5234567", IdentifierKind.ALIEN_REGISTRATION, "900101-5234567", False),
        ("외국인 050505-7123457", IdentifierKind.ALIEN_REGISTRATION, "050505-7123457", False),
        ("외국인 050505-7123456", IdentifierKind.ALIEN_REGISTRATION, "050505-7123456", True),
        ("여권 M12345678", IdentifierKind.PASSPORT, "M12345678", None),
        ("여권번호는 M123A4567 입니다", IdentifierKind.PASSPORT, "M123A4567", None),
        ("여권 S98765432", IdentifierKind.PASSPORT, "S98765432", None),
        ("면허 11-12-345678-90", IdentifierKind.DRIVER_LICENCE, "11-12-345678-90", None),
        ("면허 28 05 123456 01", IdentifierKind.DRIVER_LICENCE, "28 05 123456 01", None),
        ("면허 서울 12-345678-90", IdentifierKind.DRIVER_LICENCE, "서울 12-345678-90", None),
        ("카드 4111 1111 1111 1111", IdentifierKind.CARD, "4111 1111 1111 1111", True),
        ("카드 5555-5555-5555-4444", IdentifierKind.CARD, "5555-5555-5555-4444", True),
        ("카드번호4111111111111111로", IdentifierKind.CARD, "4111111111111111", True),
        ("아멕스 3782 822463 10005", IdentifierKind.CARD, "3782 822463 10005", True),
        ("아멕스 378282246310005", IdentifierKind.CARD, "378282246310005", True),
        ("카드 2221 0000 0000 0009", IdentifierKind.CARD, "2221 0000 0000 0009", True),
    ],
)
def test_c6_07_each_kind_is_found(text, kind, value, checksum_ok):
    (finding,) = find_identifiers(text)
    assert finding.kind is kind
    assert text[finding.start : finding.end] == value
    assert finding.checksum_ok is checksum_ok


@pytest.mark.parametrize(
    "text",
    [
        "연락처 010-1234-5678",
        "연락처 01012345678, 02-123-4567, 0504-1234-5678, 050412345678",
        "대표번호 1588-1234 / +82 10 1234 5678 / +44 7911 123456",
        "주문번호 2024011512345678",
        "주문번호 20240115123456789",
        "상품주문번호 2024011598765432101",
        "송장 6089123456789 (우체국)",
        "송장 123456789012",
        "우편번호 06234",
        "주문일 2024-01-15, 20240115, 2024.01.15",
        "잘못된 카드 4111 1111 1111 1112",
        "통관부호 P123456789012",
        "월 13 번째 날 901301-1234567",
        "주민번호 900101-1******",
        "모델명 AM12345678X",
        "",
    ],
)
def test_c6_07_everyday_shipping_values_are_not_flagged(text):
    assert find_identifiers(text) == []


def test_known_limit_unseparated_13_digits_reading_as_a_birth_date_are_flagged():
    """The checksum may not veto an RRN, so a 13-digit code that starts with a valid
    date and marker is reported. Importers therefore scan free text and unknown
    columns, not the order-number or tracking-number columns they already know."""
    assert kinds("송장 6012011234567") == [IdentifierKind.RRN]


def test_c6_07_customs_code_is_kept_not_flagged():
    text = "개인통관고유부호 p123456789012 로 통관"
    assert find_identifiers(text) == []
    assert find_customs_code(text) == "P123456789012"
    assert find_customs_code("통관부호 없음") is None
    masked, findings = mask_identifiers(text)
    assert masked == text
    assert findings == []


def test_c6_07_mask_identifiers_forms():
    text = (
        "주민 900101-1234567, 외국인 9001015234567, 카드 4111-1111-1111-1111, "
        "여권 M123A4567, 면허 11-12-345678-90"
    )
    masked, findings = mask_identifiers(text)
    assert masked == (
        "주민 900101-1******, 외국인 900101-5******, 카드 ****-****-****-1111, "
        "여권 M1*******, 면허 11-**-******-**"
    )
    assert [f.kind for f in findings] == [
        IdentifierKind.RRN,
        IdentifierKind.ALIEN_REGISTRATION,
        IdentifierKind.CARD,
        IdentifierKind.PASSPORT,
        IdentifierKind.DRIVER_LICENCE,
    ]


def test_finding_repr_carries_no_value():
    (finding,) = find_identifiers("900101-1234567")
    assert "1234567" not in repr(finding)
    assert finding == Finding(IdentifierKind.RRN, 0, 14, checksum_ok=False)


@pytest.mark.parametrize(
    ("header", "suggests"),
    [
        ("구매자 주민등록번호", True),
        ("주민번호", True),
        ("주민등록번호(앞자리)", True),
        ("여권번호", True),
        ("운전면허번호", True),
        ("외국인등록번호", True),
        ("카드번호", True),
        ("Passport No.", True),
        ("RRN", True),
        ("card_number", True),
        ("개인통관고유부호", False),
        ("개인통관번호(PCCC)", False),
        ("수취인전화번호", False),
        ("주문번호", False),
        ("카드승인번호", False),
        ("결제수단", False),
        ("Business Number", False),
        ("", False),
    ],
)
def test_c6_07_column_header_hint(header, suggests):
    assert column_suggests_identifier(header) is suggests


# ------------------------------------------------------------------------ properties


@given(text=st.text())
def test_any_text_is_scanned_without_error(text):
    findings = find_identifiers(text)
    masked, same = mask_identifiers(text)
    assert same == findings
    assert all(0 <= f.start < f.end <= len(text) for f in findings)
    assert all(a.end <= b.start for a, b in itertools.pairwise(findings))
    find_customs_code(text)
    column_suggests_identifier(text)
    # What has been masked is not found again.
    assert find_identifiers(masked) == []


@st.composite
def registration_numbers(draw) -> tuple[str, IdentifierKind, bool]:
    """(number as typed, kind, whether its check digit is right)."""
    born = draw(st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)))
    alien = draw(st.booleans())
    marker = (1 if born.year < 2000 else 3) + draw(st.sampled_from([0, 1])) + (4 if alien else 0)
    first12 = born.strftime("%y%m%d") + str(marker) + draw(st.text(DIGIT, min_size=5, max_size=5))
    valid = draw(st.booleans())
    check = rrn_check_digit(first12, alien=alien) if valid else draw(DIGIT)
    number = first12 + check
    typed = draw(
        st.sampled_from([f"{number[:6]}-{number[6:]}", number, f"{number[:6]} {number[6:]}"])
    )
    kind = IdentifierKind.ALIEN_REGISTRATION if alien else IdentifierKind.RRN
    return typed, kind, check == rrn_check_digit(first12, alien=alien)


@given(before=KOREAN_TEXT, after=KOREAN_TEXT, rrn=registration_numbers())
def test_c6_07_registration_numbers_in_korean_text_are_found_and_masked(before, after, rrn):
    typed, kind, checksum_ok = rrn
    text = f"{before}{typed}{after}"
    (finding,) = find_identifiers(text)
    assert (finding.kind, finding.start, finding.end) == (
        kind,
        len(before),
        len(before) + len(typed),
    )
    assert finding.checksum_ok is checksum_ok
    masked, _ = mask_identifiers(text)
    number = digits_of(typed)
    assert typed not in masked
    assert digits_of(masked) == number[:7]
    assert masked == f"{before}{number[:6]}-{number[6]}******{after}"


@st.composite
def card_numbers(draw) -> str:
    lead, length = draw(
        st.sampled_from(
            [("4", 13), ("4", 16), ("4", 19), ("51", 16), ("55", 16), ("2720", 16),
             ("34", 15), ("37", 15), ("36", 14), ("35", 16), ("62", 16), ("62", 19),
             ("9410", 16)]
        )
    )  # fmt: skip
    body = lead + draw(
        st.text(DIGIT, min_size=length - len(lead) - 1, max_size=length - len(lead) - 1)
    )
    number = luhn_complete(body)
    style = draw(st.sampled_from(["plain", "space", "hyphen"]))
    if style == "plain":
        return number
    sep = " " if style == "space" else "-"
    if length == 15:
        return sep.join([number[:4], number[4:10], number[10:]])
    return sep.join(number[i : i + 4] for i in range(0, length, 4))


@given(before=KOREAN_TEXT, after=KOREAN_TEXT, card=card_numbers())
def test_c6_07_card_numbers_in_korean_text_are_found_and_masked(before, after, card):
    text = f"{before}{card}{after}"
    (finding,) = find_identifiers(text)
    assert (finding.start, finding.end) == (len(before), len(before) + len(card))
    if finding.kind is not IdentifierKind.CARD:
        # A 13-digit run that is also a plausible birth date + marker reads as an RRN.
        assert len(card) == 13
        assert finding.kind in (IdentifierKind.RRN, IdentifierKind.ALIEN_REGISTRATION)
        return
    masked, _ = mask_identifiers(text)
    assert card not in masked
    assert digits_of(masked) == digits_of(card)[-4:]
    assert len(masked) == len(text)


@st.composite
def phone_texts(draw) -> str:
    head, sizes = draw(
        st.sampled_from(
            [("010", (4,)), ("011", (3, 4)), ("02", (3, 4)), ("031", (3, 4)), ("070", (4,)),
             ("0504", (3, 4)), ("080", (3,)), ("15", (2,)), ("18", (2,))]
        )
    )  # fmt: skip
    size = draw(st.sampled_from(sizes))
    middle = draw(st.text(DIGIT, min_size=size, max_size=size))
    tail = draw(st.text(DIGIT, min_size=4, max_size=4))
    if head in ("15", "18"):
        return draw(st.sampled_from(["-", " ", ""])).join([head + middle, tail])
    style = draw(st.sampled_from(["-", " ", ".", "", "+82"]))
    if style == "+82":
        return f"+82 {head[1:]} {middle} {tail}"
    return style.join([head, middle, tail])


@given(
    before=KOREAN_TEXT, after=KOREAN_TEXT, phones=st.lists(phone_texts(), min_size=1, max_size=3)
)
def test_c6_07_phone_numbers_are_never_flagged(before, after, phones):
    text = before + ", ".join(phones) + after
    assert find_identifiers(text) == []
    assert mask_identifiers(text)[0] == text


@given(
    before=KOREAN_TEXT,
    after=KOREAN_TEXT,
    order=st.builds(
        lambda day, serial: day.strftime("%Y%m%d") + serial,
        st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31)),
        st.text(DIGIT, min_size=5, max_size=11),
    ),
)
def test_c6_07_date_prefixed_order_numbers_are_never_flagged(before, after, order):
    assert find_identifiers(f"{before}{order}{after}") == []


@given(before=KOREAN_TEXT, after=KOREAN_TEXT, code=st.text(DIGIT, min_size=12, max_size=12))
def test_c6_07_customs_codes_are_kept(before, after, code):
    text = f"{before}P{code}{after}"
    assert find_identifiers(text) == []
    assert find_customs_code(text) == f"P{code}"
