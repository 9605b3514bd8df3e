"""Phone, postcode and text normalisation of what marketplaces export."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from jikim.shipping.normalizers.phone import (
    Phone,
    PhoneError,
    PhoneKind,
    last4,
    normalise_phone,
)
from jikim.shipping.normalizers.postcode import Postcode, PostcodeError, normalise_postcode
from jikim.shipping.normalizers.text import Address, clean_address, clean_name
from jikim.vault.masking import mask_phone

DIGIT = st.sampled_from("0123456789")
FULL_WIDTH = str.maketrans("0123456789-()", "０１２３４５６７８９－（）")


def digits(size: int) -> st.SearchStrategy[str]:
    return st.text(DIGIT, min_size=size, max_size=size)


# ------------------------------------------------------------------------ phones


@pytest.mark.parametrize(
    ("raw", "digits_", "display", "kind"),
    [
        ("010-1234-5678", "01012345678", "010-1234-5678", PhoneKind.MOBILE),
        ("01012345678", "01012345678", "010-1234-5678", PhoneKind.MOBILE),
        ("011-123-4567", "0111234567", "011-123-4567", PhoneKind.MOBILE),
        ("019 1234 5678", "01912345678", "019-1234-5678", PhoneKind.MOBILE),
        ("+82 10-1234-5678", "01012345678", "010-1234-5678", PhoneKind.MOBILE),
        ("+82 (0)10 1234 5678", "01012345678", "010-1234-5678", PhoneKind.MOBILE),
        ("82-10-1234-5678", "01012345678", "010-1234-5678", PhoneKind.MOBILE),
        ("０１０－１２３４－５６７８", "01012345678", "010-1234-5678", PhoneKind.MOBILE),
        ("010.1234.5678", "01012345678", "010-1234-5678", PhoneKind.MOBILE),
        ("1012345678", "01012345678", "010-1234-5678", PhoneKind.MOBILE),
        (1012345678, "01012345678", "010-1234-5678", PhoneKind.MOBILE),
        (1012345678.0, "01012345678", "010-1234-5678", PhoneKind.MOBILE),
        ("02-123-4567", "021234567", "02-123-4567", PhoneKind.SEOUL),
        ("(02) 1234-5678", "0212345678", "02-1234-5678", PhoneKind.SEOUL),
        ("+82 2 1234 5678", "0212345678", "02-1234-5678", PhoneKind.SEOUL),
        ("031-123-4567", "0311234567", "031-123-4567", PhoneKind.REGIONAL),
        ("064-1234-5678", "06412345678", "064-1234-5678", PhoneKind.REGIONAL),
        ("070-1234-5678", "07012345678", "070-1234-5678", PhoneKind.INTERNET),
        ("0504-1234-5678", "050412345678", "0504-1234-5678", PhoneKind.SAFE),
        ("0502-123-4567", "05021234567", "0502-123-4567", PhoneKind.SAFE),
        ("050712345678", "050712345678", "0507-1234-5678", PhoneKind.SAFE),
        ("080-123-4567", "0801234567", "080-123-4567", PhoneKind.FREE),
        ("1588-1234", "15881234", "1588-1234", PhoneKind.BUSINESS),
        ("1644 1234", "16441234", "1644-1234", PhoneKind.BUSINESS),
        ("1800-1234", "18001234", "1800-1234", PhoneKind.BUSINESS),
        ("+1 415-555-1234", "14155551234", "+14155551234", PhoneKind.INTERNATIONAL),
    ],
)
def test_normalise_phone_examples(raw, digits_, display, kind):
    assert normalise_phone(raw) == Phone(digits=digits_, display=display, kind=kind)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "empty"),
        ("  - ", "empty"),
        ("010-123-456", "wrong_length"),
        ("010-1234-56789", "wrong_length"),
        ("070-123-4567", "wrong_length"),
        ("0501-123-4567", "unknown_prefix"),
        ("060-123-4567", "unknown_prefix"),
        ("012-1234-5678", "unknown_prefix"),
        ("010-1234-5678 내선 12", "invalid_characters"),
        ("전화번호 없음", "invalid_characters"),
        ("+1 234", "international_length"),
        (True, "invalid_characters"),
        (1.5, "invalid_characters"),
    ],
)
def test_normalise_phone_rejects_with_a_code_and_korean_message(raw, code):
    with pytest.raises(PhoneError) as caught:
        normalise_phone(raw)
    assert caught.value.code == code
    assert any("가" <= c <= "힣" for c in str(caught.value))


@st.composite
def korean_phones(draw) -> tuple[PhoneKind, str]:
    """(kind, national digits) of a well-formed number of any domestic kind."""
    kind, head, sizes = draw(
        st.sampled_from(
            [
                (PhoneKind.MOBILE, "010", (11,)),
                (PhoneKind.MOBILE, "011", (10, 11)),
                (PhoneKind.MOBILE, "016", (10, 11)),
                (PhoneKind.MOBILE, "019", (10, 11)),
                (PhoneKind.SEOUL, "02", (9, 10)),
                (PhoneKind.REGIONAL, "031", (10, 11)),
                (PhoneKind.REGIONAL, "044", (10, 11)),
                (PhoneKind.REGIONAL, "055", (10, 11)),
                (PhoneKind.REGIONAL, "064", (10, 11)),
                (PhoneKind.INTERNET, "070", (11,)),
                (PhoneKind.SAFE, "0502", (11, 12)),
                (PhoneKind.SAFE, "0504", (11, 12)),
                (PhoneKind.SAFE, "0508", (11, 12)),
                (PhoneKind.FREE, "080", (10,)),
                (PhoneKind.BUSINESS, "15", (8,)),
                (PhoneKind.BUSINESS, "16", (8,)),
                (PhoneKind.BUSINESS, "18", (8,)),
            ]
        )
    )
    size = draw(st.sampled_from(sizes))
    return kind, head + draw(digits(size - len(head)))


@given(phone=korean_phones())
def test_phone_display_and_digits_round_trip(phone):
    kind, national = phone
    parsed = normalise_phone(national)
    assert parsed.kind is kind
    assert parsed.digits == national
    assert normalise_phone(parsed.display) == parsed
    assert parsed.display.replace("-", "") == national
    assert parsed.last4 == national[-4:] == last4(parsed.display)


@st.composite
def noisy(draw, display: str) -> str:
    """The display form as people and spreadsheets mangle it."""
    groups = display.split("-")
    separator = draw(st.sampled_from(["-", " ", ".", "", " - ", "\u00a0", "–"]))
    text = separator.join(groups)
    if draw(st.booleans()) and len(groups) == 3:
        text = f"({groups[0]}) {groups[1]}-{groups[2]}"
    if draw(st.booleans()):
        text = text.translate(FULL_WIDTH)
    return draw(st.sampled_from(["", " ", "\t"])) + text + draw(st.sampled_from(["", " "]))


@given(data=st.data(), phone=korean_phones())
def test_formatting_noise_does_not_change_the_phone(data, phone):
    _kind, national = phone
    expected = normalise_phone(national)
    assert normalise_phone(data.draw(noisy(expected.display))) == expected


@given(phone=korean_phones(), keep_zero=st.booleans())
def test_country_code_form_is_the_domestic_number(phone, keep_zero):
    kind, national = phone
    assume(kind is not PhoneKind.BUSINESS)  # 15xx numbers are unreachable from abroad
    rest = national if keep_zero else national[1:]
    assert normalise_phone(f"+82 {rest}") == normalise_phone(national)


@given(phone=korean_phones())
def test_excel_number_cell_without_leading_zero(phone):
    kind, national = phone
    assume(kind is not PhoneKind.BUSINESS)
    assert normalise_phone(int(national)) == normalise_phone(national)


@given(phone=korean_phones())
def test_c9_06_masked_phone_agrees_with_normaliser_groups(phone):
    """The vault's masking and the normaliser split every number the same way."""
    _kind, national = phone
    parsed = normalise_phone(national)
    groups = parsed.display.split("-")
    masked = mask_phone(parsed.display)
    assert masked.endswith(groups[-1])
    assert set(masked) - set("-*") <= set(parsed.digits)
    if parsed.kind is not PhoneKind.BUSINESS:
        assert masked == f"{groups[0]}-{'*' * len(groups[1])}-{groups[2]}"


@given(raw=st.text())
def test_phone_errors_are_phone_errors_and_never_quote_the_input(raw):
    try:
        normalise_phone(raw)
    except PhoneError as error:
        assert error.code
        only_digits = "".join(c for c in raw if c.isascii() and c.isdigit())
        if len(only_digits) >= 2:
            assert only_digits not in str(error)


@given(raw=st.text(DIGIT, min_size=1, max_size=16))
def test_any_digit_string_either_parses_or_is_refused_cleanly(raw):
    try:
        phone = normalise_phone(raw)
    except PhoneError:
        return
    assert normalise_phone(phone.display) == phone


def test_last4():
    assert last4("010-1234-5678") == "5678"
    assert last4("０１０１２３４５６７８") == "5678"
    with pytest.raises(PhoneError):
        last4("12-3")


# ------------------------------------------------------------------------ postcodes


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("06234", Postcode("06234", legacy=False)),
        (" 06234 ", Postcode("06234", legacy=False)),
        ("[06234]", Postcode("06234", legacy=False)),
        ("０６２３４", Postcode("06234", legacy=False)),
        ("63644", Postcode("63644", legacy=False)),
        (6234, Postcode("06234", legacy=False)),
        (6234.0, Postcode("06234", legacy=False)),
        ("6234", Postcode("06234", legacy=False)),
        ("6234.0", Postcode("06234", legacy=False)),
        (13529, Postcode("13529", legacy=False)),
        ("123-456", Postcode("123456", legacy=True)),
        ("135080", Postcode("135080", legacy=True)),
        (135080, Postcode("135080", legacy=True)),
    ],
)
def test_normalise_postcode_examples(raw, expected):
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "empty"),
        (None, "empty"),
        ("00123", "out_of_range"),
        ("99999", "out_of_range"),
        ("623", "invalid_format"),
        ("0623", "invalid_format"),
        ("062345", "invalid_format"),
        ("1234567", "invalid_format"),
        ("06-234", "invalid_format"),
        ("서울", "invalid_format"),
        (6234.5, "invalid_format"),
        (-6234, "invalid_format"),
        (True, "invalid_format"),
    ],
)
def test_normalise_postcode_rejects_with_a_code_and_korean_message(raw, code):
    with pytest.raises(PostcodeError) as caught:
        normalise_postcode(raw)
    assert caught.value.code == code
    assert any("가" <= c <= "힣" for c in str(caught.value))


def test_legacy_postcode_is_flagged_and_never_converted():
    postcode = normalise_postcode("135-080")
    assert postcode == Postcode("135080", legacy=True)
    assert postcode.display == "135-080"


@given(zone=st.integers(1, 63), rest=digits(3))
def test_current_postcode_round_trips_as_text_and_as_excel_number(zone, rest):
    code = f"{zone:02d}{rest}"
    postcode = normalise_postcode(code)
    assert postcode == Postcode(code, legacy=False)
    assert normalise_postcode(postcode.code) == postcode
    assert normalise_postcode(int(code)) == postcode
    assert normalise_postcode(float(code)) == postcode


@given(raw=st.text())
def test_any_text_is_a_postcode_or_a_postcode_error(raw):
    try:
        postcode = normalise_postcode(raw)
    except PostcodeError as error:
        assert error.code
        return
    assert len(postcode.code) == (6 if postcode.legacy else 5)
    assert postcode.code.isascii()
    assert postcode.code.isdigit()


# ------------------------------------------------------------------------ text


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("  홍길동  ", "홍길동"),
        ("홍\u200b길동", "홍길동"),
        ("\ufeff홍길동", "홍길동"),
        ("홍길동\u200e", "홍길동"),
        ("John \t\n Smith", "John Smith"),
        ("남궁\u3000민수", "남궁 민수"),
        (unicodedata.normalize("NFD", "홍길동"), "홍길동"),
        ("홍길\x00동", "홍길동"),
        ("", ""),
    ],
)
def test_clean_name_examples(raw, cleaned):
    assert clean_name(raw) == cleaned


@given(raw=st.text())
def test_clean_name_is_idempotent_visible_nfc_text(raw):
    cleaned = clean_name(raw)
    assert clean_name(cleaned) == cleaned
    assert unicodedata.is_normalized("NFC", cleaned)
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned
    assert not any(unicodedata.category(c) in {"Cc", "Cf", "Cs", "Co"} for c in cleaned)


def test_clean_address_keeps_base_and_detail_apart():
    address = clean_address(" 서울특별시 강남구  테헤란로 123 ", "\u200b4층 401호 ")
    assert address == Address(base="서울특별시 강남구 테헤란로 123", detail="4층 401호")
    assert address.full == "서울특별시 강남구 테헤란로 123 4층 401호"


def test_clean_address_never_splits_a_combined_string():
    combined = "서울특별시 강남구 테헤란로 123 4층 401호"
    assert clean_address(combined) == Address(base=combined, detail=None)
    assert clean_address(combined, "  ") == Address(base=combined, detail=None)


@given(base=st.text(), detail=st.none() | st.text())
def test_clean_address_cleans_each_part_on_its_own(base, detail):
    address = clean_address(base, detail)
    assert address.base == clean_name(base)
    assert address.detail == (clean_name(detail or "") or None)
