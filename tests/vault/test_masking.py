"""Masking rules: exact forms staff see, and properties that no input may break."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from jikim.vault.masking import (
    mask_address,
    mask_email,
    mask_generic,
    mask_name,
    mask_phone,
    mask_rrn,
)

MASKERS = [mask_name, mask_phone, mask_address, mask_email, mask_rrn, mask_generic]
HANGUL = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)
DIGIT = st.sampled_from("0123456789")


def digits_of(text: str) -> str:
    return "".join(c for c in text if c.isascii() and c.isdigit())


# ------------------------------------------------------------------------ any text


@pytest.mark.parametrize("masker", MASKERS, ids=lambda f: f.__name__)
@given(value=st.text())
def test_c9_06_any_text_is_masked_without_error_and_masking_is_idempotent(masker, value):
    once = masker(value)
    assert isinstance(once, str)
    assert masker(once) == once


# ------------------------------------------------------------------------ names


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("홍길동", "홍*동"),
        ("김철", "김*"),
        ("남궁민수", "남**수"),
        ("남궁 민수", "남**수"),
        ("홍", "*"),
        ("  홍길동 ", "홍*동"),
        ("John Smith", "J*** S****"),
        ("John", "J***"),
        ("J", "*"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_mask_name_examples(raw, masked):
    assert mask_name(raw) == masked


@given(name=st.text(HANGUL, min_size=3, max_size=6))
def test_korean_name_shows_only_first_and_last_syllable(name):
    masked = mask_name(name)
    assert masked == name[0] + "*" * (len(name) - 2) + name[-1]
    assert set(masked) <= {name[0], name[-1], "*"}


@given(name=st.text(HANGUL, min_size=1, max_size=2))
def test_short_korean_name_never_shown_whole(name):
    assert mask_name(name) != name


@given(words=st.lists(st.from_regex(r"[A-Z][a-z]{1,8}", fullmatch=True), min_size=1, max_size=3))
def test_latin_name_shows_initials_only(words):
    masked = mask_name(" ".join(words))
    assert masked.split() == [w[0] + "*" * (len(w) - 1) for w in words]


# ------------------------------------------------------------------------ phones


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("010-1234-5678", "010-****-5678"),
        ("01012345678", "010-****-5678"),
        ("010 1234 5678", "010-****-5678"),
        ("+82 10-1234-5678", "010-****-5678"),
        ("011-123-4567", "011-***-4567"),
        ("02-123-4567", "02-***-4567"),
        ("02-1234-5678", "02-****-5678"),
        ("031-123-4567", "031-***-4567"),
        ("070-1234-5678", "070-****-5678"),
        ("0504-1234-5678", "0504-****-5678"),
        ("0502-123-4567", "0502-***-4567"),
        ("080-123-4567", "080-***-4567"),
        ("1588-1234", "15**-1234"),
        ("+1 415 555 1234", "+*******1234"),
        ("010-****-5678", "010-****-5678"),
        ("abc 1234567", "*** ***4567"),
        ("", ""),
    ],
)
def test_mask_phone_examples(raw, masked):
    assert mask_phone(raw) == masked


@st.composite
def korean_phones(draw) -> tuple[str, str, str]:
    """(head, middle, tail) of a well-formed Korean number."""
    head, middle_sizes = draw(
        st.sampled_from(
            [
                ("010", (4,)),
                ("011", (3, 4)),
                ("019", (3, 4)),
                ("02", (3, 4)),
                ("031", (3, 4)),
                ("064", (3, 4)),
                ("070", (4,)),
                ("080", (3,)),
                ("0504", (3, 4)),
                ("0507", (3, 4)),
            ]
        )
    )
    size = draw(st.sampled_from(middle_sizes))
    middle = "".join(draw(st.lists(DIGIT, min_size=size, max_size=size)))
    tail = "".join(draw(st.lists(DIGIT, min_size=4, max_size=4)))
    return head, middle, tail


@given(parts=korean_phones(), separator=st.sampled_from(["-", "", " ", ".", ")"]))
def test_c9_06_phone_middle_group_is_hidden_and_last_four_kept(parts, separator):
    head, middle, tail = parts
    masked = mask_phone(separator.join(parts))
    assert masked == f"{head}-{'*' * len(middle)}-{tail}"
    # The only digits shown are the line prefix and the last four: the middle never.
    assert digits_of(masked) == head + tail
    if middle not in head + "-" + tail:
        assert middle not in masked


@given(
    lead=st.sampled_from(["15", "16", "18"]),
    rest=st.text(DIGIT, min_size=6, max_size=6),
)
def test_business_number_keeps_service_prefix_and_last_four(lead, rest):
    assert mask_phone(f"{lead}{rest[:2]}-{rest[2:]}") == f"{lead}**-{rest[2:]}"


@given(value=st.text())
@example("010-1234-5678 내선 12")
@example("+82 10 1234 5678")
def test_phone_mask_never_shows_more_than_prefix_and_last_four(value):
    masked = mask_phone(value)
    shown = digits_of(masked)
    assert len(shown) <= 8
    assert shown[-4:] == digits_of(unicodedata.normalize("NFKC", value))[-4:]


# ------------------------------------------------------------------------ addresses


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("서울특별시 강남구 테헤란로 123 4층 401호", "서울특별시 강남구 테헤란로 ***"),
        ("경기도 성남시 분당구 정자동 178-1", "경기도 성남시 분당구 정자동 ***"),
        ("경기도 성남시 분당구 판교역로 235 에이치스퀘어 N동", "경기도 성남시 분당구 판교역로 ***"),
        ("서울 강남구 테헤란로4길 12 101동 202호", "서울 강남구 테헤란로4길 ***"),
        ("서울 강남구 테헤란로123 4층", "서울 강남구 테헤란로 ***"),
        ("경기 양평군 양평읍 중앙로 1", "경기 양평군 양평읍 중앙로 ***"),
        ("전라남도 해남군 송지면 땅끝리 12", "전라남도 해남군 송지면 땅끝리 ***"),
        ("세종특별자치시 한누리대로 2130", "세종특별자치시 한누리대로 ***"),
        ("(06234) 서울특별시 강남구 테헤란로 123", "서울특별시 강남구 테헤란로 ***"),
        ("서울특별시 강남구 래미안아파트 101동", "서울특별시 강남구 ***"),
        ("서울특별시 강남구", "서울특별시 강남구"),
        ("홍길동 101호", "***"),
        ("123 Main Street, Springfield", "***"),
        ("", ""),
    ],
)
def test_mask_address_examples(raw, masked):
    assert mask_address(raw) == masked


SIDO = st.sampled_from(["서울특별시", "서울", "부산광역시", "경기도", "제주특별자치도"])
SIGUNGU = st.lists(st.sampled_from(["강남구", "성남시", "분당구", "양평군"]), max_size=2)
LOCALITY = st.builds(
    lambda stem, suffix: stem + suffix,
    st.text(HANGUL, min_size=1, max_size=4),
    st.sampled_from(["로", "길", "대로", "동", "리"]),
)


@given(
    sido=SIDO,
    sigungu=SIGUNGU,
    locality=LOCALITY,
    number=st.integers(1, 9999),
    detail=st.tuples(st.integers(1, 999), st.integers(1, 9999)),
)
def test_c9_06_address_never_shows_building_number_or_detail(
    sido, sigungu, locality, number, detail
):
    region = " ".join([sido, *sigungu])
    raw = f"{region} {locality} {number} {detail[0]}동 {detail[1]}호"
    masked = mask_address(raw)
    assert masked == f"{region} {locality} ***"
    assert not any(c.isdigit() for c in masked)


@given(value=st.text())
def test_masked_address_is_made_of_input_words(value):
    """Nothing is invented: each shown word is (the start of) a word of the input."""
    words = unicodedata.normalize("NFC", value).split()
    for shown in mask_address(value).split():
        assert shown == "***" or any(word.startswith(shown) for word in words)


# ------------------------------------------------------------------------ e-mail


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("abcdef@example.com", "ab****@example.com"),
        ("abc@example.com", "ab*@example.com"),
        ("ab@x.com", "a*@x.com"),
        ("a@x.com", "*@x.com"),
        (" hong.gildong@naver.com ", "ho**********@naver.com"),
        ("not-an-address", "no************"),
        ("", ""),
    ],
)
def test_mask_email_examples(raw, masked):
    assert mask_email(raw) == masked


@given(
    local=st.from_regex(r"[a-z0-9._%+\-]{1,30}", fullmatch=True),
    domain=st.from_regex(r"[a-z0-9\-]{1,20}\.(com|net|kr|co\.kr)", fullmatch=True),
)
def test_email_keeps_domain_and_at_most_two_characters(local, domain):
    masked = mask_email(f"{local}@{domain}")
    masked_local, _, masked_domain = masked.rpartition("@")
    assert masked_domain == domain
    assert len(masked_local) == len(local)
    shown = masked_local.rstrip("*")
    assert len(shown) <= min(2, len(local) - 1)
    assert local.startswith(shown)


# ------------------------------------------------------------------------ RRN


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("900101-1234567", "900101-1******"),
        ("9001011234567", "900101-1******"),
        ("900101 - 1234567", "900101-1******"),
        ("９００１０１－１２３４５６７", "900101-1******"),
        ("900101-5234567", "900101-5******"),
        ("900101-1******", "900101-1******"),
        ("12345", "*****"),
        ("", ""),
    ],
)
def test_mask_rrn_examples(raw, masked):
    assert mask_rrn(raw) == masked


@given(number=st.text(DIGIT, min_size=13, max_size=13), hyphen=st.booleans())
def test_c9_06_rrn_shows_birth_date_and_marker_only(number, hyphen):
    raw = f"{number[:6]}-{number[6:]}" if hyphen else number
    masked = mask_rrn(raw)
    assert masked == f"{number[:6]}-{number[6]}******"
    assert digits_of(masked) == number[:7]


@given(value=st.text())
def test_rrn_mask_shows_no_digit_beyond_the_seventh(value):
    shown = digits_of(mask_rrn(value))
    assert len(shown) <= 7
    assert digits_of(unicodedata.normalize("NFKC", value)).startswith(shown)


# ------------------------------------------------------------------------ generic


@pytest.mark.parametrize(
    ("raw", "keep_last", "masked"),
    [
        ("abcdef", 0, "******"),
        ("abcdef", 2, "****ef"),
        ("ab", 4, "*b"),
        ("a", 1, "*"),
        ("", 3, ""),
    ],
)
def test_mask_generic_examples(raw, keep_last, masked):
    assert mask_generic(raw, keep_last=keep_last) == masked


@given(value=st.text(min_size=1), keep_last=st.integers(0, 20))
def test_generic_mask_never_shows_the_whole_value(value, keep_last):
    text = value.strip()
    masked = mask_generic(value, keep_last=keep_last)
    assert len(masked) == len(text)
    if text:
        assert masked[0] == "*"
        visible = min(keep_last, len(text) - 1)
        assert masked.endswith(text[len(text) - visible :])
    assert mask_generic(masked, keep_last=keep_last) == masked


def test_generic_mask_rejects_negative_keep_last():
    with pytest.raises(ValueError, match="0 이상"):
        mask_generic("abc", keep_last=-1)
