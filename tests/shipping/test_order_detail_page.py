"""The order detail page's written-out look-up and its kept blank unmask inputs: the same
page as before, the shipment shown, another tenant's order 404, a submitted form drawn
with its own values and errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from jikim.shipping import search, views
from jikim.shipping.models import Order, Shipment
from tests.shipping import marketplace_files as files
from tests.shipping.test_import_flow import _import

pytestmark = pytest.mark.django_db


def test_order_of_answers_the_tenants_order_and_its_shipment(alice, charlie) -> None:
    _import(alice, files.smartstore_xlsx())
    first, second = Order.objects.order_by("pk")[:2]
    Shipment.objects.filter(order=second).delete()
    shipment, _ = Shipment.objects.update_or_create(
        order=first,
        defaults={
            "tenant_id": first.tenant_id,
            "courier": "CJ대한통운",
            "tracking_no": "123456789012",
            "delivered_at": dt.datetime(2026, 3, 3, 1, tzinfo=dt.UTC),
        },
    )
    order, found = search.order_of(first.tenant_id, first.pk)
    assert order == first and order.order_no == first.order_no and found == shipment
    assert found is not None and found.delivered_at == shipment.delivered_at
    assert search.order_of(second.tenant_id, second.pk) == (second, None)
    charlie_tenant = charlie.memberships.get().tenant_id
    with pytest.raises(search.Http404):
        search.order_of(charlie_tenant, first.pk)
    with pytest.raises(search.Http404):
        search.order_of(first.tenant_id, 10**9)


def test_the_detail_page_shows_the_shipment(alice, login) -> None:
    _import(alice, files.smartstore_xlsx())
    order = Order.objects.order_by("pk").first()
    Shipment.objects.update_or_create(
        order=order,
        defaults={"tenant_id": order.tenant_id, "courier": "한진택배", "tracking_no": "987654"},
    )
    html = login(alice).get(f"/t/alice/orders/{order.pk}/").content.decode()
    assert "<dt>택배사</dt><dd>한진택배</dd>" in html
    assert "<dt>송장번호</dt><dd>987654 " in html
    assert "/t/alice/files/marketplace/" in html, "next: tell the marketplace"
    assert "<dt>배송완료일시</dt><dd>-</dd>" in html


def test_an_order_without_tracking_says_so_and_links_where_it_is_entered(
    alice, login, staff_of_alice
) -> None:
    _import(alice, files.smartstore_xlsx())
    order = Order.objects.order_by("pk").first()
    Shipment.objects.filter(order=order).delete()
    page = f"/t/alice/orders/{order.pk}/"
    html = login(alice).get(page).content.decode()
    assert "<dt>송장번호</dt><dd>미입력" in html and "/t/alice/files/tracking/" in html
    # A read-only member sees the fact, not a link to a page that would refuse them.
    html = login(staff_of_alice("viewer")).get(page).content.decode()
    assert "<dt>송장번호</dt><dd>미입력" in html and "/t/alice/files/tracking/" not in html


def test_the_amount_is_written_in_won(alice, login) -> None:
    _import(alice, files.smartstore_xlsx())
    order = Order.objects.order_by("pk").first()
    Order.objects.filter(pk=order.pk).update(amount=1234500)
    html = login(alice).get(f"/t/alice/orders/{order.pk}/").content.decode()
    assert "<dt>금액</dt><dd>1,234,500원</dd>" in html
    Order.objects.filter(pk=order.pk).update(amount=None)
    html = login(alice).get(f"/t/alice/orders/{order.pk}/").content.decode()
    assert "<dt>금액</dt><dd>-</dd>" in html


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_kept_blank_inputs_are_a_fresh_blank_forms(language: str) -> None:
    with translation.override(language):
        kept = views._blank_unmask_fields(language)
        form = views.UnmaskForm()
        assert kept == {name: str(form[name]) for name in form.fields}
    assert 'name="purpose"' in kept["purpose"] and 'name="reason"' in kept["reason"]


def test_a_submitted_form_is_drawn_with_its_values(alice, login) -> None:
    _import(alice, files.smartstore_xlsx())
    order = Order.objects.first()
    html = (
        login(alice)
        .post(f"/t/alice/orders/{order.pk}/", {"reason": "x", "purpose": "service_delivery"})
        .content.decode()
    )
    assert "사유를 구체적으로 입력하세요" in html
    assert 'value="x"' in html
    assert '<option value="service_delivery" selected>' in html
