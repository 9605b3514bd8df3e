"""The bulk import's fast paths give exactly what the plain paths give: the shortcuts in
identifier scanning, the per-file memos of normalising, sealing row by row, the raw
inserts that store new lines without the ORM, and the skipped look-ups of a marketplace
the tenant has no line in yet."""

from __future__ import annotations

import dataclasses
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jikim.accounts.models import Tenant
from jikim.shipping import actions, importers, normalising
from jikim.shipping.importers import OrderRow
from jikim.shipping.models import BatchStatus, Order, Party, Shipment
from jikim.shipping.normalising import Normaliser, normalise
from jikim.shipping.normalizers import identifiers
from jikim.shipping.storing import content_hash, existing_lines, store
from jikim.vault import keyring
from jikim.vault.models import BlindIndexEntry
from tests.shipping import marketplace_files as files
from tests.vaulthelp import plain


def _fold_char_by_char(text: str) -> str:
    out = []
    for char in text:
        folded = unicodedata.normalize("NFKC", char)
        out.append(folded if len(folded) == 1 else char)
    return "".join(out)


@given(st.text(max_size=30))
@settings(max_examples=500)
def test_folding_skips_only_text_that_would_not_change(text: str) -> None:
    assert identifiers._fold(text) == _fold_char_by_char(text)


# Digits, every separator the shapes use, the letters passports and customs codes start
# with, full-width digits and region names: text dense in near-identifiers.
NEAR_IDENTIFIERS = st.lists(
    st.sampled_from([*"0123456789" * 4, *"- \u2010\u2212MSROGDPA.,１２", "서울"]),
    min_size=7,
    max_size=40,
).map("".join)


class _AlwaysScan:
    def search(self, text: str) -> bool:
        return True


@given(NEAR_IDENTIFIERS)
@settings(max_examples=1000)
def test_the_quick_screen_never_hides_an_identifier(text: str) -> None:
    screened = identifiers.find_identifiers(text)
    saved = identifiers._ANY_SHAPE
    identifiers._ANY_SHAPE = _AlwaysScan()  # type: ignore[assignment]
    try:
        scanned = identifiers.find_identifiers(text)
    finally:
        identifiers._ANY_SHAPE = saved
    assert screened == scanned


@given(st.text(max_size=20))
def test_the_digit_count_test_agrees_with_counting(text: str) -> None:
    digits = sum(1 for c in text if c.isdecimal())
    assert identifiers.may_hold_identifier(text) == (digits >= 7)


@pytest.mark.django_db
def test_raw_inserts_store_what_the_analysis_found(alice) -> None:
    tenant = Tenant.objects.get(slug="alice")
    data = files.smartstore_xlsx()
    clean = {r.product_order_no: r for r in actions.analyse_bytes(data, None).clean}
    batch = actions.do_import_file(alice, tenant, data=data, filename="주문.xlsx")
    assert batch.status == BatchStatus.COMMITTED
    orders = Order.objects.filter(tenant=tenant)
    assert orders.count() == len(clean) > 0
    for order in orders:
        row = clean[order.product_order_no]
        assert (order.marketplace, order.order_no, order.product_name, order.option) == (
            row.marketplace,
            row.order_no,
            row.product_name,
            row.option,
        )
        assert (order.quantity, order.amount, order.status) == (
            row.quantity,
            row.amount,
            row.status,
        )
        # Datetimes written raw read back as the same instants, time zone aware.
        assert (order.ordered_at, order.paid_at) == (row.ordered_at, row.paid_at)
        assert order.created_at is not None and order.created_at.tzinfo is not None
        assert order.content_hash == content_hash(tenant.pk, row)
        assert order.batch_id == batch.pk
        party = Party.objects.get(order=order)
        for attname, value in row.party.items():
            assert (plain(party, attname) if value else getattr(party, attname)) == (
                value or None
            ), attname
        assert party.legacy_postcode == row.legacy_postcode
        shipment = Shipment.objects.filter(order=order).first()
        if row.tracking_no or row.courier or row.shipped_at:
            assert shipment is not None
            assert (shipment.courier, shipment.tracking_no, shipment.shipped_at) == (
                row.courier,
                row.tracking_no,
                row.shipped_at,
            )
        else:
            assert shipment is None
    subjects = list(Party.objects.filter(tenant=tenant).values_list("subject", flat=True))
    assert all(keyring.load(subjects).values()), "every recipient has a live key"
    names = BlindIndexEntry.objects.filter(tenant_id=tenant.pk, name="recipient.name/name")
    assert names.count() == len(subjects)


@pytest.mark.django_db
def test_a_line_is_known_by_its_marketplace_and_number(alice) -> None:
    tenant = Tenant.objects.get(slug="alice")
    rows = actions.analyse_bytes(files.smartstore_xlsx(), None).clean[:2]
    first = store(tenant, rows)
    assert first.new == 2
    elsewhere = [dataclasses.replace(r, marketplace="coupang") for r in rows]
    assert existing_lines(tenant.pk, [(r.marketplace, r.product_order_no) for r in elsewhere]) == []
    second = store(tenant, elsewhere)
    assert (second.new, second.updated) == (2, 0)
    known = existing_lines(tenant.pk, [(r.marketplace, r.product_order_no) for r in rows])
    assert sorted(number for _, _, number, _ in known) == sorted(r.product_order_no for r in rows)


@pytest.mark.django_db
def test_keys_made_in_bulk_open_what_they_seal() -> None:
    from jikim.vault import sealing

    subjects = [f"r_test{i:04d}" for i in range(1200)]  # more than one look-up chunk
    made = keyring.create(subjects)
    assert set(made) == set(subjects)
    loaded = keyring.load(subjects)
    for subject in subjects[::97]:
        token = sealing.seal(made[subject], "recipient.name", subject, "홍길동")
        material = loaded[subject]
        assert material is not None and material.key_id == made[subject].key_id
        assert sealing.open_sealed(material, "recipient.name", subject, token) == "홍길동"


# Values that repeat down a file, some holding identifiers (an RRN, a card number, a
# passport number), in the fields and unmapped columns the Normaliser remembers.
REPEATED = st.sampled_from(
    [
        "",
        "  유기농 현미 5kg ",
        "900101-1234567 문 앞",
        "카드 4111 1111 1111 1111",
        "M12345678",
        "부재 시\t문 앞",
        "010-1234-5678",
        "\u200b경비실",
    ]
)


@given(
    st.lists(
        st.tuples(REPEATED, REPEATED, REPEATED, REPEATED, st.sampled_from(["메모", "주민번호"])),
        min_size=1,
        max_size=12,
    )
)
@settings(max_examples=200)
def test_one_normaliser_for_a_file_gives_what_normalise_gives_row_by_row(
    cells: list[tuple[str, str, str, str, str]],
) -> None:
    rows = [
        OrderRow(
            marketplace="smartstore",
            source_row=index + 3,
            order_no=f"A{index}",
            product_order_no=f"P{index}",
            product_name=name,
            option=option,
            delivery_message=message,
            recipient_name="홍길동",
            recipient_phone1="010-1234-5678",
            recipient_address_base="서울특별시 강남구 테헤란로 1",
            extra={header: extra},
        )
        for index, (name, option, message, extra, header) in enumerate(cells)
    ]
    headers = {"product_name": "상품명"}
    normaliser = Normaliser(headers)
    for row in rows:
        shared, alone = normaliser.normalise(row), normalise(row, headers)
        assert (shared.row, shared.problems, shared.identifiers) == (
            alone.row,
            alone.problems,
            alone.identifiers,
        )


def test_a_full_memo_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(normalising, "MEMO_LIMIT", 1)
    parsed = importers.parse_file(files.smartstore_xlsx())
    normaliser = Normaliser(parsed.headers)
    for row in parsed.rows:
        shared, alone = normaliser.normalise(row), normalise(row, parsed.headers)
        assert (shared.row, shared.problems) == (alone.row, alone.problems)


@pytest.mark.django_db
def test_records_sealed_row_by_row_open_as_fields_sealed_one_by_one() -> None:
    from jikim.vault import sealing

    subjects = [f"r_rows{i:04d}" for i in range(5)]
    keys = keyring.create(subjects)
    categories = ["recipient.name", "recipient.phone", "recipient.address"]
    records = [[f"이름{i}", "" if i % 2 else "01012345678", f"주소 {i}"] for i in range(5)]
    sealed = sealing.seal_rows(categories, [keys[s] for s in subjects], subjects, records)
    for subject, values, tokens in zip(subjects, records, sealed, strict=True):
        for category, value, token in zip(categories, values, tokens, strict=True):
            if not value:
                assert token is None
                continue
            assert token is not None
            assert token.startswith(f"v1.{keys[subject].key_id}.")
            assert sealing.open_sealed(keys[subject], category, subject, token) == value
            one = sealing.seal(keys[subject], category, subject, value)
            assert len(one) == len(token), "the same token format"
            with pytest.raises(sealing.CorruptCiphertext):
                # The AAD binds the category and the subject, as seal's does.
                sealing.open_sealed(keys[subject], "recipient.other", subject, token)
    nonces = {t.split(".", 2)[2][:16] for tokens in sealed for t in tokens if t}
    assert len(nonces) == sum(1 for values in records for v in values if v)


@pytest.mark.django_db
def test_a_marketplace_without_lines_takes_every_row_as_new_and_then_knows_them(alice) -> None:
    tenant = Tenant.objects.get(slug="alice")
    rows = actions.analyse_bytes(files.smartstore_xlsx(), None).clean
    elsewhere = [dataclasses.replace(r, marketplace="coupang") for r in rows[:2]]
    first = store(tenant, rows[:3])
    assert (first.new, first.updated, first.unchanged) == (3, 0, 0)
    # One marketplace known (the first three lines), one new to the tenant: both right.
    changed = dataclasses.replace(rows[0], product_name="다른 상품")
    second = store(tenant, [changed, *rows[1:], *elsewhere])
    assert (second.new, second.updated, second.unchanged) == (len(rows) - 3 + 2, 1, 2)
    third = store(tenant, [changed, *rows[1:], *elsewhere])
    assert (third.new, third.updated, third.unchanged) == (0, 0, len(rows) + 2)
    assert Order.objects.filter(tenant=tenant).count() == len(rows) + 2


def test_the_collector_is_paused_only_inside_and_nesting_keeps_it_paused() -> None:
    import gc

    from jikim.shipping import gcpause

    assert gc.isenabled()
    with gcpause.paused():
        assert not gc.isenabled()
        with gcpause.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gcpause.paused():
        raise RuntimeError
    assert gc.isenabled()
