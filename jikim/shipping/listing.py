"""The order list's filters: marketplace, where the shipment stands and the order dates —
what a seller narrows the day's work by before searching for one customer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.http import urlencode

from jikim import clock
from jikim.shipping.models import Marketplace, Order

SHIPPING_STATES = [
    ("", "전체"),
    ("waiting", "송장 미입력"),
    ("sent", "발송 (배송 중)"),
    ("delivered", "배송 완료"),
]


def marketplace_field(everything: str) -> forms.ChoiceField:
    """An optional choice of one marketplace, `everything` naming the empty choice."""
    return forms.ChoiceField(
        label="판매처",
        required=False,
        choices=[("", everything), *Marketplace.choices],
        error_messages={"invalid_choice": "판매처를 목록에서 고르세요."},
    )


class OrderFilterForm(forms.Form):
    market = marketplace_field("전체")
    ship = forms.ChoiceField(
        label="배송",
        required=False,
        choices=SHIPPING_STATES,
        error_messages={"invalid_choice": "배송 상태를 목록에서 고르세요."},
    )
    since = forms.DateField(
        label="주문일 부터",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "날짜는 2026-03-01처럼 입력하세요."},
    )
    until = forms.DateField(
        label="까지",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "날짜는 2026-03-01처럼 입력하세요."},
    )

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "끝 날짜가 시작 날짜보다 앞섭니다.")
        return data


def _midnight(day: dt.date) -> dt.datetime:
    """The start of a day where the seller is (Korea), as an aware moment."""
    return dt.datetime.combine(day, dt.time(), tzinfo=clock.local(clock.now()).tzinfo)


def filtered(orders: QuerySet[Order], form: OrderFilterForm) -> QuerySet[Order]:
    """The orders the valid filters keep; a filter with an error is left out (the form
    says why: Django keeps only the fields that passed in `cleaned_data`)."""
    form.is_valid()
    chosen = form.cleaned_data
    if chosen.get("market"):
        orders = orders.filter(marketplace=chosen["market"])
    ship = chosen.get("ship")
    if ship == "waiting":
        orders = orders.filter(Q(shipment__isnull=True) | Q(shipment__tracking_no=""))
    elif ship == "sent":
        orders = orders.exclude(shipment__tracking_no="").filter(
            shipment__isnull=False, shipment__delivered_at__isnull=True
        )
    elif ship == "delivered":
        orders = orders.filter(shipment__delivered_at__isnull=False)
    if chosen.get("since"):
        orders = orders.filter(ordered_at__gte=_midnight(chosen["since"]))
    if chosen.get("until"):
        orders = orders.filter(ordered_at__lt=_midnight(chosen["until"] + dt.timedelta(days=1)))
    return orders


def query_without_page(form: OrderFilterForm) -> str:
    """The filters as a query string for the pager's links ('' when none is set)."""
    values = {k: v for k, v in form.data.items() if k in form.fields and v}
    return urlencode(values)


def courier_query(form: OrderFilterForm) -> str:
    """The marketplace and dates of valid filters, for the courier sheet's form ('' when
    none)."""
    if not form.is_valid():
        return ""
    data = form.cleaned_data
    carried = {
        "marketplace": data.get("market") or "",
        "date_from": data["since"].isoformat() if data.get("since") else "",
        "date_to": data["until"].isoformat() if data.get("until") else "",
    }
    return urlencode({k: v for k, v in carried.items() if v})
