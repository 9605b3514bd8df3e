"""A courier sheet's 휴대폰 column holds the recipient's mobile number, whichever of the two
numbers it came as; its 전화 column the other number (files out, bug 2). Couriers text the
휴대폰 column: a landline there means no delivery notice.

A recipient without a mobile number often has a marketplace's 050x safe number (안심번호):
it relays the courier's texts to the real phone, so it goes to 휴대폰 when no mobile number
is there. A real mobile number still wins; a landline never goes to 휴대폰."""

from __future__ import annotations

import pytest

from jikim.shipping.exports.couriers import (
    CJ_CNPLUS,
    EPOST_PRE_RECEIPT,
    HANJIN_DEFAULT,
    LAYOUTS,
    LOGEN_DEFAULT,
    LOTTE,
)
from jikim.shipping.exports.layout import Layout
from jikim.shipping.exports.render import RenderError, render
from tests.shipping import marketplace_files as files
from tests.shipping.test_files_out import as_dicts, courier_post, decrypt, imported, read_book

MOBILE, LANDLINE, SAFE = "010-2345-6789", "02-555-1234", "0504-1234-5678"
# (layout, its 휴대폰 column, its 전화 column)
SPLIT = [
    pytest.param(layout, mobile, other, id=layout.id)
    for layout, mobile, other in (
        (HANJIN_DEFAULT, "휴대폰", "전화번호"),
        (LOGEN_DEFAULT, "수하인휴대폰", "수하인전화"),
        (EPOST_PRE_RECEIPT, "휴대전화(010-1234-5678)", "일반전화(02-1234-5678)"),
    )
]
# (phone1, phone2) -> (휴대폰, 전화)
CASES = [
    ((MOBILE, LANDLINE), (MOBILE, LANDLINE)),
    ((LANDLINE, MOBILE), (MOBILE, LANDLINE)),
    ((MOBILE, ""), (MOBILE, "")),
    ((LANDLINE, ""), ("", LANDLINE)),
    (("", MOBILE), (MOBILE, "")),
    (("031-777-8888", "011-234-5678"), ("011-234-5678", "031-777-8888")),
    (("010-1111-2222", "010-3333-4444"), ("010-1111-2222", "010-3333-4444")),
    ((MOBILE, "01023456789"), (MOBILE, "")),  # the same number twice is written once
    # 050x safe numbers: 휴대폰 when there is no mobile number, never over one.
    ((SAFE, ""), (SAFE, "")),
    (("", SAFE), (SAFE, "")),
    (("0505-100-2000", ""), ("0505-100-2000", "")),
    ((SAFE, LANDLINE), (SAFE, LANDLINE)),
    ((LANDLINE, SAFE), (SAFE, LANDLINE)),
    ((MOBILE, SAFE), (MOBILE, SAFE)),
    ((SAFE, MOBILE), (MOBILE, SAFE)),
    ((SAFE, "050412345678"), (SAFE, "")),
    (("0502-123-4567", SAFE), ("0502-123-4567", SAFE)),
    (("070-1234-5678", LANDLINE), ("", "070-1234-5678")),  # an internet line is no mobile
]

SHIPMENT = {
    "recipient_name": "홍길동",
    "recipient_address": "서울특별시 강남구 테헤란로 1",
    "order_no": "0020240501001",
    "product_order_no": "2024050112345671",
}


def cells(layout: Layout, phone1: str, phone2: str) -> dict[str, str]:
    shipment = dict(SHIPMENT, recipient_phone1=phone1, recipient_phone2=phone2)
    headers, rows = render(layout, [shipment])
    return dict(zip(headers, rows[0], strict=True))


@pytest.mark.parametrize(("layout", "mobile", "other"), SPLIT)
@pytest.mark.parametrize(("given", "expected"), CASES, ids=lambda v: "/".join(v) or "none")
def test_the_mobile_number_goes_to_the_mobile_column(
    layout: Layout, mobile: str, other: str, given: tuple[str, str], expected: tuple[str, str]
) -> None:
    row = cells(layout, *given)
    assert (row[mobile], row[other]) == expected


@pytest.mark.parametrize(("layout", "mobile", "other"), SPLIT)
def test_a_recipient_without_any_number_is_refused(layout: Layout, mobile: str, other: str) -> None:
    with pytest.raises(RenderError) as caught:
        render(layout, [dict(SHIPMENT, recipient_phone1="", recipient_phone2="")])
    assert {(p.header, p.code) for p in caught.value.problems} == {
        (mobile, "missing"),
        (other, "missing"),
    }


@pytest.mark.parametrize(
    ("layout", "first", "second"),
    [
        pytest.param(CJ_CNPLUS, "받는분전화번호", "받는분기타연락처", id="cj_cnplus"),
        pytest.param(LOTTE, "전화번호1", "전화번호2", id="lotte"),
    ],
)
@pytest.mark.parametrize(
    ("given", "_expected"),
    [case for case in CASES if case[0][0]],  # their first number is required
    ids=lambda v: "/".join(v) or "none",
)
def test_layouts_without_a_mobile_column_keep_the_marketplaces_order(
    layout: Layout, first: str, second: str, given: tuple[str, str], _expected: object
) -> None:
    row = cells(layout, *given)
    assert (row[first], row[second]) == given


def test_every_layout_with_a_mobile_column_is_covered() -> None:
    mobile_columns = {
        layout.id
        for layout in LAYOUTS.values()
        if any(c.source == "recipient_mobile" for c in layout.columns)
    }
    assert mobile_columns == {p.values[0].id for p in SPLIT}
    for layout in LAYOUTS.values():
        for column in layout.columns:
            if "휴대" in column.header:
                assert column.source == "recipient_mobile", (layout.id, column.header)


@pytest.mark.django_db
@pytest.mark.parametrize(("layout", "mobile", "other"), SPLIT)
def test_the_downloaded_sheet_puts_each_number_in_its_column(
    alice, login, layout: Layout, mobile: str, other: str
) -> None:
    rows = files.smartstore_rows()
    # 박지호's numbers arrive landline first; 이서연 has only a mobile.
    rows[2]["수취인연락처1"], rows[2]["수취인연락처2"] = "031-777-8888", "010-1111-2222"
    data = files.xlsx(files.SMARTSTORE_V2, rows, above=[[files.SMARTSTORE_INSTRUCTION]])
    imported(alice, data)
    response = courier_post(login(alice), layout=layout.id)
    sheet = as_dicts(read_book(decrypt(response.content))[1])
    name_column = layout.columns[0].header
    by_name = {row[name_column]: (row[mobile], row[other]) for row in sheet}
    assert by_name == {
        files.PEOPLE[0].name: ("010-2345-6789", "02-555-1234"),
        files.PEOPLE[1].name: ("010-9876-5432", ""),
        files.PEOPLE[2].name: ("010-1111-2222", "031-777-8888"),
    }


def test_a_layout_with_only_a_mobile_column_takes_a_safe_number() -> None:
    """A seller's own layout with one 휴대폰 column: a recipient who has only a safe number
    is written, not refused for a missing mobile number; one with only a landline is."""
    columns = [("받는분", "recipient_name"), ("주소", "recipient_address")]
    layout = HANJIN_DEFAULT.customised([*columns, ("휴대폰", "recipient_mobile")])
    assert cells(layout, SAFE, "")["휴대폰"] == SAFE
    assert cells(layout, LANDLINE, SAFE)["휴대폰"] == SAFE
    with pytest.raises(RenderError) as caught:
        cells(layout, LANDLINE, "")
    assert [(p.header, p.code) for p in caught.value.problems] == [("휴대폰", "missing")]


def test_the_marketplaces_tracking_sheets_carry_no_phone_number() -> None:
    """The Smartstore and Coupang upload sheets fill no phone column from the recipient's
    numbers, so which number counts as a mobile one changes nothing in them."""
    phone_sources = {"recipient_phone1", "recipient_phone2", "recipient_mobile"}
    phone_sources.add("recipient_other_phone")
    for layout in LAYOUTS.values():
        if layout.courier is None:
            assert not {c.source for c in layout.columns} & phone_sources, layout.id


# (layout, its first phone column, its second) for every courier sheet a seller downloads
EVERY_COURIER = [
    *SPLIT,
    pytest.param(CJ_CNPLUS, "받는분전화번호", "받는분기타연락처", id="cj_cnplus"),
    pytest.param(LOTTE, "전화번호1", "전화번호2", id="lotte"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("layout", "first", "second"), EVERY_COURIER)
def test_the_downloaded_sheet_gives_a_safe_number_to_the_courier(
    alice, login, layout: Layout, first: str, second: str
) -> None:
    rows = files.smartstore_rows()
    # 김민준: a mobile and a safe number; 이서연: only a safe number; 박지호: a safe number
    # and a landline, the landline first.
    rows[0]["수취인연락처1"], rows[0]["수취인연락처2"] = "010-2345-6789", "0504-1111-2222"
    rows[1]["수취인연락처1"], rows[1]["수취인연락처2"] = "0504-3333-4444", ""
    rows[2]["수취인연락처1"], rows[2]["수취인연락처2"] = "031-777-8888", "0504-5555-6666"
    data = files.xlsx(files.SMARTSTORE_V2, rows, above=[[files.SMARTSTORE_INSTRUCTION]])
    imported(alice, data)
    response = courier_post(login(alice), layout=layout.id)
    sheet = as_dicts(read_book(decrypt(response.content))[1])
    name_column = next(c.header for c in layout.columns if c.source == "recipient_name")
    by_name = {row[name_column]: (row[first], row[second]) for row in sheet}
    if layout in (CJ_CNPLUS, LOTTE):  # no 휴대폰 column: the numbers in the file's order
        expected = {
            files.PEOPLE[0].name: ("010-2345-6789", "0504-1111-2222"),
            files.PEOPLE[1].name: ("0504-3333-4444", ""),
            files.PEOPLE[2].name: ("031-777-8888", "0504-5555-6666"),
        }
    else:  # (휴대폰, 전화)
        expected = {
            files.PEOPLE[0].name: ("010-2345-6789", "0504-1111-2222"),
            files.PEOPLE[1].name: ("0504-3333-4444", ""),
            files.PEOPLE[2].name: ("0504-5555-6666", "031-777-8888"),
        }
    assert by_name == expected
