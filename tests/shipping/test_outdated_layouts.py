"""A courier layout a seller saved before the sheets carried the line's own 상품주문번호
in the column the courier echoes back (한진 메모3, 롯데 상품코드1, 로젠 a column the seller
names) cannot have its result file matched line by line. The pages that use it say so in
Korean and offer to put it right in one step; nothing rewrites it behind the seller's
back."""

from __future__ import annotations

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jikim.accounts.models import Tenant
from jikim.audit.models import AccessRecord
from jikim.shipping import outbound
from jikim.shipping.models import CourierLayout, Shipment
from tests.shipping.test_files_out import as_dicts, courier_post, decrypt, read_book
from tests.shipping.test_tracking_lines import apply, two_recipients_one_order

pytestmark = pytest.mark.django_db

WARNING = 'data-testid="outdated-layout"'
UPDATE_BUTTON = "상품주문번호 열 바로잡기"

# The layouts as they were saved before: 주문번호 in the echoed column, 상품주문번호 next
# to it (한진, 롯데) or nowhere (로젠); the phones as the marketplace gave them.
OLD = {
    "hanjin_default": [
        ["받으시는 분", "recipient_name"],
        ["우편번호", "recipient_postcode"],
        ["주소", "recipient_address"],
        ["전화번호", "recipient_phone1"],
        ["휴대폰", "recipient_phone2"],
        ["품목명", "product_name"],
        ["수량", "quantity"],
        ["배송메세지", "delivery_message"],
        ["메모3", "order_no"],
        ["메모4", "product_order_no"],
    ],
    "lotte": [
        ["받는사람", "recipient_name"],
        ["우편번호", "recipient_postcode"],
        ["주소", "recipient_address"],
        ["전화번호1", "recipient_phone1"],
        ["전화번호2", "recipient_phone2"],
        ["배송메시지", "delivery_message"],
        ["(불필요한 항목)", ""],
        ["상품명1", "product_name"],
        ["상품코드1", "order_no"],
        ["상품코드2", "product_order_no"],
    ],
    "logen_default": [
        ["수하인명", "recipient_name"],
        ["수하인우편번호", "recipient_postcode"],
        ["수하인주소1", "recipient_address"],
        ["수하인전화", "recipient_phone1"],
        ["수하인휴대폰", "recipient_phone2"],
        ["품목명", "product_name"],
        ["배송메세지", "delivery_message"],
        ["주문번호", "order_no"],
    ],
}
# What 바로잡기 makes of them: every column keeps its name, place and field, except that
# the echoed column carries the 상품주문번호 (and the column that carried it, what the
# echoed column held); 로젠 gains a 상품주문번호 column at the end.
UPDATED = {
    "hanjin_default": [
        *OLD["hanjin_default"][:8],
        ["메모3", "product_order_no"],
        ["메모4", "order_no"],
    ],
    "lotte": [*OLD["lotte"][:8], ["상품코드1", "product_order_no"], ["상품코드2", "order_no"]],
    "logen_default": [*OLD["logen_default"], ["상품주문번호", "product_order_no"]],
}
_NOT_THE_LINE = "열에 상품주문번호가 아닌 항목(주문번호)이 들어갑니다."
REASONS = {
    "hanjin_default": f"저장해 둔 한진택배 양식의 '메모3' {_NOT_THE_LINE}",
    "lotte": f"저장해 둔 롯데택배 양식의 '상품코드1' {_NOT_THE_LINE}",
    "logen_default": "저장해 둔 로젠택배 양식에 상품주문번호를 넣는 열이 없습니다.",
}


def text(response) -> str:
    """The page as a seller reads it (quotes unescaped)."""
    return html.unescape(response.content.decode())


def save_old(layout_id: str, slug: str = "alice") -> CourierLayout:
    tenant = Tenant.objects.get(slug=slug)
    return CourierLayout.objects.create(tenant=tenant, layout_id=layout_id, columns=OLD[layout_id])


def saved(layout_id: str) -> list[list[str]]:
    return CourierLayout.objects.get(tenant__slug="alice", layout_id=layout_id).columns


def fix(client, layout_id: str, back_to: str = "files_tracking", **extra: str):
    data = {"mode": "update", "next": back_to, **extra}
    return client.post(f"/t/alice/files/layouts/{layout_id}/reset/", data)


@pytest.fixture(params=sorted(OLD))
def old(request, alice, login):
    """(layout id, Alice's client) with that layout saved as it was before."""
    save_old(request.param)
    return request.param, login(alice)


def test_every_page_that_uses_an_old_layout_says_so_and_leaves_it_as_saved(old) -> None:
    layout_id, client = old
    for page in ("courier", "tracking", "layouts", f"layouts/{layout_id}"):
        page_text = text(client.get(f"/t/alice/files/{page}/"))
        assert page_text.count(WARNING) == 1, page
        assert REASONS[layout_id] in page_text, page
        assert "운송장번호를 상품주문(받는 분)마다 맞출 수 없습니다" in page_text, page
        assert UPDATE_BUTTON in page_text and "기본 양식으로 되돌리기" in page_text, page
    assert saved(layout_id) == OLD[layout_id], "showing a page rewrites nothing"
    assert not AccessRecord.objects.filter(action="shipping.courier_layout").exists()


def test_layouts_saved_as_the_defaults_are_now_say_nothing(alice, login) -> None:
    client = login(alice)
    for layout_id in outbound.ADJUSTABLE:
        default = outbound.layout_for(Tenant.objects.get(slug="alice"), layout_id)
        columns = [[c.header, c.source or ""] for c in default.columns]
        client.post(
            f"/t/alice/files/layouts/{layout_id}/",
            {
                "position": [str(i) for i in range(1, len(columns) + 1)],
                "header": [h for h, _ in columns],
                "source": [s for _, s in columns],
            },
        )
    assert CourierLayout.objects.count() == len(outbound.ADJUSTABLE)
    # A seller's own column name for the line's number is fine where the courier echoes
    # no fixed column (로젠): it is named when the result file is read.
    tenant = Tenant.objects.get(slug="alice")
    own = [*OLD["logen_default"], ["내 상품주문번호", "product_order_no"]]
    CourierLayout.objects.filter(layout_id="logen_default").update(columns=own)
    assert outbound.outdated_layouts(tenant) == []
    for page in ("courier", "tracking", "layouts"):
        assert WARNING not in text(client.get(f"/t/alice/files/{page}/"))


def test_one_step_puts_the_line_number_where_the_courier_echoes_it(alice, old) -> None:
    layout_id, client = old
    response = fix(client, layout_id)
    assert response.status_code == 302 and response.url == "/t/alice/files/tracking/"
    assert saved(layout_id) == UPDATED[layout_id]
    record = AccessRecord.objects.get(action="shipping.courier_layout")
    assert record.actor_id == alice.pk and record.tenant_id == saved_tenant_id()
    assert record.detail == {
        "layout": layout_id,
        "columns": len(UPDATED[layout_id]),
        "line_number": True,
    }
    page = text(client.get(response.url))
    assert "상품주문번호를 넣도록 고쳤습니다. 다른 열은 그대로입니다." in page
    assert WARNING not in page
    # Once right, asking again changes nothing more.
    fix(client, layout_id)
    assert saved(layout_id) == UPDATED[layout_id]


def saved_tenant_id() -> int:
    return Tenant.objects.get(slug="alice").pk


def test_the_download_still_uses_the_saved_layout_and_says_why_to_fix_it(alice, login) -> None:
    first, _second, _single = two_recipients_one_order(alice)
    save_old("hanjin_default")
    client = login(alice)
    response = courier_post(client, layout="hanjin_default")
    rows = as_dicts(read_book(decrypt(response.content))[1])
    assert {row["메모3"] for row in rows} >= {first.order_no}, "the seller's layout, as saved"
    assert saved("hanjin_default") == OLD["hanjin_default"]
    after = text(client.get("/t/alice/files/"))
    assert REASONS["hanjin_default"] in after


def _hanjin_result(client) -> str:
    """A 한진 result for the sheet just downloaded: its rows back, with tracking numbers."""
    header, *rows = read_book(decrypt(courier_post(client, layout="hanjin_default").content))[1]
    lines = [[*header, "운송장번호"]]
    lines += [[*row, f"5012345678{i:02d}"] for i, row in enumerate(reversed(rows))]
    csv = "\r\n".join(",".join(f'"{c}"' for c in line) for line in lines) + "\r\n"
    upload = SimpleUploadedFile("result.csv", csv.encode("utf-8-sig"))
    response = client.post("/t/alice/files/tracking/", {"courier": "hanjin", "file": upload})
    return text(response)


def test_after_the_fix_a_shared_orders_result_matches_line_by_line(alice, login) -> None:
    first, second, single = two_recipients_one_order(alice)
    save_old("hanjin_default")
    client = login(alice)
    before = _hanjin_result(client)
    # The shared order's two rows name no single line; the preview says why, with the fix.
    preview = before.split('data-testid="tracking-preview"', 1)[1].split("<h3>", 1)[0]
    assert WARNING in preview and REASONS["hanjin_default"] in preview
    assert 'data-testid="ambiguous"' in before and "1건 반영하기" in before

    fix(client, "hanjin_default")
    after = _hanjin_result(client)
    assert "3건 반영하기" in after and WARNING not in after
    apply(client, after)
    numbers = {s.order_id: s.tracking_no for s in Shipment.objects.all()}
    assert len({numbers[first.pk], numbers[second.pk], numbers[single.pk]}) == 3


def test_resetting_from_the_warning_goes_back_to_the_default(alice, login) -> None:
    save_old("hanjin_default")
    client = login(alice)
    response = client.post(
        "/t/alice/files/layouts/hanjin_default/reset/", {"next": "files_courier"}
    )
    assert response.status_code == 302 and response.url == "/t/alice/files/courier/"
    assert not CourierLayout.objects.exists()
    assert AccessRecord.objects.get(action="shipping.courier_layout").detail["reset"] is True
    # Anywhere else than the pages that offer it: back to the layouts.
    save_old("lotte")
    response = fix(client, "lotte", back_to="https://example.com/")
    assert response.url == "/t/alice/files/layouts/"


def test_without_a_saved_layout_there_is_nothing_to_update(alice, login) -> None:
    client = login(alice)
    response = fix(client, "hanjin_default", back_to="files_layouts")
    page = text(client.get(response.url))
    assert "저장해 둔 양식이 없습니다" in page
    assert not CourierLayout.objects.exists()
    assert not AccessRecord.objects.filter(action="shipping.courier_layout").exists()


def test_staff_without_the_export_right_see_it_but_cannot_change_it(
    alice, staff_of_alice, login
) -> None:
    save_old("hanjin_default")
    agent = login(staff_of_alice("cs_agent"))
    page = text(agent.get("/t/alice/files/tracking/"))
    assert WARNING in page and REASONS["hanjin_default"] in page
    assert UPDATE_BUTTON not in page and "소유자나 관리자가 바꿀 수 있습니다" in page
    assert fix(agent, "hanjin_default").status_code == 403
    assert saved("hanjin_default") == OLD["hanjin_default"]


def test_another_sellers_old_layout_is_theirs_alone(alice, bob, charlie, login) -> None:
    save_old("hanjin_default", slug="bob")
    assert WARNING not in text(login(alice).get("/t/alice/files/courier/"))
    assert WARNING in text(login(bob).get("/t/bob/files/courier/"))
    response = login(charlie).post("/t/bob/files/layouts/hanjin_default/reset/", {"mode": "update"})
    assert response.status_code == 404
    assert CourierLayout.objects.get(tenant__slug="bob").columns == OLD["hanjin_default"]
