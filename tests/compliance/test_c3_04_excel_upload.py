"""C3-04: sellers put shipping data into the database by Excel file upload (every real
marketplace layout, auto-detected from its header), and what lands there is ciphertext."""

import json

import pytest
from django.core.management import call_command

from jikim.shipping.models import Order, Party
from tests.conftest import create_seller
from tests.dbscan import database_bytes
from tests.shipping import marketplace_files as files
from tests.shipping.test_import_flow import _import
from tests.vaulthelp import plain

LAYOUTS = {
    "smartstore_v2": lambda: files.smartstore_xlsx(),
    "smartstore_v1": lambda: files.smartstore_xlsx(old_layout=True),
    "coupang_39": lambda: files.coupang_xlsx(),
    "coupang_2019": lambda: files.coupang_xlsx(old_layout=True),
    "esm_shipping": lambda: files.esm_xlsx(),
    "esm_new_orders": lambda: files.esm_xlsx(new_orders=True),
    "11st": lambda: files.elevenst_xlsx(),
    "11st_alt": lambda: files.elevenst_xlsx(alt=True),
    "csv_utf8": lambda: files.coupang_csv("utf-8"),
    "csv_utf8_bom": lambda: files.coupang_csv("utf-8-sig"),
    "csv_cp949": lambda: files.coupang_csv("cp949"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_c3_04_every_marketplace_layout_is_imported(alice, layout) -> None:
    batch = _import(alice, LAYOUTS[layout]())
    assert batch.status == "committed", (batch.refusal_code, batch.problems[:3])
    assert batch.new_rows == files.order_count() - batch.rejected_rows > 0
    party = Party.objects.filter(tenant__slug="alice").order_by("pk").first()
    assert plain(party, "name") in {p.name for p in files.PEOPLE}


@pytest.mark.django_db
def test_c3_04_command_line_import_reports_json(alice, tmp_path, capsys) -> None:
    path = tmp_path / "발주발송관리.xlsx"
    path.write_bytes(files.smartstore_xlsx())
    call_command("import_orders", str(path), "--tenant", "alice", "--json")
    first = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert first["format"].startswith("smartstore") and first["imported"] == first["rows"]
    assert set(first) == {"format", "rows", "imported", "updated", "rejected", "identifiers_masked"}
    call_command("import_orders", str(path), "--tenant", "alice", "--json")
    second = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert second["imported"] == 0 and second["updated"] == 0


@pytest.mark.django_db
def test_c3_04_command_line_refusal_exits_1(alice, tmp_path, capsys) -> None:
    path = tmp_path / "잠긴파일.xlsx"
    path.write_bytes(files.encrypt(files.smartstore_xlsx(), "pw"))
    with pytest.raises(SystemExit) as caught:
        call_command("import_orders", str(path), "--tenant", "alice", "--json")
    assert caught.value.code == 1
    assert json.loads(capsys.readouterr().out.strip())["refused"] == "password_required"
    call_command("import_orders", str(path), "--tenant", "alice", "--password", "pw", "--json")
    assert Order.objects.count() == files.order_count()


@pytest.mark.django_db(transaction=True)
def test_c3_04_no_plaintext_of_an_imported_file_in_any_database_file() -> None:
    seller = create_seller("plainscan")
    _import(seller, files.smartstore_xlsx())
    stored = database_bytes() + database_bytes("keyring")
    for person in files.PEOPLE:
        for value in (
            person.name,
            person.phone.replace("-", ""),
            person.phone,
            person.base,
            person.detail,
        ):
            assert value.encode() not in stored, "a personal value is stored in the clear"
