"""C6-07: identifiers that shipping does not need (resident registration numbers and the
like) are detected in any column, never stored raw, masked in place, counted, and shown in
the import report with row and column; the customs code is kept, encrypted, as its own
category."""

import pytest

from jikim.shipping.models import ImportBatch, Party
from tests.dbscan import database_bytes
from tests.shipping import marketplace_files as files
from tests.shipping.test_import_flow import _import
from tests.vaulthelp import plain

RRN = "900101-1234567"
CARD = "4111 1111 1111 1111"


def _file_with_identifiers() -> bytes:
    rows = files.smartstore_rows()
    rows[0]["배송메세지"] = f"주민번호 {RRN} 입니다"
    rows[1]["상세배송지"] = f"101동 1203호 카드 {CARD}"
    return files.xlsx(files.SMARTSTORE_V2, rows, above=[[files.SMARTSTORE_INSTRUCTION]])


@pytest.mark.django_db(transaction=True)
def test_c6_07_identifiers_are_masked_in_place_counted_and_reported(alice) -> None:
    batch = _import(alice, _file_with_identifiers())
    assert batch.status == "committed"
    assert batch.identifiers_masked == 2
    reported = {
        (p["row"], p["column"]) for p in batch.problems if p["code"].startswith("identifier_")
    }
    assert reported == {(3, "배송메세지"), (4, "상세배송지")}, (
        "row as Excel shows it, header as the file says"
    )
    for problem in batch.problems:
        assert "1234567" not in str(problem["value"]) and "1111 1111" not in str(problem["value"])
    messages = [plain(p, "message") for p in Party.objects.order_by("pk")]
    assert "900101-1******" in messages[0] and RRN not in messages[0]
    details = [plain(p, "address_detail") for p in Party.objects.order_by("pk")]
    assert CARD not in details[1] and "1111" in details[1]
    assert RRN.encode() not in database_bytes() and b"4111111111111111" not in database_bytes()


@pytest.mark.django_db
def test_c6_07_resident_number_column_is_counted_and_not_stored(alice) -> None:
    batch = _import(alice, files.smartstore_xlsx(old_layout=True))
    flagged = [p for p in batch.problems if p["column"] == "구매자 주민등록번호"]
    assert len(flagged) == 1 and flagged[0]["severity"] == "warning"
    assert batch.identifiers_masked >= 1


@pytest.mark.django_db
def test_c6_07_checksum_is_a_hint_not_a_reason_to_reject(alice) -> None:
    rows = files.smartstore_rows()
    rows[0]["배송메세지"] = "번호 901231-3000000"  # post-2020 random digits: checksum fails
    batch = _import(
        alice, files.xlsx(files.SMARTSTORE_V2, rows, above=[[files.SMARTSTORE_INSTRUCTION]])
    )
    assert batch.identifiers_masked == 1 and batch.rejected_rows == 0


@pytest.mark.django_db
def test_c6_07_customs_code_is_kept_encrypted_as_its_own_category(alice) -> None:
    _import(alice, files.smartstore_xlsx())
    field = Party._meta.get_field("customs_code")
    assert field.category == "recipient.customs_code"
    codes = [plain(p, "customs_code") for p in Party.objects.order_by("pk")]
    assert "P123456789012" in codes
    assert ImportBatch.objects.get().identifiers_masked == 0
