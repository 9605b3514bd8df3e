"""Orders a file leaves out are counted and explained, never dropped without a word (files
out, bugs 3 and 4): a recipient destroyed by the retention sweep, and one frozen while a
data subject's request is handled. The seller sees how many and why before downloading
the courier sheet, on the files page, and after the download; the order list's Excel file
says in each such row which of the two it is. No one is named."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from jikim.accounts.models import Tenant
from jikim.retention import actions as retention_actions
from jikim.retention import sweep
from jikim.rights import actions as rights_actions
from jikim.rights.models import Channel
from jikim.shipping.models import Order, Party
from jikim.shipping.outbound import orderlist
from tests.retention.helpers import deliver
from tests.shipping import marketplace_files as files
from tests.shipping.test_files_out import (
    PASSWORD,
    as_dicts,
    courier_post,
    decrypt,
    imported,
    read_book,
    smartstore_order,
)
from tests.shipping.test_order_list_export import _post as order_list_post

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 2, 2, 1, 0, tzinfo=dt.UTC)
LATER = T0 + dt.timedelta(days=32)
DESTROYED = "보관 기간이 지났거나 삭제 요구로 수취인 정보가 파기된 주문 1건"
FROZEN = "수취인의 정정·삭제·처리정지 요구를 처리하는 동안 보류된 주문 1건"


@pytest.fixture
def one_destroyed_one_frozen(alice) -> tuple[Order, Order]:
    """Of the three orders without a tracking number, the first's recipient is destroyed
    by the retention sweep and the second's is frozen by a pending correction request."""
    with time_machine.travel(T0, tick=False):
        imported(alice)
        tenant = Tenant.objects.get(slug="alice")
        destroyed, frozen = smartstore_order(0), smartstore_order(1)
        party = Party.objects.get(order=destroyed, role="recipient")
        deliver(party, T0)  # delivered, its tracking number never entered
        retention_actions.do_set_shipping_days(alice, tenant, 30)
    with time_machine.travel(LATER, tick=False):
        sweep.run()
        assert not Party.objects.filter(order=destroyed).exists()
        held = Party.objects.get(order=frozen, role="recipient")
        rights_actions.do_receive(
            alice,
            kind="correction",
            channel=Channel.EMAIL,
            subjects=[held.subject],
            requester_name="수취인",
            requester_contact="buyer@example.com",
            tenant=tenant,
        )
    return destroyed, frozen


# The two recipients left out (the invented orders' first and second people).
LEFT_OUT = [files.PEOPLE[0].name, files.PEOPLE[1].name]


def test_the_courier_form_counts_what_the_sheet_will_leave_out_and_why(
    alice, login, one_destroyed_one_frozen
) -> None:
    client = login(alice)
    with time_machine.travel(LATER, tick=False):
        page = client.get("/t/alice/files/courier/").content.decode()
        count = page.split('data-testid="sheet-count"', 1)[1].split("</div>", 1)[0]
        assert "지금 고른 조건의 주문 3건 가운데 1건을 파일에 넣습니다." in count
        assert f"2건은 제외합니다: {DESTROYED}, {FROZEN}." in count
        # The count follows the form: every order (the fourth has a tracking number).
        partial = client.get(
            "/t/alice/files/courier/", {"which": "all", "batch": ""}, HTTP_HX_REQUEST="true"
        ).content.decode()
        assert partial.startswith('<div id="sheet-count"') and "<html" not in partial
        assert "주문 4건 가운데 2건을 파일에 넣습니다." in partial
        for name in LEFT_OUT:
            assert name not in page and name not in partial


def test_the_sheet_holds_the_rest_and_the_next_page_says_what_was_left_out(
    alice, login, one_destroyed_one_frozen
) -> None:
    client = login(alice)
    with time_machine.travel(LATER, tick=False):
        response = courier_post(client)
        assert response["Content-Disposition"].startswith("attachment")
        sheet = as_dicts(read_book(decrypt(response.content, PASSWORD))[1])
        assert [row["받는분성명"] for row in sheet] == [files.PEOPLE[2].name]
        page = client.get("/t/alice/files/").content.decode()
    assert (
        f"내려받은 택배사 접수 파일에 주문 1건을 넣었습니다. 2건은 제외했습니다: "
        f"{DESTROYED}, {FROZEN}." in page
    )
    note = page.split('data-testid="untracked-excluded"', 1)[1].split("</p>", 1)[0]
    assert f"2건은 택배사 접수 파일에 넣지 않습니다: {DESTROYED}, {FROZEN}." in note
    for name in LEFT_OUT:
        assert name not in page


def test_a_sheet_with_no_one_left_to_write_says_why(alice, login, one_destroyed_one_frozen) -> None:
    client = login(alice)
    with time_machine.travel(LATER, tick=False):
        page = courier_post(client, date_to="2024-06-01").content.decode()
    assert (
        f"조건에 맞는 주문 2건을 모두 파일에 넣을 수 없어 파일을 만들지 않았습니다: "
        f"{DESTROYED}, {FROZEN}." in page
    )


def test_nothing_is_said_when_nothing_is_left_out(alice, login) -> None:
    imported(alice)
    client = login(alice)
    page = client.get("/t/alice/files/courier/").content.decode()
    assert "지금 고른 조건의 주문 3건을 파일에 넣습니다." in page and "제외" not in page
    courier_post(client)
    assert "제외" not in client.get("/t/alice/files/").content.decode()


def test_the_order_list_file_says_destroyed_or_frozen_for_each_left_out_recipient(
    alice, login, one_destroyed_one_frozen
) -> None:
    destroyed, frozen = one_destroyed_one_frozen
    with time_machine.travel(LATER, tick=False):
        data = order_list_post(
            login(alice), with_recipients="on", reason="정산 대조", password=PASSWORD
        ).content
    rows = {r["상품주문번호"]: r for r in as_dicts(read_book(decrypt(data, PASSWORD))[1])}
    assert (
        rows[destroyed.product_order_no]["수취인명"] == "(보관 기간 경과 또는 삭제 요구로 파기됨)"
    )
    assert (
        rows[frozen.product_order_no]["수취인명"]
        == orderlist.WITHHELD
        == "(처리정지 요청으로 제외)"
    )
    for row in (rows[destroyed.product_order_no], rows[frozen.product_order_no]):
        assert row["수취인연락처1"] == row["주소"] == ""
    assert rows[smartstore_order(2).product_order_no]["수취인명"] == files.PEOPLE[2].name
