"""C6-03: while a recipient's correction or deletion is pending, their data is not provided
— the order list's Excel file (주문 내역 엑셀) leaves them out, says so in their row, and the
refused attempt is on record."""

from __future__ import annotations

import pytest

from jikim.audit.models import AccessRecord
from jikim.shipping.models import Party
from jikim.shipping.outbound import orderlist
from jikim.vault import access
from tests.shipping.test_files_out import as_dicts, decrypt, imported, read_book
from tests.shipping.test_order_list_export import PASSWORD, _post

pytestmark = pytest.mark.django_db


def test_c6_03_a_frozen_recipient_is_left_out_of_the_order_list_file(
    alice, login, monkeypatch
) -> None:
    imported(alice)
    held = Party.objects.filter(tenant__slug="alice", role="recipient").order_by("pk").first()
    monkeypatch.setattr(
        access, "freeze_checkers", [*access.freeze_checkers, lambda s: set(s) & {held.subject}]
    )
    data = _post(login(alice), with_recipients="on", reason="정산 대조", password=PASSWORD).content
    rows = as_dicts(read_book(decrypt(data, PASSWORD))[1])
    row = {r["상품주문번호"]: r for r in rows}[held.order.product_order_no]
    assert row["수취인명"] == orderlist.WITHHELD and row["수취인연락처1"] == ""
    assert held.subject not in AccessRecord.objects.get(action="download").subjects
    refused = AccessRecord.objects.filter(action="refused.frozen").values_list(
        "subjects", flat=True
    )
    assert any(held.subject in subjects for subjects in refused)
